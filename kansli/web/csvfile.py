"""A CSV download as Swedish spreadsheets open it: semicolons between the fields and a
byte-order mark, by which Excel reads the file as UTF-8. A cell that a spreadsheet would
read as a formula (it starts with =, +, -, @, a tab or a carriage return: CSV
injection) gets a leading apostrophe, so it is shown as the text it is."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse


def csv_download(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    out = csv.writer(response, delimiter=";")
    out.writerow(header)
    out.writerows([_cell(value) for value in row] for row in rows)
    return response


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
