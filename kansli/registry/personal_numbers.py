"""Finding Swedish personal identity numbers in text, to warn a registrar that a
document may need a secrecy marking (OSL 21 kap. 7 §, 26 kap. 1 §; personal identity
numbers themselves are sensitive to publish, GDPR art. 87 and lag (2018:218) 3 kap.
10 §).

A personnummer (Skatteverket, SKV 704) is the date of birth and four digits, the last a
check digit by the Luhn algorithm over the ten-digit form: YYMMDD-NNNN, or with the
century YYYYMMDD-NNNN; after 100 years of age the separator is "+". A
samordningsnummer is the same with 60 added to the day. Written with or without the
separator (also as a space). A run of digits that is part of a longer number (an
account or a phone number) is not one; neither is a date that does not exist or a
wrong check digit."""

from __future__ import annotations

import datetime
import re
from typing import IO

_CANDIDATE = re.compile(r"(?<![\d-])((?:19|20)?\d{6})[-+ ]?(\d{4})(?![\d-])")


def luhn_ok(ten_digits: str) -> bool:
    total = 0
    for position, character in enumerate(ten_digits):
        value = int(character) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _real_date(date_digits: str) -> bool:
    """YYMMDD or YYYYMMDD; the day may be a samordningsnummer's (plus 60)."""
    year = int(date_digits[:-4]) if len(date_digits) == 8 else 2000
    month, day = int(date_digits[-4:-2]), int(date_digits[-2:])
    if day > 60:
        day -= 60
    try:
        datetime.date(year, month, day)
    except ValueError:
        # A two-digit year: 29 February exists in some century.
        return len(date_digits) == 6 and (month, day) == (2, 29)
    return True


def find(text: str) -> list[str]:
    """The distinct personal identity numbers in `text`, as written with twelve digits
    when the century was given, else ten (YYMMDD-NNNN), in order of appearance."""
    found: dict[str, None] = {}
    for match in _CANDIDATE.finditer(text):
        date_digits, last = match.group(1), match.group(2)
        if not _real_date(date_digits) or not luhn_ok(date_digits[-6:] + last):
            continue
        found[f"{date_digits}-{last}"] = None
    return list(found)


def mask(text: str, replacement: str) -> str:
    """`text` with every personal identity number (as `find` sees them, in any of their
    spellings) replaced."""

    def replace(match: re.Match[str]) -> str:
        date_digits, last = match.group(1), match.group(2)
        if _real_date(date_digits) and luhn_ok(date_digits[-6:] + last):
            return replacement
        return match.group(0)

    return _CANDIDATE.sub(replace, text)


def warning(count: int) -> str:
    """The registrar's warning, in Swedish, for `count` numbers found."""
    return f"Handlingen innehåller {count} personnummer – överväg sekretessmarkering."


# A file not read within its limits or the request's time (kansli.files.sandbox): the
# registrar confirms it as for a number found, or marks it, or tries again.
NOT_CHECKED = (
    "En fil kunde inte läsas igenom efter personnummer inom tidsgränsen. Kontrollera den "
    "själv och bekräfta, välj en sekretessmarkering, eller försök igen."
)


def in_file(file: IO[bytes]) -> list[str]:
    """The personal identity numbers in a file's text (an upload, before it is stored);
    none for a file without text (a type with no reader here) or one its reader cannot
    read, or a zip bomb (which is not unpacked here: the store refuses it).
    ValidationError (NOT_CHECKED) for a file not read within the reader's limits or the
    web request's time: that is not a file without numbers."""
    from django.core.exceptions import ValidationError

    from kansli.files.detect import ZIP_BASED, detect_type
    from kansli.files.readers import text_of
    from kansli.files.sandbox import OverLimit
    from kansli.files.store import check_unpacked

    file_type = detect_type(file)
    if file_type is None:
        return []
    if file_type in ZIP_BASED:
        try:
            check_unpacked(file)
        except ValidationError:
            return []
    file.seek(0)
    try:
        return find(text_of(file, file_type.mime))
    except OverLimit as error:  # and OutOfTime
        raise ValidationError(NOT_CHECKED, code="not_checked") from error
    except Exception:  # an unreadable file is refused when it is stored
        return []
    finally:
        file.seek(0)
