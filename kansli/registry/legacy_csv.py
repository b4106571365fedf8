"""Reading an earlier registry system's CSV export (see kansli.registry.importer for the
columns): the encoding and the separator, the rows with the line each starts on, and
each row's text checked and turned into values (CaseRow, DocumentRow), with every fault
named in Swedish."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.utils import timezone

from kansli.org.models import Authority
from kansli.registry.models import CaseStatus, Direction, SecrecyProvision

REQUIRED = ["case_id", "case_number", "authority", "title", "opened"]
DOCUMENT_COLUMNS = ["document_id", "document_number", "direction", "document_date",
                    "description", "counterpart", "document_type", "secrecy"]  # fmt: skip
COLUMNS = [*REQUIRED, "status", "closed", *DOCUMENT_COLUMNS]
CASE_NUMBER = re.compile(
    r"^(?:(?P<series>[^\s/-]+)[\s-]+)?(?P<year>[0-9]{4})\s*[/-]\s*(?P<number>[0-9]{1,6})$"
)
DOCUMENT_NUMBER = re.compile(r"[0-9]{1,6}")
DIRECTIONS = {"inkommen": Direction.INCOMING, "upprattad": Direction.DRAWN_UP,
              "utgaende": Direction.OUTGOING, "pm": Direction.MEMO}  # fmt: skip
# The longest values the models hold.
LIMITS = {"case_id": 100, "title": 500, "document_id": 100, "description": 500,
          "counterpart": 300, "document_type": 100}  # fmt: skip


class FileRefused(Exception):
    """The file as a whole cannot be read (the message says why, in Swedish)."""


class RowRefused(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))


@dataclass
class Row:
    line: int
    values: dict[str, str]
    fault: str = ""


@dataclass
class Sheet:
    rows: list[Row]
    ignored: list[str]  # columns that are not among COLUMNS


def read_csv(data: bytes) -> Sheet:
    """The rows of an export, each with the line it starts on; blank rows are skipped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileRefused("Filen är varken UTF-8 eller Windows-1252.") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise FileRefused(f"Kolumner saknas i rubrikraden: {', '.join(missing)}.")
        rows, end = [], reader.line_num
        for fields in reader:
            start, end = end + 1, reader.line_num
            if not any(field.strip() for field in fields):
                continue
            fault = ""
            if len(fields) != len(header):
                fault = f"Raden har {len(fields)} fält men rubrikraden {len(header)}."
            rows.append(Row(start, dict(zip(header, fields, strict=False)), fault))
    except csv.Error as exc:
        raise FileRefused(f"Rad {reader.line_num} kan inte läsas: {exc}.") from exc
    return Sheet(rows, [name for name in header if name not in COLUMNS])


def _plain(text: str) -> str:
    return text.strip().lower().translate(str.maketrans("åäö", "aao")).replace(" ", "_")


def _date(values: dict[str, str], column: str, reasons: list[str]) -> datetime.date | None:
    text = values.get(column, "").strip()
    if not text:
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        reasons.append(f"Ogiltigt datum '{text}' i {column}: ange ÅÅÅÅ-MM-DD.")
        return None
    if day > timezone.localdate():
        reasons.append(f"Datumet {text} i {column} ligger i framtiden.")
        return None
    return day


@dataclass
class CaseRow:
    external_id: str
    authority: Authority
    year: int
    number: int
    title: str
    opened: datetime.date
    status: str
    closed: datetime.date | None


@dataclass
class DocumentRow:
    external_id: str
    number: int | None
    direction: str
    document_date: datetime.date
    description: str
    counterpart: str
    document_type: str
    secrecy: SecrecyProvision | None


