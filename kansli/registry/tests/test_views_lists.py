import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from kansli.org import actions as org_actions
from kansli.org.models import ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Case
from kansli.registry.testing import make_case, make_registrar
from kansli.workdays.calendar import add_workdays, workdays_between

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def sv(text: str, **values: object) -> str:
    with translation.override("sv"):
        message = translation.gettext(text)
    return escape(message % values if values else message)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened(days_ago: int) -> datetime.datetime:
    """A time the given number of working days ago."""
    day = add_workdays(TODAY, -days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_my_cases_lists_the_officers_open_cases_with_working_days() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    colleague = make_user("kollega", roles=[(Role.OFFICER, ks)])
    fresh = make_case("Nytt ärende", authority=ks, opened_at=opened(3))
    old = make_case("Gammalt ärende", authority=ks, opened_at=opened(25))
    decided = make_case("Beslutat ärende", authority=ks, opened_at=opened(30))
    closed = make_case("Avslutat ärende", authority=ks)
    others = make_case("Kollegans ärende", authority=ks)
    for case in (fresh, old, decided, closed):
        actions.do_assign_officer(case, officer, actor=registrar)
    actions.do_assign_officer(others, colleague, actor=registrar)
    actions.do_change_case_status(decided, "beslutat", actor=officer)
    actions.do_change_case_status(closed, "avslutat", actor=officer)

    html = client_for(officer).get("/arenden/mina/").content.decode()
    assert "Nytt ärende" in html and "Gammalt ärende" in html and "Beslutat ärende" in html
    assert "Avslutat ärende" not in html and "Kollegans ärende" not in html
    assert html.index("Beslutat ärende") < html.index("Gammalt ärende") < html.index("Nytt ärende")
    mark = sv("Over %(limit)s working days", limit=20)
    rows = {
        title: row
        for row in html.split("<tr>")
        for title in re.findall(r"<td>([^<]*ärende)</td>", row)
    }
    assert mark in rows["Gammalt ärende"]
    assert mark not in rows["Nytt ärende"] and mark not in rows["Beslutat ärende"]
    open_days = workdays_between(timezone.localdate(old.opened_at), TODAY)
    assert f'<td class="number">{open_days} ' in rows["Gammalt ärende"]
    assert '<td class="number">0</td>' in rows["Nytt ärende"]  # assigned today


def test_my_cases_puts_the_first_due_on_top_and_marks_overdue_and_due_soon() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    cases = {
        title: make_case(title, authority=ks, opened_at=opened(30))
        for title in ("Utan sista dag", "Långt fram", "Snart", "Försenat")
    }
    for case in cases.values():
        actions.do_assign_officer(case, officer, actor=registrar)
    actions.do_set_due_date(cases["Långt fram"], add_workdays(TODAY, 30), actor=registrar)
    actions.do_set_due_date(cases["Snart"], add_workdays(TODAY, 2), actor=officer)
    actions.do_set_due_date(cases["Försenat"], add_workdays(TODAY, -3), actor=officer)

    html = client_for(officer).get("/arenden/mina/").content.decode()
    order = [html.index(f"<td>{title}</td>") for title in
             ("Försenat", "Snart", "Långt fram", "Utan sista dag")]  # fmt: skip
    assert order == sorted(order)
    rows = {title: row for row in html.split("<tr>")
            for title in re.findall(r"<td>([^<]*)</td>", row)}  # fmt: skip
    with translation.override("sv"):
        plural = "%(days)s working days left"
        soon = translation.ngettext("%(days)s working day left", plural, 2) % {"days": 2}
    overdue = sv("Overdue")
    assert overdue in rows["Försenat"] and overdue not in rows["Snart"]
    assert soon in rows["Snart"]
    assert overdue not in rows["Långt fram"] and "working days left" not in rows["Långt fram"]
    assert add_workdays(TODAY, 30).isoformat() in rows["Långt fram"]


def test_the_due_date_is_kept_in_the_timeline_and_audit_and_checked() -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from kansli.audit.models import AuditEvent

    ks = make_authority("KS")
    case = make_case("Bygglov för carport", authority=ks, opened_at=opened(5))
    due = add_workdays(TODAY, 10)
    actions.do_set_due_date(case, due, actor=make_registrar(ks))
    case.refresh_from_db()
    assert case.due_date == due
    assert case.timeline.filter(kind="due_date", text=f"Besluta senast {due.isoformat()}.").exists()
    event = AuditEvent.objects.get(action="registry.set_due_date")
    assert event.after == {"due_date": due.isoformat()} and event.before == {"due_date": None}
    with pytest.raises(ValidationError) as error:
        actions.do_set_due_date(case, add_workdays(TODAY, -10), actor=None)
    assert error.value.message_dict["due_date"] == ["Dagen kan inte ligga före ärendets öppnande."]
    with pytest.raises(PermissionDenied):
        actions.do_set_due_date(case, None, actor=make_user("utomstaende"))
    case.refresh_from_db()
    assert case.due_date == due


def test_my_cases_is_empty_for_someone_without_cases() -> None:
    html = client_for(make_user("ny")).get("/arenden/mina/").content.decode()
    assert sv("You have no open cases.") in html


def test_late_registrations_are_for_registrars_newest_first(settings: Any) -> None:
    settings.REGISTRATION_LAG_LIMIT = 2
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    registrar = make_registrar(ks)
    case = make_case(authority=ks)

    def incoming(description: str, workdays: int, hours_ago: int = 0, where: Case = case) -> Any:
        return actions.do_register_document(
            where, "inkommen", add_workdays(TODAY, -workdays), description,
            counterpart="Anna Andersson",
            registered_at=timezone.now() - datetime.timedelta(hours=hours_ago), actor=None,
        )  # fmt: skip

    incoming("I tid", 2)
    first_late = incoming("Sen sedan länge", 5, hours_ago=3)
    newest_late = incoming("Sen nyss", 4)
    incoming("Annan myndighet", 9, where=make_case(authority=bun))
    actions.do_register_document(
        case, "upprattad", add_workdays(TODAY, -9), "Upprättad", actor=None
    )
    assert (
        client_for(make_user("handl", roles=[(Role.OFFICER, ks)]))
        .get("/registrera/sena/")
        .status_code
        == 403
    )
    html = client_for(registrar).get("/registrera/sena/").content.decode()
    assert "I tid" not in html and "Annan myndighet" not in html and "Upprättad" not in html
    assert html.index("Sen nyss") < html.index("Sen sedan länge")
    assert f'<td class="number">{newest_late.registration_lag}</td>' in html
    assert newest_late.registration_lag == workdays_between(newest_late.document_date, TODAY)
    assert first_late.registration_lag is not None and first_late.registration_lag > 2


def test_the_menu_and_start_page_link_to_what_the_user_can_use() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    elected = make_user("ledamot")
    org_actions.do_grant_role(
        elected, Role.ELECTED, authority=ks, position=ElectedPosition.MEMBER, actor=None
    )
    registrar_home = client_for(registrar).get("/").content.decode()
    assert 'href="/registrera/"' in registrar_home and 'href="/registrera/sena/"' in registrar_home
    assert 'href="/arenden/mina/"' not in registrar_home
    officer_home = client_for(officer).get("/").content.decode()
    assert 'href="/arenden/mina/"' in officer_home and 'href="/registrera/"' in officer_home
    assert 'href="/registrera/sena/"' not in officer_home
    elected_home = client_for(elected).get("/").content.decode()
    assert "/registrera/" not in elected_home and "/arenden/mina/" not in elected_home
    current = client_for(registrar).get("/registrera/").content.decode()
    assert '<a href="/registrera/" aria-current="page">' in current
