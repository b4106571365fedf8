"""API keys. A key is `secrets.token_urlsafe(32)`, shown once when it is made; only its
SHA-256 is kept (ApiToken.key_hash), and a caller is found by hashing the key it sends
and looking the hash up among the keys that are neither revoked nor expired."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db.models import Q
from django.utils import timezone

from kansli.org.models import ApiToken, User

# How often last_used_at is written: at most once a minute per key, so a busy
# integration does not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def user_for_key(key: str) -> User | None:
    """The active user whose key this is, unrevoked and unexpired, or None.

    Marks the key used (last_used_at) when it was last marked a minute or more ago. That
    is bookkeeping like Django's last_login, written with a plain conditional UPDATE and
    not as an audited action."""
    if not key:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_RESOLUTION:
        # Written only when due (a write costs every request a lock), and conditionally,
        # so that concurrent requests with the same key write it once.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION),
            pk=token.pk,
        ).update(last_used_at=now)
    return token.user
