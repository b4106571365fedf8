"""Single logout and deprovisioning against the real identity provider (the fixtures in
conftest.py): signing out of Kansli ends the portal's session, the portal's logout ends
Kansli's, a back-channel logout token is taken only when it is valid, and someone the
provider no longer signs in loses the session within KANSLI_OIDC_RENEW_SECONDS."""

from __future__ import annotations

import base64
import json
import math
import time
import zlib
from typing import Any

import jwt
import pytest
import requests
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org.models import User
from kansli.sso import backchannel, keys, testing
from kansli.sso.models import SignOn
from kansli.sso.oidc import ENDED
from kansli.sso.signin import NO_ROLES
from kansli.sso.testing import sign_in_to_kansli as sign_in
from kansli.web.sessions import SessionNotEnded
from kansli.web.testing_redis import redis_caches, running_redis

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(session: requests.Session, base: str) -> bool:
    """Whether Kansli's start page opens, rather than sending the browser to log in."""
    page = session.get(f"{base}/", timeout=20, allow_redirects=False)
    return page.status_code == 200


def sign_out(session: requests.Session, base: str) -> requests.Response:
    """Kansli's sign-out button: a POST with the CSRF token."""
    session.get(f"{base}/", timeout=20)
    return session.post(
        f"{base}/logout/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/"},
        timeout=20,
    )


def ends(user: User) -> list[Any]:
    events = AuditEvent.objects.filter(action="sso.end_session", object_id=str(user.pk))
    return [event.after for event in events.order_by("seq")]


@pytest.mark.parametrize("protocol", ["oidc", "saml"])
def test_signing_out_of_kansli_signs_out_at_the_provider(
    sso: str, portal: testing.Portal, protocol: str
) -> None:
    session, page = sign_in(sso, protocol, testing.MFA_USER)
    assert page.url == f"{sso}/", page.url
    assert SignOn.objects.get().protocol == protocol
    assert testing.has_portal_session(session, portal)

    done = sign_out(session, sso)
    assert done.url.startswith(f"{sso}/login/"), done.url  # back from the portal
    assert not signed_in(session, sso)
    assert not testing.has_portal_session(session, portal)
    assert not SignOn.objects.exists()
    user = User.objects.get(username=testing.MFA_USER)
    assert AuditEvent.objects.filter(action="web.log_out", object_id=str(user.pk)).count() == 1
    # Kansli's link to the provider asks for the password again.
    start = session.get(f"{sso}/sso/{protocol}/?next=/", timeout=20)
    assert "user" in testing.form_fields(start.text)[1], start.url


def test_the_providers_saml_logout_ends_the_kansli_session(
    sso: str, portal: testing.Portal
) -> None:
    session, _page = sign_in(sso, "saml", testing.MFA_USER)
    # The same person in another browser, signed in at the portal there too.
    other, _page = sign_in(sso, "saml", testing.MFA_USER)
    assert signed_in(session, sso) and signed_in(other, sso)

    testing.sign_out_at_portal(session, portal)
    assert not testing.has_portal_session(session, portal)
    assert not signed_in(session, sso)
    user = User.objects.get(username=testing.MFA_USER)
    assert ends(user) == [{"reason": "provider_logout", "sessions": 1, "single_sign_on": ["saml"]}]
    # The LogoutRequest named the portal session (its SessionIndex): the other
    # browser's, at the portal and in Kansli, goes on.
    assert signed_in(other, sso) and testing.has_portal_session(other, portal)
    assert SignOn.objects.count() == 1


def test_an_unsigned_saml_logout_request_ends_nothing(sso: str) -> None:
    session, _page = sign_in(sso, "saml", testing.MFA_USER)
    link = SignOn.objects.get().link
    request = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_forged" Version="2.0" '
        f'IssueInstant="{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}" '
        f'Destination="{sso}/sso/saml/ls/post/"><saml:Issuer>{link.issuer}</saml:Issuer>'
        f"<saml:NameID>{link.subject}</saml:NameID></samlp:LogoutRequest>"
    )
    forged = requests.post(
        f"{sso}/sso/saml/ls/post/",
        data={"SAMLRequest": base64.b64encode(request.encode()).decode()},
        timeout=20,
    )
    assert forged.status_code == 400
    # Not base64 (was a 500), and a deflate bomb over HTTP-Redirect: 400 before pysaml2
    # reads (and would inflate) them.
    garbage = requests.post(
        f"{sso}/sso/saml/ls/post/", data={"SAMLRequest": "inte base64 !!"}, timeout=20
    )
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    bomb = base64.b64encode(packer.compress(b"\0" * 50_000_000) + packer.flush()).decode()
    inflating = requests.get(f"{sso}/sso/saml/ls/", params={"SAMLRequest": bomb}, timeout=20)
    assert garbage.status_code == inflating.status_code == 400
    assert signed_in(session, sso)
    assert SignOn.objects.count() == 1


