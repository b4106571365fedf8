"""The password step: lockout after repeated failures, one message for every refusal,
and every attempt in the audit log."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org import actions
from kansli.org.testing import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "right-password-1"


def log_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def refusal(response) -> tuple[int, str]:
    """What a refused login shows: the status and the error summary's markup."""
    found = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert found, response.content.decode()
    return response.status_code, found.group(0)


def test_wrong_unknown_inactive_and_locked_out_all_read_the_same() -> None:
    make_user("eva", password=PASSWORD)
    inactive = make_user("olle", password=PASSWORD)
    actions.do_change_user(inactive, is_active=False, actor=None)
    wrong_password = log_in(Client(), "eva", "nope")
    unknown_user = log_in(Client(), "nobody", "nope")
    inactive_user = log_in(Client(), "olle", PASSWORD)
    locked = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(locked, "eva", "nope")
    locked_out = log_in(locked, "eva", PASSWORD)
    expected = refusal(wrong_password)
    assert expected[0] == 200
    assert refusal(unknown_user) == refusal(inactive_user) == refusal(locked_out) == expected
    assert "_auth_user_id" not in locked.session


def test_lockout_after_the_limit_for_that_username_and_address_only() -> None:
    make_user("eva", password=PASSWORD)
    attacker = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in(attacker, "eva", "nope")
    before_limit = log_in(Client(REMOTE_ADDR="10.0.0.1"), "eva", PASSWORD)
    assert before_limit.status_code == 302  # a success clears the count
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(attacker, "eva", "nope")
    assert log_in(attacker, "eva", PASSWORD).status_code == 200  # locked out
    assert log_in(Client(REMOTE_ADDR="10.0.0.2"), "eva", PASSWORD).status_code == 302

    # An unknown username is locked out the same way, with the same page.
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        ghost = log_in(attacker, "nobody", "nope")
    assert refusal(ghost) == refusal(log_in(attacker, "eva", PASSWORD))


def test_behind_the_proxy_the_lockout_is_per_forwarded_client() -> None:
    """Behind nginx every request comes from 127.0.0.1: counted by that address, anyone
    could lock anyone out by their username alone. The audit log names the client."""
    make_user("eva", password=PASSWORD)
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        log_in(attacker, "eva", "nope")
    assert log_in(attacker, "eva", PASSWORD).status_code == 200  # locked out
    eva = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert log_in(eva, "eva", PASSWORD).status_code == 302
    signed_in = AuditEvent.objects.filter(action="web.log_in").latest("seq")
    assert signed_in.client_ip == "203.0.113.5"


def test_the_lockout_lasts_the_configured_minutes() -> None:
    make_user("eva", password=PASSWORD)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, "eva", "nope")

    def failed_minutes_ago(minutes: int) -> None:
        when = timezone.now() - datetime.timedelta(minutes=minutes)
        AccessAttempt.objects.update(attempt_time=when)

    failed_minutes_ago(settings.LOCKOUT_MINUTES - 1)
    assert log_in(client, "eva", PASSWORD).status_code == 200
    failed_minutes_ago(settings.LOCKOUT_MINUTES + 1)
    assert log_in(client, "eva", PASSWORD).status_code == 302


def test_logins_failures_and_lockouts_are_audited() -> None:
    eva = make_user("eva", password=PASSWORD)
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        log_in(client, "eva", "nope")
    log_in(client, "nobody", "nope")
    log_in(Client(), "eva", PASSWORD)

    def events(action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("seq"))

    failed = events("web.fail_login")
    assert len(failed) == settings.LOGIN_FAILURE_LIMIT - 1 + 1  # and the unknown user's
    assert failed[0].object_id == str(eva.pk) and failed[0].client_ip == "10.0.0.5"
    assert failed[-1].object_id == "" and failed[-1].object_label == "nobody"
    assert len(events("web.lock_out_login")) == 2  # the attempt that locked, the next one
    (login,) = events("web.log_in")
    assert login.actor_id == eva.pk and login.after == {"two_factor": False}


def test_logout_is_audited() -> None:
    eva = make_user("eva", password=PASSWORD)
    client = Client()
    log_in(client, "eva", PASSWORD)
    client.post("/logout/")
    assert AuditEvent.objects.get(action="web.log_out").actor_id == eva.pk


def test_the_admin_signs_in_through_the_login_page() -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2F"


def test_a_locked_out_attempt_hashes_the_password_like_any_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Refused before the password is checked, a lockout would answer faster than a wrong
    password and so tell that the account is locked: it does the same hashing work."""
    from kansli.web import login

    make_user("eva", password=PASSWORD)
    locked = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(locked, "eva", "nope")
    hashed: list[str] = []
    checked = login.check_password

    def counted(password: str, encoded: str) -> bool:
        hashed.append(password)
        return checked(password, encoded)

    monkeypatch.setattr(login, "check_password", counted)
    assert log_in(locked, "eva", PASSWORD).status_code == 200
    assert hashed == [PASSWORD]
