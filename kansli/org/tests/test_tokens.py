"""API keys: made and revoked through actions, stored only as their hash."""

import hashlib
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

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
    assert event.after == {"user": user.pk, "name": "E-tjänst bygglov"}
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
