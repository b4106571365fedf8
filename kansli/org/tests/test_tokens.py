"""API keys: made and revoked through actions, stored only as their hash."""

import datetime
import hashlib
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org import actions
from kansli.org.models import ApiToken
from kansli.org.testing import make_sysadmin, make_user
from kansli.org.tokens import user_for_key

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_a_key_is_stored_and_the_event_names_no_secret() -> None:
    user = make_user("eva")
    token, key = actions.do_create_api_token(user, " E-tjänst bygglov ", actor=None)
    assert len(key) >= 43
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.name == "E-tjänst bygglov"
    event = AuditEvent.objects.get(action="org.create_api_token")
    assert event.after == {"user": user.pk, "name": "E-tjänst bygglov",
                           "expires_at": str(token.expires_at)}  # fmt: skip
    assert key not in str(event.after) and token.key_hash not in str(event.after)
    assert user_for_key(key) == user
    assert user_for_key(key + "x") is None
    assert user_for_key("") is None


def test_a_person_makes_their_own_keys_and_only_an_administrator_anyone_elses() -> None:
    eva, johan = make_user("eva"), make_user("johan")
    token, _key = actions.do_create_api_token(eva, "Skript", actor=eva)
    with pytest.raises(PermissionDenied):
        actions.do_create_api_token(eva, "Skript", actor=johan)
    with pytest.raises(PermissionDenied):
        actions.do_revoke_api_token(token, actor=johan)
    actions.do_create_api_token(eva, "Skript", actor=make_sysadmin())
    with pytest.raises(ValidationError):
        actions.do_create_api_token(eva, "  ", actor=eva)
    assert ApiToken.objects.filter(user=eva).count() == 2


def test_a_revoked_key_no_longer_opens_and_cannot_be_revoked_again() -> None:
    eva = make_user("eva")
    token, key = actions.do_create_api_token(eva, "Skript", actor=None)
    actions.do_revoke_api_token(token, actor=eva)
    assert token.revoked_at is not None
    assert user_for_key(key) is None
    with pytest.raises(ValidationError):
        actions.do_revoke_api_token(token, actor=None)
    assert AuditEvent.objects.filter(action="org.revoke_api_token").count() == 1


def test_the_token_command_prints_the_key_once_and_revokes_it() -> None:
    eva = make_user("eva")
    out, err = StringIO(), StringIO()
    call_command("token", "create", "eva", "--name", "E-tjänst", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert user_for_key(key) == eva
    assert "visas bara nu" in err.getvalue()
    token = ApiToken.objects.get(user=eva)
    listing = StringIO()
    call_command("token", "list", "eva", stdout=listing)
    assert f"{token.pk}\teva\tE-tjänst\tgiltig" in listing.getvalue()
    assert key not in listing.getvalue()
    call_command("token", "revoke", str(token.pk), stdout=StringIO())
    assert user_for_key(key) is None
    with pytest.raises(CommandError, match="Ingen användare heter nobody"):
        call_command("token", "create", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="redan återkallad"):
        call_command("token", "revoke", str(token.pk))


def test_a_key_expires_after_its_days_and_the_listing_says_so() -> None:
    user = make_user("eva")
    token, key = actions.do_create_api_token(user, "Bygglov", days=30, actor=None)
    made = token.expires_at - datetime.timedelta(days=30)
    assert abs((made - timezone.now()).total_seconds()) < 60
    assert user_for_key(key) == user
    later = token.expires_at + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert user_for_key(key) is None
        out = StringIO()
        call_command("token", "list", stdout=out)
        assert "gick ut" in out.getvalue()
    default, _key = actions.do_create_api_token(user, "Standard", actor=None)
    assert (default.expires_at - timezone.now()).days in (364, 365)
    for days in (0, -1, 3651):
        with pytest.raises(ValidationError, match="1–3650 dagar"):
            actions.do_create_api_token(user, "Fel", days=days, actor=None)
    assert ApiToken.objects.count() == 2


def test_an_expired_key_is_refused_by_the_api_like_a_wrong_one() -> None:
    user = make_user("eva")
    token, key = actions.do_create_api_token(user, "Bygglov", days=1, actor=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/cases").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    expired = client.get("/api/v1/cases")
    wrong = Client(HTTP_AUTHORIZATION=f"Bearer {key}x").get("/api/v1/cases")
    assert expired.status_code == wrong.status_code == 401
    assert expired.content == wrong.content


def test_a_key_about_to_expire_is_on_its_owners_and_the_administrators_start_page() -> None:
    eva, admin, johan = make_user("eva"), make_sysadmin(), make_user("johan")
    actions.do_create_api_token(eva, "E-tjänst bygglov", days=20, actor=None)
    actions.do_create_api_token(eva, "Skript", days=200, actor=None)
    for user, shown in ((eva, True), (admin, True), (johan, False)):
        client = Client()
        client.force_login(user)
        page = client.get("/").content.decode()
        assert ("E-tjänst bygglov" in page) is shown, user
        assert "Skript" not in page


def test_the_notice_starts_thirty_days_before_and_ends_when_the_key_does() -> None:
    eva = make_user("eva")
    actions.do_create_api_token(eva, "Trettio dagar", days=30, actor=None)
    actions.do_create_api_token(eva, "Trettioen dagar", days=31, actor=None)
    gone, _key = actions.do_create_api_token(eva, "Utgången", days=1, actor=None)
    ApiToken.objects.filter(pk=gone.pk).update(expires_at=timezone.now())
    revoked, _key = actions.do_create_api_token(eva, "Återkallad", days=2, actor=None)
    actions.do_revoke_api_token(revoked, actor=eva)
    client = Client()
    client.force_login(eva)
    page = client.get("/").content.decode()
    assert "Trettio dagar" in page
    for name in ("Trettioen dagar", "Utgången", "Återkallad"):
        assert name not in page, name
