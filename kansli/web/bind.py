"""The address `kansli serve` listens on (KANSLI_BIND, `--bind`): HOST:PORT, [IPv6]:PORT
or unix:PATH, as gunicorn writes it, and whether only this machine can reach it."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT = "127.0.0.1:8000"
_HOST_PORT = re.compile(
    r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>\d{1,5})$"
)


@dataclass(frozen=True)
class Bind:
    address: str  # as gunicorn's --bind takes it
    host: str  # empty for a UNIX socket
    port: int  # 0 for a UNIX socket

    @property
    def unix(self) -> bool:
        return not self.host

    @property
    def local(self) -> bool:
        """Reachable from this machine only: a UNIX socket or a loopback address."""
        return self.unix or is_loopback(self.host)

    def with_port(self, port: int) -> Bind:
        if self.unix:
            raise ValueError("en UNIX-socket har ingen port")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return parse(f"{host}:{port}")

    def slug(self) -> str:
        """A file name that tells the instance: 127.0.0.1-8000, or the UNIX socket's name
        with a digest of its whole path (two folders may hold sockets of one name; the
        name alone could be "..")."""
        if self.unix:
            path = self.address.removeprefix("unix:")
            name = re.sub(r"[^A-Za-z0-9_-]", "_", Path(path).name)
            return f"{name}-{hashlib.sha256(path.encode()).hexdigest()[:8]}"
        return f"{self.host.replace(':', '_')}-{self.port}"


def is_loopback(host: str) -> bool:
    """A loopback address (IPv6 with or without brackets) or "localhost"; any other
    name may resolve to anything."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def parse(text: str) -> Bind:
    """The address, or ValueError saying in Swedish what is wrong with it."""
    text = text.strip()
    if text.startswith("unix:"):
        path = text.removeprefix("unix:")
        if not path.startswith("/"):
            raise ValueError(
                f"{text!r}: ange unix: med en absolut sökväg, t.ex. unix:/run/kansli/web-1.sock"
            )
        return Bind(text, "", 0)
    match = _HOST_PORT.match(text)
    port = int(match["port"]) if match else 0
    if not match or not 1 <= port <= 65535:
        raise ValueError(
            f"{text!r}: ange VÄRD:PORT (127.0.0.1:8000), [IPv6]:PORT eller unix:/sökväg"
        )
    host = match["v6"] or match["host"]
    if match["v6"]:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(f"{text!r}: {host} är ingen IPv6-adress") from None
    return Bind(text, host, port)
