"""Sessions in the database (the embedded default; with KANSLI_REDIS_URL,
kansli.web.sessions reads them through Redis). Both keep a session's single sign-on
record (kansli.sso.models.SignOn) on its key when the key changes: signing in again,
the second factor, a new password. A logout the identity provider starts finds the
session by that key, and would otherwise miss it."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from kansli.sso.models import SignOn


class KeepsSignOn(SessionBase):
    def cycle_key(self) -> None:
        earlier = self.session_key
        super().cycle_key()
        if earlier:
            SignOn.objects.filter(session_key=earlier).update(session_key=self.session_key or "")


class SessionStore(KeepsSignOn, DatabaseStore):
    pass
