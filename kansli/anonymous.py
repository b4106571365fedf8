"""Counting a client without keeping who it is.

Anyone may ask for public documents without saying who they are (TF 2 kap. 18 §), so
nothing that identifies an anonymous visitor is stored: no IP address, no browser
string, in rows, audit events, logs or caches. A rate limit still has to tell one
client from another for a little while. It counts under a digest of the address made
with a random key that is replaced every hour and kept only in the cache (so that the
web server's processes, and with a shared cache its machines, count a client alike;
without a cache shared, each process makes its own): the cache then holds a number that
means nothing once the hour has passed and its key has expired. An IPv6 client counts
by its /64 network, the part its provider gives one subscriber: otherwise one client
would have addresses without end."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from kansli.cacheerrors import cache_errors

KEY_SECONDS = 3600 + 60  # the hour, and a minute for clocks a little apart


_shared: dict[int, bytes] = {}  # the hour's key as read from the cache, once a process
_own: dict[int, bytes] = {}  # with the cache out of reach: this process's key


def _key(hour: int) -> bytes:
    """The hour's key: the first process to need it makes it, the others take it (and
    keep it for the hour: every public request asks)."""
    if hour in _shared:
        return _shared[hour]
    name = f"kansli:anonymous-key:{hour}"
    try:
        cache.add(name, secrets.token_bytes(32), KEY_SECONDS)
        key = cache.get(name)
    except cache_errors():
        key = None
    if isinstance(key, bytes):
        _shared.clear()  # the last hour's key is forgotten
        _shared[hour] = key
        return key
    if hour not in _own:
        _own.clear()
        _own[hour] = secrets.token_bytes(32)
    return _own[hour]


def forget_keys() -> None:
    """Forget the keys this process holds, when the caches are emptied: the next request
    takes (or makes) the hour's key anew. Another process keeps its own until the hour
    ends, so after a cache is emptied a client may be counted twice for that hour."""
    _shared.clear()
    _own.clear()


def client_address(request: HttpRequest) -> str:
    """The client's address as the connection gives it, or, when that is a reverse proxy
    Kansli trusts (KANSLI_TRUSTED_PROXIES; by default the local proxy, nginx beside
    `kansli serve`), the nearest address in X-Forwarded-For the proxies did
    not add themselves. Without this every citizen would count as the proxy, and one
    sender using up the hour would shut the forms for all. A connection over a UNIX
    socket has no address (gunicorn gives ""): only a proxy on this machine can make
    one, so it is trusted as such."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(settings.TRUSTED_PROXIES)
    if address and address not in trusted:
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if hop not in trusted:
            # Only an address: a name or "ip:port" is no client's, and would not fit
            # the columns that keep an address (the login lockout's, PostgreSQL inet).
            return hop if _is_address(hop) else address
    return address


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_digest(request: HttpRequest, scope: str) -> str:
    """A short digest that stays the same for one client and scope within the hour."""
    hour = int(time.time() // 3600)
    address = _counted_as(client_address(request))
    message = f"{scope}\0{address}".encode()
    return hmac.new(_key(hour), message, hashlib.sha256).hexdigest()[:32]


def _counted_as(address: str) -> str:
    """The address, or an IPv6 address's /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6 and not parsed.ipv4_mapped:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address
