"""The SAML endpoints' bounds on a message before pysaml2 reads it: as sent, and once
inflated (HTTP-Redirect), which an unchecked inflate would take whole before any
signature is looked at."""

from __future__ import annotations

import base64
import zlib

import pytest
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

from kansli.sso.saml import MAX_SENT, MAX_XML, check_size


def deflated(data: bytes) -> str:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return base64.b64encode(packer.compress(data) + packer.flush()).decode()


def test_a_real_sized_message_passes_both_bindings() -> None:
    xml = b"<samlp:LogoutRequest>" + b"x" * 4000 + b"</samlp:LogoutRequest>"
    check_size(deflated(xml), BINDING_HTTP_REDIRECT)
    check_size(base64.b64encode(xml).decode(), BINDING_HTTP_POST)
    check_size("", BINDING_HTTP_REDIRECT)  # no such field


def test_a_deflate_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = deflated(b"\0" * 200_000_000)  # 200 MB of zeros, about 270 kB sent
    assert len(bomb) < 2 * MAX_SENT
    with pytest.raises(ValueError, match=r"characters|inflates beyond"):
        check_size(bomb, BINDING_HTTP_REDIRECT)
    small_bomb = deflated(b"\0" * (MAX_XML + 1))
    assert len(small_bomb) < MAX_SENT
    with pytest.raises(ValueError, match="inflates beyond"):
        check_size(small_bomb, BINDING_HTTP_REDIRECT)


@pytest.mark.parametrize("message", ["inte base64 !!", base64.b64encode(b"not deflated").decode()])
def test_garbage_is_refused(message: str) -> None:
    with pytest.raises(ValueError, match="not a deflated message"):
        check_size(message, BINDING_HTTP_REDIRECT)


def test_an_oversized_post_is_refused() -> None:
    with pytest.raises(ValueError, match="characters"):
        check_size("A" * (MAX_SENT + 1), BINDING_HTTP_POST)