def test_a_logout_token_not_acted_on_for_redis_is_taken_when_the_provider_retries(
    sso: str, portal: testing.Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sessions could not be ended (Redis out of reach: 503): the token is not
    counted as seen, so the provider's retry of it ends them."""
    session, _page = sign_in(sso, "oidc", testing.MFA_USER)
    link = SignOn.objects.get().link
    token = testing.logout_token(portal, {"sub": link.subject})
    real, calls = backchannel.do_end_sessions, []

    def redis_down_once(*args: Any, **kwargs: Any) -> int:
        calls.append(args)
        if len(calls) == 1:
            raise SessionNotEnded()
        return real(*args, **kwargs)

    monkeypatch.setattr(backchannel, "do_end_sessions", redis_down_once)
    first = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
    assert first.status_code == 503
    assert signed_in(session, sso)
    retry = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
    assert retry.status_code == 200
    assert not signed_in(session, sso)


def test_a_logout_token_while_redis_is_out_of_reach_is_to_be_sent_again(
    sso: str, portal: testing.Portal, settings: Any
) -> None:
    """Redis keeps the tokens seen: out of reach, the answer is 503 with Retry-After
    (not a 500), and the token is taken once Redis is back."""
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        server.stop()
        token = testing.logout_token(portal, {"sub": "någon"})
        first = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
        assert first.status_code == 503 and first.headers["Retry-After"]
        server.restart()
        retry = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
        assert retry.status_code == 200


def test_a_valid_back_channel_logout_token_ends_the_persons_sessions(
    sso: str, portal: testing.Portal, settings: Any
) -> None:
    settings.SSO_LINK_EXISTING = True  # the bystander's SAML sign-in finds the account
    session, _page = sign_in(sso, "oidc", testing.MFA_USER)
    other, _page = sign_in(sso, "oidc", testing.MFA_USER)
    bystander, _page = sign_in(sso, "saml", testing.MFA_USER)  # not through OpenID Connect
    link = SignOn.objects.filter(protocol="oidc").first().link  # type: ignore[union-attr]
    token = testing.logout_token(portal, {"sub": link.subject})

    answer = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    assert not signed_in(session, sso) and not signed_in(other, sso)
    assert signed_in(bystander, sso)
    assert ends(link.user) == [
        {"reason": "provider_logout", "sessions": 2, "single_sign_on": ["oidc"]}
    ]
    # The same token again (its jti) is refused.
    again = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
    assert again.status_code == 400


def forged_tokens(portal: testing.Portal, subject: str) -> dict[str, str]:
    """Logout tokens that must be refused, each for the signed-in person."""
    valid = {"sub": subject}
    unsigned = jwt.encode(
        {
            "iss": portal.issuer,
            "aud": testing.CLIENT_ID,
            "iat": int(time.time()),
            "jti": "unsigned",
            "sub": subject,
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
        },
        key="",
        algorithm="none",
    )
    with_secret = jwt.encode(
        {"iss": portal.issuer, "aud": testing.CLIENT_ID, "iat": int(time.time()), "sub": subject},
        key=testing.CLIENT_SECRET * 2,
        algorithm="HS256",
    )
    signed = testing.logout_token(portal, valid)
    header, _payload, signature = signed.split(".")
    other_payload = testing.logout_token(portal, {"sub": "en-annan"}).split(".")[1]
    return {
        "unsigned": unsigned,
        "signed with the client secret": with_secret,
        "signature of another token": f"{header}.{other_payload}.{signature}",
        "another issuer": testing.logout_token(portal, valid | {"iss": "https://idp.example"}),
        "another client": testing.logout_token(portal, valid | {"aud": "annan-klient"}),
        "no event": testing.logout_token(portal, valid | {"events": None}),
        "a nonce": testing.logout_token(portal, valid | {"nonce": "abc"}),
        "no sub or sid": testing.logout_token(portal, {}),
        "too old": testing.logout_token(portal, valid | {"iat": int(time.time()) - 3600}),
        "expired": testing.logout_token(portal, valid | {"exp": int(time.time()) - 3600}),
        "no jti": testing.logout_token(portal, valid | {"jti": None}),
        "garbage": "inte.en.jwt",
    }


def test_a_forged_back_channel_logout_token_is_refused(sso: str, portal: testing.Portal) -> None:
    session, _page = sign_in(sso, "oidc", testing.MFA_USER)
    subject = SignOn.objects.get().link.subject
    for name, token in forged_tokens(portal, subject).items():
        answer = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
        assert answer.status_code == 400, name
    assert signed_in(session, sso)
    assert SignOn.objects.count() == 1
    assert not AuditEvent.objects.filter(action="sso.end_session").exists()


def test_made_up_tokens_do_not_make_kansli_fetch_the_providers_keys_each_time(
    sso: str, portal: testing.Portal, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Anyone may post a logout token: one signed with a key of their own, under a key
    id the provider does not have, is refused without Kansli fetching the provider's
    key set for it every time (kansli.sso.keys), and a genuine token still
    ends the sessions."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    session, _page = sign_in(sso, "oidc", testing.MFA_USER)
    subject = SignOn.objects.get().link.subject
    fetched = []
    real_get = keys.requests.get

    def counted(url: str, *args: Any, **kwargs: Any) -> Any:
        if url == settings.OIDC_OP_JWKS_ENDPOINT:
            fetched.append(url)
        return real_get(url, *args, **kwargs)

    monkeypatch.setattr(keys.requests, "get", counted)
    monkeypatch.setattr(keys.KeySet, "endpoint", "")  # none kept yet
    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    for number in range(20):
        claims = {"iss": portal.issuer, "aud": testing.CLIENT_ID, "iat": now, "sub": subject,
                  "jti": f"påhittad-{number}",
                  "events": {"http://schemas.openid.net/event/backchannel-logout": {}}}  # fmt: skip
        made_up = jwt.encode(claims, own_key, algorithm="RS256", headers={"kid": "okänd"})
        answer = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": made_up},
                               timeout=20)  # fmt: skip
        assert answer.status_code == 400
    assert len(fetched) == 1 and signed_in(session, sso)
    # A minute on, an unknown key id fetches the set again (a key the provider rotated
    # in), once.
    keys.KeySet.tried -= keys.JWKS_RETRY_SECONDS + 1
    for _ in range(2):
        answer = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": made_up},
                               timeout=20)  # fmt: skip
        assert answer.status_code == 400
    assert len(fetched) == 2
    genuine = testing.logout_token(portal, {"sub": subject})
    answer = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": genuine}, timeout=20)
    assert answer.status_code == 200 and len(fetched) == 2
    assert not signed_in(session, sso)


