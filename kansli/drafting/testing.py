"""Test helpers for the templates, made through the real actions."""

from __future__ import annotations

import io
import struct
import zlib

from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Case
from kansli.registry.testing import make_case

PROTECTED_NAME = "Sigrid Skyddadsson"
PROTECTED_NUMBER = "19850612-1234"


def png(rgb: tuple[int, int, int], size: int = 8) -> bytes:
    """A small PNG of one colour, different bytes for each colour."""
    row = b"\x00" + bytes(rgb) * size
    raw = zlib.compress(row * size)

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()


def make_case_with_protected_party() -> tuple[Case, User]:
    """A case of KS with its officer, an open party and a party with protected identity
    (OSL 21 kap. 3 §) whose name is also in the case's title."""
    authority = make_authority()
    officer = make_user(roles=[(Role.OFFICER, authority)], first_name="Olle", last_name="Berg")
    case = make_case(f"Ansökan om bostadsanpassning, {PROTECTED_NAME}", authority=authority)
    registry.do_assign_officer(case, officer, actor=None)
    registry.do_add_party(case, "Anna Andersson", actor=None, role="sökande")
    registry.do_add_party(
        case, PROTECTED_NAME, actor=None, identity_number=PROTECTED_NUMBER, protected_identity=True,
        address="Hemliga vägen 1, 123 45 Orten",
    )  # fmt: skip
    return case, officer
