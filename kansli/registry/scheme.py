"""Reading a classification scheme (klassificeringsstruktur, KLASSA-style) from CSV:
two columns, the dotted code and the title, semicolon- or comma-separated, with a
header row. A parent is found from the code: 3.3.2 belongs under 3.3."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

CODE = re.compile(r"^\d+(\.\d+)*$")


@dataclass(frozen=True)
class SchemeRow:
    code: str
    title: str

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


def parse_scheme(text: str) -> list[SchemeRow]:
    """The rows in code order; every error is reported with its line number."""
    text = text.lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    reader = csv.reader(io.StringIO(text), dialect)
    next(reader, None)
    rows, errors, seen = [], [], set()
    for line, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        code, title = [*fields, "", ""][:2]
        code, title = code.strip(), title.strip()
        if not CODE.match(code):
            errors.append(f"rad {line}: koden '{code}' är inte en punktad sifferkod")
        elif not title:
            errors.append(f"rad {line}: rubrik saknas för {code}")
        elif code in seen:
            errors.append(f"rad {line}: koden {code} finns redan")
        else:
            seen.add(code)
            rows.append(SchemeRow(code, title))
    for row in rows:
        if row.parent_code and row.parent_code not in seen:
            errors.append(f"{row.code}: överordnad nivå {row.parent_code} saknas")
    if errors:
        raise ValidationError(errors)
    return sorted(rows, key=lambda r: [int(part) for part in r.code.split(".")])
