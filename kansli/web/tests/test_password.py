"""Byt lösenord: the signed-in person's own password, through do_set_password."""

import datetime
import json
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org.testing import make_user
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db
OLD, NEW = "gammalt-losen-1", "Kvittens-Ljung-73"
PAGE = "/konto/losenord/"


def change(client: Client, current: str, new: str, again: str | None = None):
    data = {"current_password": current, "new_password": new, "new_password_again": again or new}
    return client.post(PAGE, data)


def test_the_password_changes_the_old_one_stops_working_and_the_session_stays() -> None:
    eva = make_user("eva", password=OLD)
    client = signed_in(eva)
    other_session = signed_in(eva)
    page = client.get("/").content.decode()
    assert f'href="{PAGE}"' in page and "Byt lösenord" in page
    form = client.get(PAGE).content.decode()
    assert '<label for="id_current_password">Nuvarande lösenord</label>' in form
    assert "minst 8 tecken" in form  # the validators' rules, in Swedish
    answer = change(client, OLD, NEW)
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert "Ditt lösenord är bytt." in client.get("/").content.decode()  # still signed in
    assert other_session.get("/").status_code == 302  # the person's other sessions end
    eva.refresh_from_db()
    assert eva.check_password(NEW) and not eva.check_password(OLD)
    assert Client().post("/login/", {"username": "eva", "password": OLD}).status_code == 200
    assert Client().post("/login/", {"username": "eva", "password": NEW}).status_code == 302
    event = AuditEvent.objects.get(action="org.set_password")
    assert (event.actor_id, event.object_id) == (eva.pk, str(eva.pk))
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert NEW not in everything and OLD not in everything


@pytest.mark.parametrize(
    "current,new,again,message",
    [
        ("fel-losenord-9", NEW, NEW, "Det nuvarande lösenordet är fel."),
        (OLD, NEW, NEW + "x", "De två nya lösenorden är inte lika."),
        (OLD, "kort1", "kort1", "Det här lösenordet är för kort."),
        (OLD, "12345678901", "12345678901", "Detta lösenord är enbart numeriskt."),
        (OLD, "password123", "password123", "Detta lösenord är alldeles för vanligt."),
        (OLD, "", "", "Detta fält måste fyllas i."),
    ],
)
def test_a_refused_change_says_why_in_swedish_and_changes_nothing(
    current: str, new: str, again: str, message: str
) -> None:
    eva = make_user("eva", password=OLD)
    client = signed_in(eva)
    answer = change(client, current, new, again)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert message in html and 'role="alert"' in html
    assert f'value="{current}"' not in html and f'value="{new}"' not in html  # not shown again
    eva.refresh_from_db()
    assert eva.check_password(OLD)
    assert not AuditEvent.objects.filter(action="org.set_password").exists()
    assert client.get("/").status_code == 200


def test_only_someone_signed_in_changes_a_password() -> None:
    answer = Client().post(PAGE, {"current_password": OLD, "new_password": NEW})
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_guessing_the_current_password_is_locked_out_as_at_login(settings) -> None:
    """A session left open is no way to guess the password: after
    KANSLI_LOGIN_FAILURE_LIMIT wrong current passwords the page refuses even the right
    one until the lockout ends, every failure is in the audit log, and the count is
    the person's, not the session's."""
    settings.LOGIN_FAILURE_LIMIT = 3
    eva = make_user("eva", password=OLD)
    client = signed_in(eva)
    for attempt in range(3):
        assert (
            "Det nuvarande lösenordet är fel."
            in change(client, f"gissning-{attempt}", NEW).content.decode()
        )
    assert AuditEvent.objects.filter(action="org.fail_password_change", actor=eva).count() == 3
    for session in (client, signed_in(eva)):
        refused = change(session, OLD, NEW).content.decode()
        assert "För många felaktiga lösenord. Försök igen om 15 minuter." in refused
    eva.refresh_from_db()
    assert eva.check_password(OLD)
    # When the lockout has ended (the clock 16 minutes on), the right password works.
    later = timezone.now() + datetime.timedelta(minutes=16)
    with mock.patch.object(timezone, "now", lambda: later):
        assert change(client, OLD, NEW).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_guesses_sent_at_once_are_counted_one_after_another(settings) -> None:
    """Six wrong guesses at the same moment: each waits for the one before it, so no
    more than the limit are even tried (PostgreSQL's row lock; SQLite's write lock,
    whose in-memory test database threads cannot share)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("threads need their own connections to one database")
    settings.LOGIN_FAILURE_LIMIT = 2
    eva = make_user("eva", password=OLD)

    def guess(attempt: int) -> None:
        try:
            change(signed_in(eva), f"gissning-{attempt}", NEW)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(guess, range(6)))
    assert AuditEvent.objects.filter(action="org.fail_password_change").count() == 2


def test_a_session_begun_through_single_sign_on_is_still_found_after_a_new_password() -> None:
    """A new password gives the session a new key; its SignOn follows, so a logout the
    identity provider starts still ends it (kansli.sso.backchannel, saml)."""
    from kansli.sso.actions import PROVIDER_LOGOUT, do_end_sessions
    from kansli.sso.models import Link, SignOn

    eva = make_user("eva", password=OLD)
    client = signed_in(eva)
    link = Link.objects.create(user=eva, issuer="https://idp.example", subject="eva-1")
    SignOn.objects.create(link=link, protocol="oidc", session_key=str(client.session.session_key))
    assert change(client, OLD, NEW).status_code == 302
    assert SignOn.objects.get().session_key == client.session.session_key
    do_end_sessions(link.sign_ons.all(), reason=PROVIDER_LOGOUT, actor=None)
    assert client.get("/").status_code == 302  # signed out