class RowParser:
    """Checks rows against the authorities and secrecy provisions Kansli knows."""

    def __init__(self) -> None:
        self.authorities = {a.code: a for a in Authority.objects.select_related("municipality")}
        self.provisions = {p.reference: p for p in SecrecyProvision.objects.all()}

    def parse(self, values: dict[str, str]) -> tuple[CaseRow, DocumentRow | None]:
        """The row's values checked and converted; every fault is named at once."""
        reasons = [
            f"{column} är längre än {limit} tecken."
            for column, limit in LIMITS.items()
            if len(values.get(column, "").strip()) > limit
        ]
        case = self._parse_case(values, reasons)
        document = None
        if any(values.get(column, "").strip() for column in DOCUMENT_COLUMNS):
            document = self._parse_document(values, case, reasons)
        if reasons or case is None:
            raise RowRefused(reasons)
        return case, document

    def _parse_case(self, values: dict[str, str], reasons: list[str]) -> CaseRow | None:
        for column in REQUIRED:
            if not values.get(column, "").strip():
                reasons.append(f"Värde saknas i {column}.")
        code = values.get("authority", "").strip().upper()
        authority = self.authorities.get(code)
        if code and authority is None:
            reasons.append(f"Okänd myndighet '{code}'.")
        number = _case_number(values.get("case_number", ""), code, reasons)
        status = _plain(values.get("status", "")) or CaseStatus.OPENED
        if status not in CaseStatus.values:
            reasons.append(f"Okänd status '{values['status'].strip()}'.")
        opened = _date(values, "opened", reasons)
        closed = _date(values, "closed", reasons)
        if opened and closed and closed < opened:
            reasons.append("Ärendet kan inte ha avslutats innan det öppnades.")
        if reasons or authority is None or number is None or opened is None:
            return None
        return CaseRow(
            values["case_id"].strip(), authority, *number, values["title"].strip(), opened,
            status, closed,
        )  # fmt: skip

    def _parse_document(
        self, values: dict[str, str], case: CaseRow | None, reasons: list[str]
    ) -> DocumentRow | None:
        for column in ["document_id", "direction", "document_date", "description"]:
            if not values.get(column, "").strip():
                reasons.append(f"Värde saknas i {column}.")
        direction = DIRECTIONS.get(_plain(values.get("direction", "")))
        if direction is None and values.get("direction", "").strip():
            reasons.append(
                f"Okänd riktning '{values['direction'].strip()}': ange inkommen, upprättad, "
                "utgående eller PM."
            )
        reference = values.get("secrecy", "").strip()
        secrecy = self.provisions.get(reference) if reference else None
        if reference and secrecy is None:
            reasons.append(f"Okänd sekretessbestämmelse '{reference}'.")
        number = _document_number(values.get("document_number", ""), case, reasons)
        day = _date(values, "document_date", reasons)
        if reasons or direction is None or day is None:
            return None
        return DocumentRow(
            values["document_id"].strip(), number, direction, day, values["description"],
            values.get("counterpart", ""), values.get("document_type", ""), secrecy,
        )  # fmt: skip


def _case_number(text: str, code: str, reasons: list[str]) -> tuple[int, int] | None:
    """(year, number) from e.g. "KS 2019/12"; its series must be the authority's code."""
    if not text.strip():
        return None
    match = CASE_NUMBER.match(text.strip())
    if match is None or int(match["number"]) == 0:
        reasons.append(f"Ogiltigt ärendenummer '{text.strip()}': ange t.ex. KS 2019/12.")
        return None
    if int(match["year"]) > timezone.localdate().year:
        reasons.append(f"Året i ärendenumret {text.strip()} ligger i framtiden.")
    series = (match["series"] or code).upper()
    if code and series != code:
        reasons.append(f"Ärendenumret {text.strip()} hör inte till myndigheten {code}.")
    return int(match["year"]), int(match["number"])


def _document_number(text: str, case: CaseRow | None, reasons: list[str]) -> int | None:
    """The running number from "KS 2019/12-3" or "3"; a full number must be the case's."""
    text = text.strip()
    prefix, _, number = text.rpartition("-")
    if not text:
        return None
    if not DOCUMENT_NUMBER.fullmatch(number) or int(number) == 0:
        reasons.append(f"Ogiltigt handlingsnummer '{text}': ange t.ex. KS 2019/12-3 eller 3.")
        return None
    if prefix and case is not None:
        match = CASE_NUMBER.match(prefix.strip())
        if match is None or (int(match["year"]), int(match["number"])) != (case.year, case.number):
            reasons.append(f"Handlingsnumret {text} hör inte till ärendet.")
    return int(number)
