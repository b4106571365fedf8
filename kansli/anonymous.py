"""Counting a client without keeping who it is.

Anyone may ask for public documents without saying who they are (TF 2 kap. 18 §), so
nothing that identifies an anonymous visitor is stored: no IP address, no browser
string, in rows, audit events, logs or caches. A rate limit still has to tell one
client from another for a little while. It counts under a digest of the address made
with a key that lives only in this process's memory and is replaced every hour: the
cache then holds a number that nobody, the operators included, can turn back into an
address, and that means nothing once the hour has passed."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
import time

from django.conf import settings
from django.http import HttpRequest

_lock = threading.Lock()
_keys: dict[int, bytes] = {}


def _key(hour: int) -> bytes:
    with _lock:
        if hour not in _keys:
            _keys.clear()  # the last hour's key is forgotten
            _keys[hour] = secrets.token_bytes(32)
        return _keys[hour]


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
    address = client_address(request)
    message = f"{scope}\0{address}".encode()
    return hmac.new(_key(hour), message, hashlib.sha256).hexdigest()[:32]
