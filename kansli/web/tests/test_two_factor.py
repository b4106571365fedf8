"""The second step: who must give a one-time code, the code page, the setup of the
authenticator app, backup codes, and the API's session authentication."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansli.audit.models import AuditEvent
from kansli.org.models import Authority, Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.web.actions import TOO_MANY, WRONG_CODE, WRONG_SETUP_CODE
from kansli.web.api_auth import SECOND_FACTOR_MISSING
from kansli.web.testing import give_authenticator, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "secret-password-1"


@pytest.fixture
def ks() -> Authority:
    return make_authority("KS", "Kommunstyrelsen")


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are none of the codes accepted now."""
    accepted = {totp_code(device, steps_ahead=step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in accepted)


def actions_of(user_pk: int) -> list[str]:
    events = AuditEvent.objects.filter(object_id=str(user_pk), action__startswith="web.")
    return list(events.order_by("seq").values_list("action", flat=True))


def test_a_registrar_gives_the_code_before_any_page(ks: Authority, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code and then the right one at once
    eva = make_user("eva", roles=[(Role.REGISTRAR, ks)])
    device = give_authenticator(eva)
    client = signed_in("eva")
    for path in ["/", "/registrera/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/kod/?next=")

    html = client.get("/login/kod/?next=/").content.decode()
    assert '<label for="id_code">' in html and 'autocomplete="one-time-code"' in html
    refused = client.post("/login/kod/", {"code": wrong_code(device), "next": "/"})
    html = refused.content.decode()
    assert refused.status_code == 200 and 'role="alert"' in html and WRONG_CODE in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="code-hint code-error"' in html
    assert client.get("/").status_code == 302

    passed = client.post("/login/kod/", {"code": totp_code(device), "next": "/"})
    assert passed.status_code == 302 and passed["Location"] == "/"
    assert client.get("/").status_code == 200
    assert actions_of(eva.pk) == [
        "web.set_up_two_factor",  # give_authenticator
        "web.log_in",
        "web.fail_two_factor",
        "web.pass_two_factor",
    ]


def test_repeated_wrong_codes_slow_down(ks: Authority) -> None:
    eva = make_user("eva", roles=[(Role.OFFICER, ks)])
    device = give_authenticator(eva)
    client = signed_in("eva")
    client.post("/login/kod/", {"code": wrong_code(device)})
    response = client.post("/login/kod/", {"code": totp_code(device)})
    assert TOO_MANY in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_code_is_accepted_once(ks: Authority) -> None:
    eva = make_user("eva", roles=[(Role.REGISTRAR, ks)])
    device = give_authenticator(eva)
    code = totp_code(device)
    assert signed_in("eva").post("/login/kod/", {"code": code}).status_code == 302
    again = signed_in("eva").post("/login/kod/", {"code": code})
    assert again.status_code == 200 and WRONG_CODE in again.content.decode()


@pytest.mark.parametrize("roles", ["none", "archivist"])
def test_others_log_in_with_the_password_only(ks: Authority, roles: str) -> None:
    held = {"none": [], "archivist": [(Role.ARCHIVIST, ks)]}
    make_user("olle", roles=held[roles])
    client = signed_in("olle")
    assert client.get("/").status_code == 200
    assert client.get("/login/kod/").status_code == 302  # nothing to do there


@pytest.mark.parametrize("role", [Role.ELECTED, Role.SECRETARY])
def test_members_and_secretaries_give_a_code_too(ks: Authority, role: Role) -> None:
    """They read the secret documents of a meeting's items and approve minutes."""
    make_user("olle", roles=[(role, ks)])
    answer = signed_in("olle").get("/")
    assert answer.status_code == 302 and "/login/kod/" in answer["Location"]


def test_the_requirement_can_be_turned_off_for_development(ks: Authority, settings) -> None:
    settings.REQUIRE_TWO_FACTOR = False
    make_user("eva", roles=[(Role.REGISTRAR, ks)])
    assert signed_in("eva").get("/").status_code == 200


def test_first_login_sets_up_the_authenticator_app(ks: Authority, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    johan = make_user("johan", roles=[(Role.OFFICER, ks)])
    client = signed_in("johan")
    assert client.get("/sok/")["Location"] == "/login/kod/ny/?next=%2Fsok%2F"
    assert client.get("/login/kod/")["Location"] == "/login/kod/ny/?next=%2F"

    page = client.get("/login/kod/ny/?next=/sok/")
    html = page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=johan, confirmed=False)
    assert "otpauth://totp/Kansli%3Ajohan?secret=" in html
    assert '<svg role="img"' in html and "<title>" in html
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', html)
    assert secret and len(secret.group(1).replace(" ", "")) == 32
    assert client.get("/login/kod/ny/").status_code == 200  # the same key again
    assert TOTPDevice.objects.filter(user=johan).count() == 1

    refused = client.post("/login/kod/ny/", {"code": wrong_code(device), "next": "/sok/"})
    assert WRONG_SETUP_CODE in refused.content.decode()
    assert client.get("/").status_code == 302
    done = client.post("/login/kod/ny/", {"code": totp_code(device), "next": "/sok/"})
    html = done.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
    assert len(codes) == 10 and 'href="/sok/"' in html
    assert client.get("/").status_code == 200
    assert client.get("/login/kod/ny/")["Location"] == "/"

    # Next time: a backup code instead of the app; each works once.
    client.post("/logout/")
    client = signed_in("johan")
    assert client.post("/login/kod/", {"code": codes[0].upper()}).status_code == 302
    again = signed_in("johan").post("/login/kod/", {"code": codes[0]})
    assert WRONG_CODE in again.content.decode()
    assert actions_of(johan.pk) == [
        "web.log_in",
        "web.start_two_factor_setup",
        "web.fail_two_factor",
        "web.set_up_two_factor",
        "web.log_out",
        "web.log_in",
        "web.pass_two_factor",
        "web.log_in",
        "web.fail_two_factor",
    ]


def test_the_api_refuses_a_session_without_its_code(ks: Authority) -> None:
    eva = make_user("eva", roles=[(Role.REGISTRAR, ks)])
    device = give_authenticator(eva)
    client = signed_in("eva")
    refused = client.get("/api/v1/cases")
    assert refused.status_code == 401 and refused.json() == {"detail": SECOND_FACTOR_MISSING}
    client.post("/login/kod/", {"code": totp_code(device)})
    assert client.get("/api/v1/cases").status_code == 200


def test_force_login_in_tests_counts_as_having_given_the_code(ks: Authority) -> None:
    client = Client()
    client.force_login(make_user("eva", roles=[(Role.REGISTRAR, ks)]))
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/cases").status_code == 200


def test_an_administrator_resets_a_lost_phone_in_the_admin(ks: Authority) -> None:
    eva = make_user("eva", roles=[(Role.REGISTRAR, ks)])
    device = give_authenticator(eva)
    admin = Client()
    admin.force_login(make_sysadmin())
    page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert "eva" in page and device.key not in page  # never the key
    response = admin.post(
        "/admin/otp_totp/totpdevice/",
        {"action": "reset_two_factor", "_selected_action": [device.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=eva).exists()
    assert AuditEvent.objects.filter(action="web.reset_two_factor", object_id=str(eva.pk)).exists()
    assert signed_in("eva").get("/")["Location"].startswith("/login/kod/ny/")
