"""CSV as Swedish spreadsheets open it: semicolons between the fields and a byte-order
mark, by which Excel reads the file as UTF-8. A cell that a spreadsheet would read as a
formula (it starts with =, +, -, @, a tab or a carriage return: CSV injection) gets a
leading apostrophe, so it is shown as the text it is. On the ground floor, so that
files the system registers (a disposal report's appendix) are written the same way as
the downloads of kansli.web.csvfile."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def guard(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: Writable, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows([guard(value) for value in row] for row in rows)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    text = io.StringIO()
    write_csv(text, header, rows)
    return text.getvalue().encode()
