"""Reading an earlier registry system's CSV export (see kansli.registry.importer for the
columns): the encoding and the separator, the rows with the line each starts on, and
each row's text checked and turned into values (CaseRow, DocumentRow), with every fault
named in Swedish."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.utils import timezone

from kansli.inputs import FIRST_DAY, LAST_DAY, unstorable
from kansli.org.models import Authority
from kansli.registry.casenumber import CaseNumberQuery, parse_case_number
from kansli.registry.models import CaseStatus, Direction, SecrecyProvision

REQUIRED = ["case_id", "case_number", "authority", "title", "opened"]
DOCUMENT_COLUMNS = ["document_id", "document_number", "direction", "document_date",
                    "description", "counterpart", "document_type", "secrecy"]  # fmt: skip
CASE_COLUMNS = [*REQUIRED, "status", "closed"]
COLUMNS = [*CASE_COLUMNS, *DOCUMENT_COLUMNS]
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
    text = decode(data)
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


def decode(data: bytes) -> str:
    """The text of a file in what Swedish systems export: UTF-16 or UTF-8 by their
    byte-order mark, else UTF-16 told by its NUL bytes, else UTF-8, else Windows-1252,
    else ISO-8859-1 (which Windows-1252 extends, except for five bytes it leaves
    undefined)."""
    marks = [(codecs.BOM_UTF16_LE, "utf-16-le", "Filen börjar som UTF-16"),
             (codecs.BOM_UTF16_BE, "utf-16-be", "Filen börjar som UTF-16"),
             (codecs.BOM_UTF8, "utf-8", "Filen börjar som UTF-8")]  # fmt: skip
    for mark, encoding, seen in marks:
        if data.startswith(mark):
            return _decode(data, len(mark), encoding, seen)
    if encoding := _utf16_without_mark(data):
        return _decode(data, 0, encoding, "Filen ser ut som UTF-16 utan byteordningsmärke")
    for encoding in ["utf-8", "cp1252"]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def _decode(data: bytes, start: int, encoding: str, seen: str) -> str:
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as exc:
        name = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
        raise FileRefused(
            f"{seen} men byte {start + exc.start + 1} är inte giltig {name}."
        ) from exc


def _utf16_without_mark(data: bytes) -> str:
    """The encoding of UTF-16 saved without a byte-order mark (Excel's "Unicode text"
    and some registry exports), "utf-16-le" or "utf-16-be", else empty. Latin letters, å, ä and ö
    among them, are below U+0100, so nearly every other byte is NUL: at the odd
    positions in little-endian, at the even ones in big-endian. Text in UTF-8 or
    Windows-1252 has no NUL at all, or a stray one that its row is refused for."""
    sample = data[:4096]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if pairs and odd * 2 >= pairs and even * 10 <= odd:
        return "utf-16-le"
    if pairs and even * 2 >= pairs and odd * 10 <= even:
        return "utf-16-be"
    return ""


# A UTF-8 lead byte followed by continuation bytes, all read as Windows-1252 or
# ISO-8859-1 characters: "Ã¥" for "å", "â€“" for "–", "Â " for a no-break space.
MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]+")


def garbled(text: str) -> str:
    """The first stretch of text that is UTF-8 read in the wrong encoding (or a
    replacement character, left where a converter met a byte it could not read);
    empty when there is none."""
    if "\ufffd" in text:
        return "\ufffd"
    for match in MOJIBAKE.finditer(text):
        raw = bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in match[0])
        try:
            meant = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if all(_western(char) for char in meant):
            return match[0]
    return ""


def _western(char: str) -> bool:
    """A character a Swedish register holds: Latin letters with their marks, or
    typographic punctuation (dashes, quotes, the euro sign). "Ö–" decodes to a Hebrew
    accent, so it is what it looks like."""
    return "\u00a0" <= char <= "\u024f" or "\u2000" <= char <= "\u20cf"


# What text_faults looks for at all: a row without any of it has no fault (one search
# over the row's text instead of each value's characters one by one).
SUSPECT = re.compile(f"[\x00\ud800-\udfff\ufffd]|{MOJIBAKE.pattern}")


def text_faults(values: dict[str, str]) -> list[str]:
    """What in a row's text cannot be stored or is not what the earlier system held."""
    if not SUSPECT.search("\n".join(values.values())):
        return []
    reasons, garbles = [], []
    for column, value in values.items():
        if unstorable(value):
            reasons.append(
                f"{column} innehåller ett tecken som inte kan lagras (NUL eller ett halvt "
                "teckenpar)."
            )
        elif found := garbled(value):
            garbles.append(f"{column} ('{found}')")
    if garbles:
        reasons.append(
            f"Felkodad text i {', '.join(garbles)}: filen har troligen sparats i fel "
            "teckenkodning (t.ex. UTF-8 läst som Windows-1252). Spara exporten som UTF-8 "
            "och importera igen."
        )
    return reasons


