"""How text is compared: case folded, every kind of dash a hyphen, spacing collapsed."""

from __future__ import annotations

import re
import unicodedata

_DASHES: dict[int, str | None] = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
_DASHES[0xAD] = None  # a soft hyphen is not there when read
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    return _SPACE.sub(" ", text).strip()


def squeezed(text: str) -> str:
    """Without any spacing at all: an extractor may break or join lines and words."""
    return _SPACE.sub("", normalise(text))
