import pytest
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.org import actions
from kansli.org.models import ElectedPosition, Role, Unit
from kansli.org.testing import make_authority, make_municipality, make_sysadmin, make_user

pytestmark = pytest.mark.django_db


def test_the_start_page_needs_a_login() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_login_page_is_swedish_with_labelled_fields() -> None:
    html = Client().get("/login/").content.decode()
    assert '<html lang="sv">' in html
    assert '<label for="id_username">Användarnamn</label>' in html
    assert 'href="#main"' in html and '<main id="main"' in html


def test_a_failed_login_does_not_say_whether_the_user_exists() -> None:
    make_user("eva", password="right-password-1")
    wrong_password = Client().post("/login/", {"username": "eva", "password": "nope"})
    no_such_user = Client().post("/login/", {"username": "nobody", "password": "nope"})
    assert wrong_password.status_code == no_such_user.status_code == 200
    assert b'role="alert"' in wrong_password.content
    message = wrong_password.context["form"].non_field_errors()
    assert message == no_such_user.context["form"].non_field_errors()


def test_the_start_page_shows_roles_per_authority() -> None:
    ks = make_authority("KS", "Kommunstyrelsen")
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    user = make_user("eva", roles=[(Role.REGISTRAR, ks), (Role.OFFICER, bun)],
                     first_name="Eva", last_name="Lind")  # fmt: skip
    actions.do_grant_role(
        user, Role.ELECTED, authority=ks, position=ElectedPosition.MEMBER, actor=None
    )
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Välkommen, Eva Lind" in html
    assert "KS Kommunstyrelsen" in html and "BUN Barn- och utbildningsnämnden" in html
    assert "Registrator" in html and "Handläggare" in html and "Ledamot" in html


def test_english_is_one_click_away() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html


def test_logout_is_a_post() -> None:
    client = Client()
    client.force_login(make_user("olle"))
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_admin_saves_through_the_actions() -> None:
    admin = make_sysadmin()
    place = make_municipality()
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/org/unit/add/",
        {"municipality": place.pk, "kind": "enhet", "name": "Arkivenheten",
         "valid_from": "2026-01-01"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    unit = Unit.objects.get(name="Arkivenheten")
    event = AuditEvent.objects.get(action="org.create_unit", object_id=str(unit.pk))
    assert event.actor_id == admin.pk
    delete = client.post(f"/admin/org/unit/{unit.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_admin_is_closed_to_others() -> None:
    client = Client()
    client.force_login(make_user("vanlig"))
    assert client.get("/admin/").status_code == 302
