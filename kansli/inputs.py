"""What the database can store, checked before it is asked to: the same limits on SQLite
(which would store almost anything) and PostgreSQL (which refuses it with a server error).

- Text: no NUL character (PostgreSQL cannot store one) and no lone surrogate (half of a
  UTF-16 pair, which is not a character and cannot be written as UTF-8); a length within
  the column's.
- Whole numbers: within PostgreSQL's `integer` (and SQLite's 64 bits).
- Days: years 1900–2200: a registered document or a meeting outside them is a typing
  error, and year -1 or 99999 cannot be stored everywhere.

The API's request schemas use the annotated types (a 422 naming the field), the forms use
the form fields (a Swedish error on the field)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field

LARGEST = 2**31 - 1
MAX_OFFSET = 10_000  # how far a list's pages reach; further is not browsing
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2200, 12, 31)

NUL_OR_SURROGATE = _("The text holds a character that cannot be stored (NUL or half a pair).")
DAY_OUT_OF_RANGE = _("Give a date between 1900 and 2200.")


def unstorable(text: str) -> bool:
    """True if the text holds NUL or a lone surrogate."""
    return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)


def _storable(text: str) -> str:
    if unstorable(text):
        raise ValueError(str(NUL_OR_SURROGATE))
    return text


def _in_range(day: datetime.date) -> datetime.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(str(DAY_OUT_OF_RANGE))
    return day


def _text(max_length: int) -> Any:
    return Annotated[str, Field(max_length=max_length), AfterValidator(_storable)]


# The API's texts, by the longest column they are stored in.
Code = _text(20)  # an authority's code, a process code
Line = _text(100)  # a document type, a provision
Words = _text(200)  # what the public searches for
Name = _text(300)  # a sender or recipient
Title = _text(500)  # a case title, a description, what staff search for
Address = _text(2000)
LongText = _text(100_000)  # a proposed decision
Day = Annotated[datetime.date, AfterValidator(_in_range)]
Year = Annotated[int, Field(ge=FIRST_DAY.year, le=LAST_DAY.year)]
Id = Annotated[int, Field(le=LARGEST)]


def check_day(day: datetime.date | None) -> None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(DAY_OUT_OF_RANGE, code="out_of_range")


class DayField(forms.DateField):
    """A form's date: 1900–2200."""

    default_validators = [check_day]


class WholeField(forms.IntegerField):
    """A form's whole number: within PostgreSQL's `integer` unless narrower."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", LARGEST)
        kwargs.setdefault("min_value", -LARGEST)
        super().__init__(**kwargs)
