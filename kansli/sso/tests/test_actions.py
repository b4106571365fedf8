"""do_end_sessions on both session backends: the database's (the default) and the
database read through a real Redis (kansli.web.sessions, KANSLI_REDIS_URL), where a
session whose copy in Redis cannot be deleted is not ended and nothing is recorded."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches

from kansli.audit.models import AuditEvent
from kansli.org.models import User
from kansli.org.testing import make_user
from kansli.sso.actions import PROVIDER_LOGOUT, do_end_sessions
from kansli.sso.models import Link, SignOn
from kansli.web.sessions import SessionNotEnded
from kansli.web.testing_redis import redis_caches, running_redis

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_session(user: User, link: Link) -> str:
    """A session of the user's, started through the provider; its key."""
    session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session.save()
    SignOn.objects.create(link=link, protocol="oidc", session_key=session.session_key)
    return str(session.session_key)


def alive(key: str) -> bool:
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(key)
    return SESSION_KEY in store.load()


def test_the_sessions_are_ended_and_recorded_with_database_sessions() -> None:
    user, other = make_user("anna"), make_user("bertil")
    link = Link.objects.create(user=user, issuer="https://idp.example", subject="a-1")
    other_link = Link.objects.create(user=other, issuer="https://idp.example", subject="b-2")
    ended = [signed_in_session(user, link), signed_in_session(user, link)]
    kept = signed_in_session(other, other_link)

    count = do_end_sessions(link.sign_ons.all(), reason=PROVIDER_LOGOUT, actor=None)
    assert count == 2
    assert not any(alive(key) for key in ended) and alive(kept)
    assert list(SignOn.objects.values_list("session_key", flat=True)) == [kept]
    event = AuditEvent.objects.get(action="sso.end_session")
    assert event.object_id == str(user.pk) and event.actor is None
    assert event.after == {"reason": PROVIDER_LOGOUT, "sessions": 2, "single_sign_on": ["oidc"]}


def test_with_redis_out_of_reach_nothing_is_ended_or_recorded(settings: Any) -> None:
    with running_redis() as redis:
        settings.CACHES = redis_caches(redis.url)
        settings.SESSION_ENGINE = "kansli.web.sessions"
        caches.close_all()
        user = make_user("anna")
        link = Link.objects.create(user=user, issuer="https://idp.example", subject="a-1")
        key = signed_in_session(user, link)
        assert alive(key) and redis.keys("*sessions*")  # read once: its copy is in Redis

        redis.stop()
        with pytest.raises(SessionNotEnded):
            do_end_sessions(link.sign_ons.all(), reason=PROVIDER_LOGOUT, actor=None)
        assert SignOn.objects.filter(session_key=key).exists()
        assert not AuditEvent.objects.filter(action="sso.end_session").exists()

        redis.start()
        caches.close_all()
        assert do_end_sessions(link.sign_ons.all(), reason=PROVIDER_LOGOUT, actor=None) == 1
        assert not alive(key) and not redis.keys("*sessions*")
        assert AuditEvent.objects.filter(action="sso.end_session").count() == 1
    caches.close_all()


@pytest.mark.parametrize("query", ["?error=login_required&state=forged", "", "?code=x&state=y"])
def test_a_forged_answer_to_the_callback_ends_no_session(settings: Any, query: str) -> None:
    """`/sso/oidc/callback/` (an error, a code or nothing) without a state this session
    is waiting for is a link anyone can send: the person stays signed in and nothing is
    recorded."""
    from django.test import Client

    settings.OIDC_ENABLED = True
    user = make_user("anna")
    link = Link.objects.create(user=user, issuer="https://idp.example", subject="a-1")
    client = Client()
    client.force_login(user)
    key = str(client.session.session_key)
    SignOn.objects.create(link=link, protocol="oidc", session_key=key)
    answer = client.get(f"/sso/oidc/callback/{query}")
    assert answer.status_code == 302
    assert alive(key)
    assert not AuditEvent.objects.filter(action="sso.end_session").exists()


def test_signing_out_does_not_wait_on_an_unreachable_provider(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider's logout cannot be prepared (its metadata out of reach): Kansli's
    own session ends all the same, and the browser goes to the login page."""
    from django.test import Client

    from kansli.sso import saml

    def unreachable(request: Any) -> str:
        raise ConnectionError("idp.example: connection refused")

    settings.SAML_ENABLED = True
    monkeypatch.setattr(saml, "logout_url", unreachable)
    user = make_user("anna")
    link = Link.objects.create(user=user, issuer="https://idp.example", subject="a-1")
    client = Client()
    client.force_login(user)
    key = str(client.session.session_key)
    SignOn.objects.create(link=link, protocol="saml", session_key=key)
    answer = client.post("/logout/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]
    assert not alive(key)
    assert AuditEvent.objects.filter(action="web.log_out", actor=user).exists()


def test_a_part_htmx_fetches_is_not_sent_to_the_provider_to_renew(settings: Any) -> None:
    """A session due for renewal: a whole page goes to the provider (prompt=none), a
    part of a page htmx fetches does not (it would break in the background)."""
    import time

    from django.test import Client

    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "kansli"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/authorize"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "kansli.sso.oidc.Backend",
    ]
    client = Client()
    client.force_login(make_user("anna"), backend="kansli.sso.oidc.Backend")
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 60  # due, not yet overdue
    session.save()
    part = client.get("/", headers={"HX-Request": "true"})
    assert part.status_code == 200
    page = client.get("/")
    assert page.status_code == 302
    assert page["Location"].startswith("https://idp.example/authorize?")
    assert "prompt=none" in page["Location"]


def test_a_logout_token_names_the_sessions_of_its_subject_and_provider_session() -> None:
    """`sub` names the person's OIDC sessions at that issuer; `sid` narrows them to
    that provider session (plus those the provider gave no sid for); `sid` alone names
    that provider session whoever's it is. SAML sessions and other issuers are never
    named."""
    from kansli.sso.backchannel import sign_ons_for

    issuer = "https://idp.example"
    anna = Link.objects.create(user=make_user("anna"), issuer=issuer, subject="a-1")
    bertil = Link.objects.create(user=make_user("bertil"), issuer=issuer, subject="b-2")
    elsewhere = Link.objects.create(
        user=make_user("cecilia"), issuer="https://other", subject="a-1"
    )
    rows = {
        "anna-s1": (anna, "oidc", "s1"),
        "anna-s2": (anna, "oidc", "s2"),
        "anna-none": (anna, "oidc", ""),
        "anna-saml": (anna, "saml", "s1"),
        "bertil-s3": (bertil, "oidc", "s3"),
        "other-s1": (elsewhere, "oidc", "s1"),
    }
    for key, (link, protocol, sid) in rows.items():
        SignOn.objects.create(link=link, protocol=protocol, provider_session=sid, session_key=key)

    def named(**claims: str) -> set[str]:
        return {one.session_key for one in sign_ons_for({"iss": issuer, **claims})}

    assert named(sub="a-1") == {"anna-s1", "anna-s2", "anna-none"}
    assert named(sub="a-1", sid="s1") == {"anna-s1", "anna-none"}
    assert named(sid="s3") == {"bertil-s3"}
    assert named(sub="b-2", sid="s1") == set()
