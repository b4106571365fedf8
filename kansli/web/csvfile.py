"""A CSV download as Swedish spreadsheets open it: semicolons between the fields and a
byte-order mark, by which Excel reads the file as UTF-8."""

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
    out.writerows(rows)
    return response
