"""A CSV download (kansli.csvcells: semicolons, a byte-order mark, formulas guarded)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from kansli.csvcells import FORMULA_STARTS, write_csv

__all__ = ["FORMULA_STARTS", "csv_download"]


def csv_download(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    write_csv(response, header, rows)
    return response
