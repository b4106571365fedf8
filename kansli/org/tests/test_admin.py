"""The admin's pages for the organisation's actions without a model form of their own:
a new password for a person and closing a unit, both for system administrators only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.org import actions
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_sysadmin, make_unit, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
NEW = "Kvittens-Ljung-73"


def admin() -> Client:
    client = Client()
    client.force_login(make_sysadmin())
    return client


def test_a_system_administrator_sets_a_new_password() -> None:
    eva = make_user("eva", password="gammalt-losen-1")
    client = admin()
    page = client.get(f"/admin/org/user/{eva.pk}/change/").content.decode()
    assert f'href="/admin/org/user/{eva.pk}/losenord/"' in page
    answer = client.post(f"/admin/org/user/{eva.pk}/losenord/",
                         {"new_password": NEW, "new_password_again": NEW})  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == f"/admin/org/user/{eva.pk}/change/"
    eva.refresh_from_db()
    assert eva.check_password(NEW) and not eva.check_password("gammalt-losen-1")
    event = AuditEvent.objects.get(action="org.set_password")
    assert event.actor_id == User.objects.get(username="sysadmin").pk
    assert event.object_id == str(eva.pk) and NEW not in str(event.before) + str(event.after)


def test_the_admin_refuses_a_weak_password_with_the_same_rules() -> None:
    eva = make_user("eva", password="gammalt-losen-1")
    answer = admin().post(f"/admin/org/user/{eva.pk}/losenord/",
                          {"new_password": "eva", "new_password_again": "eva"})  # fmt: skip
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Det här lösenordet är för kort." in html
    assert "Ditt lösenord är alltför likt användarnamn." in html
    eva.refresh_from_db()
    assert eva.check_password("gammalt-losen-1")
    assert not AuditEvent.objects.filter(action="org.set_password").exists()


def test_the_action_holds_the_password_rules_and_who_may_set_one() -> None:
    eva, olle = make_user("eva"), make_user("olle")
    with pytest.raises(ValidationError):
        actions.do_set_password(eva, "12345678", actor=None)
    with pytest.raises(PermissionDenied):
        actions.do_set_password(eva, NEW, actor=olle)
    actions.do_set_password(eva, NEW, actor=eva)
    eva.refresh_from_db()
    assert eva.check_password(NEW)


def test_the_admins_own_password_change_is_the_one_page() -> None:
    answer = admin().get("/admin/password_change/")
    assert answer.status_code == 302 and answer["Location"] == "/konto/losenord/"
    # Nor does the person page set one's own without the current password.
    sysadmin = make_sysadmin("admin2")
    client = Client()
    client.force_login(sysadmin)
    data = {"new_password": NEW, "new_password_again": NEW}
    answer = client.post(f"/admin/org/user/{sysadmin.pk}/losenord/", data)
    assert answer.status_code == 302 and answer["Location"] == "/konto/losenord/"
    sysadmin.refresh_from_db()
    assert not sysadmin.check_password(NEW)


def test_a_system_administrator_closes_a_unit_with_its_successors() -> None:
    office = make_unit("Ekonomikontoret", valid_from=D(2020, 1, 1))
    part = make_unit("Lönegruppen", parent=office, valid_from=D(2020, 1, 1))
    successor = make_unit("Kommunledningsförvaltningen", valid_from=D(2020, 1, 1))
    client = admin()
    assert (
        f'href="/admin/org/unit/{office.pk}/avsluta/"'
        in client.get(f"/admin/org/unit/{office.pk}/change/").content.decode()
    )
    form = client.get(f"/admin/org/unit/{office.pk}/avsluta/").content.decode()
    assert "Sista dag" in form and "Kommunledningsförvaltningen" in form
    answer = client.post(f"/admin/org/unit/{office.pk}/avsluta/",
                         {"last_day": "2026-06-30", "successors": [successor.pk]})  # fmt: skip
    assert answer.status_code == 302
    done = client.get(answer["Location"]).content.decode()
    assert "Ekonomikontoret avslutas den 2026-06-30." in done
    office.refresh_from_db()
    part.refresh_from_db()
    assert office.valid_to == part.valid_to == D(2026, 6, 30)
    assert list(office.successors.all()) == [successor]
    closed = AuditEvent.objects.filter(action="org.close_unit").order_by("pk")
    assert [e.object_id for e in closed] == [str(part.pk), str(office.pk)]
    assert {e.actor_id for e in closed} == {User.objects.get(username="sysadmin").pk}


def test_only_an_open_unit_outside_the_one_closed_takes_over() -> None:
    """Its own parts close with it, and a closed unit takes over nothing: the form does
    not offer them and the action refuses them."""
    office = make_unit("Ekonomikontoret", valid_from=D(2020, 1, 1))
    part = make_unit("Lönegruppen", parent=office, valid_from=D(2020, 1, 1))
    gone = make_unit("Gamla kansliet", valid_from=D(2020, 1, 1))
    actions.do_close_unit(gone, D(2024, 12, 31), actor=None)
    open_unit = make_unit("Kommunledningsförvaltningen", valid_from=D(2020, 1, 1))
    form = admin().get(f"/admin/org/unit/{office.pk}/avsluta/").content.decode()
    assert "Kommunledningsförvaltningen" in form
    assert "Lönegruppen" not in form and "Gamla kansliet" not in form
    for successor, message in [(part, "sina delar"), (gone, "Avslutad")]:
        with pytest.raises(ValidationError, match=message):
            actions.do_close_unit(office, D(2026, 6, 30), successors=[successor], actor=None)
    office.refresh_from_db()
    assert office.valid_to is None
    actions.do_close_unit(office, D(2026, 6, 30), successors=[open_unit], actor=None)


@pytest.mark.parametrize(
    "last_day,message",
    [
        ("2026-06-30", "Flytta först personalen i Ekonomikontoret till en annan enhet."),
        ("2019-12-31", "Sista dagen kan inte vara före enhetens första dag."),
        ("1850-01-01", "Ange ett datum mellan år 1900 och 2200."),
        ("30/6", "Ange ett giltigt datum."),
    ],
)
def test_a_refused_closing_says_why_on_the_form_and_changes_nothing(
    last_day: str, message: str
) -> None:
    office = make_unit("Ekonomikontoret", valid_from=D(2020, 1, 1))
    make_user("eva", unit=office)
    answer = admin().post(f"/admin/org/unit/{office.pk}/avsluta/", {"last_day": last_day})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    office.refresh_from_db()
    assert office.valid_to is None
    assert not AuditEvent.objects.filter(action="org.close_unit").exists()


def test_only_system_administrators_reach_these_pages() -> None:
    office = make_unit("Ekonomikontoret", valid_from=D(2020, 1, 1))
    eva = make_user("eva", password="gammalt-losen-1")
    manager = make_user("chef", roles=[(Role.MANAGER, make_authority("KS"))])
    client = Client()
    client.force_login(manager)
    for path, data in [
        (f"/admin/org/unit/{office.pk}/avsluta/", {"last_day": "2026-06-30"}),
        (f"/admin/org/user/{eva.pk}/losenord/", {"new_password": NEW, "new_password_again": NEW}),
    ]:
        assert client.get(path).status_code == 302  # to the login: not an administrator
        assert client.post(path, data).status_code == 302
    office.refresh_from_db()
    eva.refresh_from_db()
    assert office.valid_to is None and eva.check_password("gammalt-losen-1")
    assert admin().get("/admin/org/unit/999999/avsluta/").status_code == 404


def test_the_councils_order_of_substitutes_is_set_in_the_admin() -> None:
    """KL 5 kap. 17 §: a substitute's place in the order they are called in, set on the
    role through the action (audited); a member's role is refused one, in Swedish."""
    board = make_authority("BUN", "Barn- och utbildningsnämnden")
    sven, maja = make_user("sven"), make_user("maja")
    roles = {
        user.username: actions.do_grant_role(
            user, Role.ELECTED, authority=board, position=position, actor=None
        )
        for user, position in [(sven, "ersattare"), (maja, "ledamot")]
    }
    client = admin()
    url = f"/admin/org/roleassignment/{roles['sven'].pk}/change/"
    answer = client.post(url, {"call_order": "1", "valid_to": ""})
    assert answer.status_code == 302
    roles["sven"].refresh_from_db()
    assert roles["sven"].call_order == 1
    assert AuditEvent.objects.get(action="org.set_call_order").after == {"call_order": 1}
    url = f"/admin/org/roleassignment/{roles['maja'].pk}/change/"
    answer = client.post(url, {"call_order": "2", "valid_to": ""})
    assert (
        answer.status_code == 200 and "Bara ersättare har en turordning." in answer.content.decode()
    )
    roles["maja"].refresh_from_db()
    assert roles["maja"].call_order is None


def test_the_admin_and_the_person_search_follow_today_s_role_not_the_stored_flags() -> None:
    """A system administrator's role whose last day has passed leaves is_staff and
    is_superuser as they were: the admin and the GDPR person search ask the role."""
    from kansli.privacy.actions import searchable_authorities

    ks = make_authority("KS")
    today = datetime.date.today()
    former = make_user("tidigare")
    actions.do_grant_role(former, Role.SYSADMIN, valid_from=today - datetime.timedelta(days=30),
                          actor=None)  # fmt: skip
    role = former.roles.get(role=Role.SYSADMIN)
    actions.do_end_role(role, today - datetime.timedelta(days=1), actor=None)
    User.objects.filter(pk=former.pk).update(is_staff=True, is_superuser=True)  # as before
    former.refresh_from_db()
    client = Client()
    client.force_login(former)
    assert client.get("/admin/").status_code == 302  # to the sign-in
    assert client.get("/admin/org/user/").status_code == 302
    assert ks not in searchable_authorities(former)
    assert admin().get("/admin/").status_code == 200  # today's system administrator
