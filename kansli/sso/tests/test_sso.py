"""Single sign-on against a real identity provider: LemonLDAP::NG started on loopback
(kansli.sso.testing, the fixtures in conftest.py), Kansli on pytest-django's live
server, and an HTTP client that follows the redirects and fills in the portal's forms
as a browser would."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from kansli.audit.models import AuditEvent
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.sso import testing
from kansli.sso.config import parse_group_map
from kansli.sso.models import IdentityProviderDevice, Link
from kansli.sso.signin import NO_SECOND_FACTOR, NOT_LINKED, TAKEN, UNMAPPED
from kansli.sso.testing import sign_in_to_kansli as sign_in
from kansli.sso.views import FAILED
from kansli.web.testing import give_authenticator, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def sign_ins(user: User) -> list[Any]:
    events = AuditEvent.objects.filter(action="web.log_in", object_id=str(user.pk))
    return [event.after for event in events.order_by("seq")]


@pytest.mark.parametrize("protocol", ["oidc", "saml"])
def test_a_person_with_a_mapped_group_and_mfa_is_created_and_signed_in(
    sso: str, protocol: str
) -> None:
    session, page = sign_in(sso, protocol, testing.MFA_USER)
    assert page.status_code == 200 and page.url == f"{sso}/", (page.url, page.text[:500])
    user = User.objects.get(username=testing.MFA_USER)
    roles = {(r.role, r.authority.code if r.authority else None) for r in user.active_roles()}
    assert roles == {(Role.REGISTRAR, "KS")}
    assert not user.has_usable_password()
    # The identity provider's second factor is the session's: no code page anywhere.
    assert IdentityProviderDevice.objects.filter(user=user).count() == 1
    assert session.get(f"{sso}/registrera/", timeout=20).url == f"{sso}/registrera/"
    assert sign_ins(user) == [
        {"two_factor": True, "single_sign_on": protocol, "identity_provider_mfa": True}
    ]


@pytest.mark.parametrize("protocol", ["oidc", "saml"])
def test_an_unmapped_person_is_refused_and_not_created(sso: str, protocol: str) -> None:
    _session, page = sign_in(sso, protocol, testing.UNMAPPED_USER)
    assert page.status_code == 403 and UNMAPPED in page.text
    assert not User.objects.filter(username=testing.UNMAPPED_USER).exists()
    refusal = AuditEvent.objects.get(action="web.fail_login")
    assert refusal.after == {
        "username": testing.UNMAPPED_USER,
        "single_sign_on": protocol,
        "reason": UNMAPPED,
    }


@pytest.mark.parametrize("protocol", ["oidc", "saml"])
def test_without_the_providers_mfa_kanslis_code_is_still_needed(
    sso: str, protocol: str, settings: Any
) -> None:
    # No authenticator app in Kansli: refused, not offered to add one, and nothing made.
    _session, page = sign_in(sso, protocol, testing.PASSWORD_USER)
    assert page.status_code == 403 and NO_SECOND_FACTOR in page.text
    assert not User.objects.filter(username=testing.PASSWORD_USER).exists()
    assert not Link.objects.exists()

    # An account with one (linked on the day single sign-on is turned on): the code
    # page, as after a password.
    settings.SSO_LINK_EXISTING = True
    user = make_user(testing.PASSWORD_USER, roles=[(Role.REGISTRAR, Authority.objects.get())])
    device = give_authenticator(user)
    session, page = sign_in(sso, protocol, testing.PASSWORD_USER)
    assert page.url.startswith(f"{sso}/login/kod/"), page.url
    assert session.get(f"{sso}/registrera/", timeout=20).url.startswith(f"{sso}/login/kod/")
    form = session.get(f"{sso}/login/kod/?next=/", timeout=20)
    assert form.status_code == 200
    token = session.cookies["csrftoken"]
    done = session.post(
        f"{sso}/login/kod/",
        data={"code": totp_code(device), "next": "/", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{sso}/login/kod/"},
        timeout=20,
    )
    assert done.url == f"{sso}/", done.text[:500]
    assert not IdentityProviderDevice.objects.filter(user=user).exists()
    assert sign_ins(user) == [
        {"two_factor": True, "single_sign_on": protocol, "identity_provider_mfa": False}
    ]


def test_roles_follow_the_groups_and_local_accounts_keep_their_password(
    sso: str, settings: Any
) -> None:
    ks = make_authority("KS", "Kommunstyrelsen")
    # Mapped roles the groups no longer give are ended; roles set by hand stay.
    user = make_user(testing.MFA_USER, roles=[(Role.OFFICER, ks), (Role.MANAGER, ks)])
    settings.SSO_GROUPS = parse_group_map([f"{testing.GROUP}=registrator@KS", "earthlings=chef@KS"])
    settings.SSO_LINK_EXISTING = True
    _session, page = sign_in(sso, "oidc", testing.MFA_USER)
    assert page.url == f"{sso}/", page.url
    roles = {r.role for r in User.objects.get(pk=user.pk).active_roles()}
    assert roles == {Role.REGISTRAR, Role.OFFICER}
    # The local account's password still signs in (and then asks for Kansli's code).
    local = requests.Session()
    assert local.get(f"{sso}/login/", timeout=20).status_code == 200
    answer = local.post(
        f"{sso}/login/",
        data={
            "username": testing.MFA_USER,
            "password": "secret-password-1",
            "csrfmiddlewaretoken": local.cookies["csrftoken"],
        },
        headers={"Referer": f"{sso}/login/"},
        timeout=20,
    )
    assert answer.url.startswith(f"{sso}/login/kod/"), answer.url


@pytest.mark.parametrize("protocol", ["oidc", "saml"])
def test_an_existing_account_is_not_taken_by_a_namesake_at_the_provider(
    sso: str, protocol: str, settings: Any
) -> None:
    """A local account of the same username is the provider's person only once linked
    (KANSLI_SSO_LINK_EXISTING on the day of the change); one linked to another person
    at the provider (a leaver whose username went to a newcomer) is never taken."""
    ks = Authority.objects.get()
    user = make_user(testing.MFA_USER, roles=[(Role.OFFICER, ks)])
    _session, page = sign_in(sso, protocol, testing.MFA_USER)
    assert page.status_code == 403 and NOT_LINKED in page.text
    assert not Link.objects.exists()
    assert {r.role for r in user.active_roles()} == {Role.OFFICER}  # nothing changed

    settings.SSO_LINK_EXISTING = True
    _session, page = sign_in(sso, protocol, testing.MFA_USER)
    assert page.url == f"{sso}/", page.url  # linked now, to the provider's person
    # The provider's id for the account's person is another's (a leaver's): refused.
    Link.objects.filter(user=user).update(subject="en-som-har-slutat")
    _session, page = sign_in(sso, protocol, testing.MFA_USER)
    assert page.status_code == 403 and TAKEN in page.text


def test_refusals_do_not_lock_others_out(sso: str, settings: Any) -> None:
    """A refused sign-in is no wrong password: django-axes counts no failure for it."""
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        assert sign_in(sso, "oidc", testing.UNMAPPED_USER)[1].status_code == 403
    assert sign_in(sso, "oidc", testing.MFA_USER)[1].url == f"{sso}/"


def test_an_id_token_from_another_issuer_is_refused(sso: str, settings: Any) -> None:
    settings.OIDC_ISSUER = "https://idp.annan-kommun.example.se"
    _session, page = sign_in(sso, "oidc", testing.MFA_USER)
    assert page.status_code == 403 and FAILED in page.text
    assert not User.objects.filter(username=testing.MFA_USER).exists()