def _plain(text: str) -> str:
    return text.strip().lower().translate(str.maketrans("åäö", "aao")).replace(" ", "_")


def _date(
    values: dict[str, str], column: str, reasons: list[str], today: datetime.date
) -> datetime.date | None:
    text = values.get(column, "").strip()
    if not text:
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        reasons.append(f"Ogiltigt datum '{text}' i {column}: ange ÅÅÅÅ-MM-DD.")
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        reasons.append(f"Datumet {text} i {column} ligger utanför åren 1900–2200.")
        return None
    if day > today:
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
        self.today = timezone.localdate()  # "in the future": after the day the import began
        # A case's columns are repeated on each of its documents' rows: checked once.
        self.cases: dict[tuple[str, ...], tuple[list[str], CaseRow | None]] = {}

    def parse(self, values: dict[str, str]) -> tuple[CaseRow, DocumentRow | None]:
        """The row's values checked and converted; every fault is named at once."""
        reasons = text_faults(values)
        reasons += [
            f"{column} är längre än {limit} tecken."
            for column, limit in LIMITS.items()
            if len(values.get(column, "").strip()) > limit
        ]
        key = tuple([values.get(column, "") for column in CASE_COLUMNS])
        if key not in self.cases:
            case_reasons: list[str] = []
            self.cases[key] = case_reasons, self._parse_case(values, case_reasons)
        case_reasons, case = self.cases[key]
        if reasons:  # as _parse_case gives it after faults in the row's text
            case = None
        reasons += case_reasons
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
        number = _case_number(values.get("case_number", ""), code, reasons, self.today)
        status = _plain(values.get("status", "")) or CaseStatus.OPENED
        if status not in CaseStatus.values:
            reasons.append(f"Okänd status '{values['status'].strip()}'.")
        opened = _date(values, "opened", reasons, self.today)
        closed = _date(values, "closed", reasons, self.today)
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
        day = _date(values, "document_date", reasons, self.today)
        if reasons or direction is None or day is None:
            return None
        return DocumentRow(
            values["document_id"].strip(), number, direction, day, values["description"],
            values.get("counterpart", ""), values.get("document_type", ""), secrecy,
        )  # fmt: skip


def _case_number(
    text: str, code: str, reasons: list[str], today: datetime.date
) -> tuple[int, int] | None:
    """(year, number) from e.g. "KS 2019/12", in any spelling the search box takes
    (kansli.registry.casenumber); its series, if given, must be the authority's code."""
    if not text.strip():
        return None
    found = parse_case_number(text)
    if found is None or found.document is not None:
        reasons.append(f"Ogiltigt ärendenummer '{text.strip()}': ange t.ex. KS 2019/12.")
        return None
    if found.year > today.year:
        reasons.append(f"Året i ärendenumret {text.strip()} ligger i framtiden.")
    if code and (found.series or code) != code:
        reasons.append(f"Ärendenumret {text.strip()} hör inte till myndigheten {code}.")
    return found.year, found.number


def _document_number(text: str, case: CaseRow | None, reasons: list[str]) -> int | None:
    """The running number from "KS 2019/12-3" or "3"; a full number must be the case's."""
    text = text.strip()
    if not text:
        return None
    full: CaseNumberQuery | None = None
    number: int | None
    if DOCUMENT_NUMBER.fullmatch(text):
        number = int(text)
    else:
        full = parse_case_number(text)
        number = full.document if full is not None else None
    if not number:
        reasons.append(f"Ogiltigt handlingsnummer '{text}': ange t.ex. KS 2019/12-3 eller 3.")
        return None
    if full and case and (full.year, full.number) != (case.year, case.number):
        reasons.append(f"Handlingsnumret {text} hör inte till ärendet.")
    return number