def test_a_key_changed_under_the_same_key_id_is_fetched_again(
    sso: str, portal: testing.Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider made a new key under the old key id: the kept key verifies no
    token, so the set is fetched again and the genuine logout token is taken (not
    refused for up to five minutes, when the provider would not send it again)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    session, _page = sign_in(sso, "oidc", testing.MFA_USER)
    subject = SignOn.objects.get().link.subject
    old = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    stale = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(old))
    monkeypatch.setattr(keys.KeySet, "keys", [stale | {"kid": "kansli-test", "use": "sig"}])
    monkeypatch.setattr(keys.KeySet, "fetched", time.monotonic())
    monkeypatch.setattr(keys.KeySet, "tried", -math.inf)
    token = testing.logout_token(portal, {"sub": subject})
    answer = requests.post(f"{sso}/sso/oidc/logout/", data={"logout_token": token}, timeout=20)
    assert answer.status_code == 200
    assert not signed_in(session, sso)


def test_someone_removed_at_the_provider_is_signed_out_within_the_bound(
    sso: str, portal: testing.Portal, settings: Any
) -> None:
    """The portal's administrator removes the person from the group and ends their
    session there. Kansli's next renewal finds no session at the portal (LemonLDAP::NG
    shows its login form rather than answer `login_required`), and at twice
    KANSLI_OIDC_RENEW_SECONDS Kansli's session is ended; the next sign-in ends the role
    the group gave and is refused."""
    bound = settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 3
    session, page = sign_in(sso, "oidc", testing.MFA_USER)
    assert page.url == f"{sso}/"
    user = User.objects.get(username=testing.MFA_USER)
    # After the period a silent sign-in, which the portal allows: nothing is asked.
    time.sleep(bound + 0.5)
    assert session.get(f"{sso}/registrera/", timeout=20).url == f"{sso}/registrera/"
    renewed = time.monotonic()
    assert signed_in(session, sso)
    assert ends(user) == []

    groups = {testing.GROUP: f"$uid eq '{testing.PASSWORD_USER}'"}
    testing.reconfigure(portal, {"groups": groups})
    try:
        testing.end_portal_sessions(portal)
        time.sleep(max(0.0, renewed + bound + 0.5 - time.monotonic()))
        page = session.get(f"{sso}/registrera/", timeout=20)
        assert page.url.startswith(portal.url) and "user" in testing.form_fields(page.text)[1]
        time.sleep(max(0.0, renewed + 2 * bound + 0.5 - time.monotonic()))
        page = session.get(f"{sso}/registrera/", timeout=20)
        assert page.status_code == 403 and ENDED in page.text, page.url
        assert not signed_in(session, sso)
        assert ends(user) == [{"reason": "not_renewed", "sessions": 1, "single_sign_on": ["oidc"]}]

        _session, page = sign_in(sso, "oidc", testing.MFA_USER)
        assert page.status_code == 403 and NO_ROLES in page.text
        # Granted today, the role ends today (valid through today); nothing signs in on it.
        assert [r.valid_to for r in user.roles.all()] == [timezone.localdate()]
        assert not SignOn.objects.exists()
    finally:
        testing.reconfigure(portal, {"groups": testing.configuration_groups()})
