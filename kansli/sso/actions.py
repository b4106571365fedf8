"""Ending Kansli sessions because the identity provider says so: a logout started at
the provider (SAML single logout, OpenID Connect back-channel logout) or a session the
provider no longer renews (kansli.sso.refresh). Each end is `sso.end_session` in the
audit chain, with the reason and how many sessions it ended."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction

from kansli.audit.chain import record
from kansli.sso.models import SignOn

# Why sessions are ended (the event's `reason`).
PROVIDER_LOGOUT = "provider_logout"  # the person signed out at the provider
NOT_RENEWED = "not_renewed"  # the provider no longer signs the person in
REFUSED = "refused"  # the provider still does, but Kansli refuses the person now


@transaction.atomic
def do_end_sessions(sign_ons: Iterable[SignOn], *, reason: str, actor: Any) -> int:
    """End these sessions: their keys deleted from the session store (the database,
    and Redis too with KANSLI_REDIS_URL, where a copy that cannot be deleted stops
    everything with kansli.web.sessions.SessionNotEnded, a 503, and nothing is
    recorded) and one event per person. `actor` is None: the provider asked, not a
    user of Kansli. Returns how many sessions were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended: dict[Any, list[SignOn]] = {}
    for sign_on in SignOn.objects.filter(pk__in=[s.pk for s in sign_ons]).select_related(
        "link__user"
    ):
        store().delete(sign_on.session_key)
        sign_on.delete()
        ended.setdefault(sign_on.link.user, []).append(sign_on)
    for user, ones in ended.items():
        record(
            actor=actor,
            action="sso.end_session",
            obj=user,
            after={
                "reason": reason,
                "sessions": len(ones),
                "single_sign_on": sorted({one.protocol for one in ones}),
            },
        )
    return sum(len(ones) for ones in ended.values())
