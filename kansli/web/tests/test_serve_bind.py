"""KANSLI_BIND's forms (kansli.web.bind): which listen beyond this machine, and what is
refused, in Swedish."""

from __future__ import annotations

import pytest

from kansli.web import bind


@pytest.mark.parametrize(
    ("text", "host", "port", "local"),
    [
        ("127.0.0.1:8000", "127.0.0.1", 8000, True),
        ("127.0.0.2:8001", "127.0.0.2", 8001, True),
        ("localhost:8000", "localhost", 8000, True),
        ("[::1]:8000", "::1", 8000, True),
        ("unix:/run/kansli/web-1.sock", "", 0, True),
        ("0.0.0.0:8000", "0.0.0.0", 8000, False),  # noqa: S104 - the case under test
        ("10.0.0.5:8000", "10.0.0.5", 8000, False),
        ("[::]:8000", "::", 8000, False),
        ("kansli.kommun.se:8000", "kansli.kommun.se", 8000, False),
    ],
)
def test_an_address_is_local_only_on_loopback_or_a_unix_socket(
    text: str, host: str, port: int, local: bool
) -> None:
    where = bind.parse(text)
    assert (where.address, where.host, where.port, where.local) == (text, host, port, local)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("8000", "ange VÄRD:PORT"),
        ("127.0.0.1:0", "ange VÄRD:PORT"),
        ("127.0.0.1:70000", "ange VÄRD:PORT"),
        ("[fe80::zz]:8000", "ange VÄRD:PORT"),
        ("[1:2]:8000", "är ingen IPv6-adress"),
        ("unix:web.sock", "absolut sökväg"),
        ("fd://3", "ange VÄRD:PORT"),
    ],
)
def test_a_malformed_address_is_refused_saying_why(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        bind.parse(text)


def test_port_replaces_the_port_and_a_unix_socket_has_none() -> None:
    assert bind.parse("[::1]:8000").with_port(21100).address == "[::1]:21100"
    assert bind.parse("127.0.0.1:8000").with_port(21100).address == "127.0.0.1:21100"
    with pytest.raises(ValueError, match="ingen port"):
        bind.parse("unix:/run/kansli/web-1.sock").with_port(21100)


def test_each_instance_has_a_file_name_of_its_own() -> None:
    names = {
        bind.parse(text).slug()
        for text in (
            "127.0.0.1:8000",
            "127.0.0.1:8001",
            "[::1]:8000",
            "unix:/run/kansli/web-1.sock",
            "unix:/run/other/web-1.sock",
            "unix:/run/kansli/..",
        )
    }
    assert len(names) == 6
    assert {"127.0.0.1-8000", "127.0.0.1-8001", "__1-8000"} < names
    assert all("/" not in name and not name.startswith(".") for name in names)
