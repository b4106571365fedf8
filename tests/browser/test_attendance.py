"""The attendance form with the keyboard only: the secretary tabs through the table row
by row, marks an absent member, lets a substitute serve for him and names a guest, and
submits with Enter; axe finds nothing on the form, nor on it shown again with an
error."""

import pytest

from kansli.meetings import actions
from kansli.meetings.models import Attendance
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.models import ElectedPosition
from kansli.org.testing import make_authority
from kansli.registry.testing import make_case
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Capacity = Attendance.Capacity
FIELDS_PER_ROW = 7


def focused(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("document.activeElement.name"))


def tab_to(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Tab forward until the field `name` has the focus."""
    for _ in range(60):
        if focused(page) == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{name} is not reached by Tab")


def test_attendance_is_entered_with_the_keyboard_only(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url
    body = make_body(make_authority("KS", "Kommunstyrelsen"))
    secretary = make_secretary(body)
    secretary.username = "sekreterare"
    secretary.set_password("kansli-demo")
    secretary.save()
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Göran", last_name="Lundgren")
    make_member(body, first_name="Fatima", last_name="Hedlund")
    per = make_member(body, first_name="Per", last_name="Jävig")
    olle = make_member(body, ElectedPosition.SUBSTITUTE, first_name="Olle", last_name="Ek")
    meeting = make_meeting(body)
    for title in ["Detaljplan", "Budget"]:
        case = make_case(title, authority=body.authority)
        actions.do_preregister_item(meeting, case, title=title, proposal="Antas.", actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[chair], actor=secretary)

    page = browser.new_context(locale="sv-SE").new_page()
    log_in(page, url, "sekreterare")
    page.goto(f"{url}/moten/{meeting.pk}/protokoll/narvaro/")
    assert axe_violations(page) == []
    # Prefilled: the chair first, the members, the substitute not there, empty rows.
    names = page.eval_on_selector_all(
        "select[name^=person_]", "s => s.map(e => e.selectedOptions[0].text)"
    )
    assert names[:4] == ["Göran Lundgren", "Fatima Hedlund", "Per Jävig", "Olle Ek"]
    # The tab order goes along each row, then to the next.
    page.keyboard.press("Tab")
    tab_to(page, "person_0")
    for _ in range(FIELDS_PER_ROW):
        page.keyboard.press("Tab")
    assert focused(page) == "person_1"
    # Per Jävig (row 3) was absent: from "ledamot" down to "frånvarande".
    tab_to(page, "capacity_2")
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    # Olle Ek (row 4) served for him: from "(inte närvarande)" to "tjänstgörande ersättare".
    tab_to(page, "capacity_3")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Per J")
    # A guest who is no user, in the first empty row, with her title.
    tab_to(page, "name_4")
    page.keyboard.type("Anna Berg")
    page.keyboard.press("Tab")
    page.keyboard.type("revisor")
    page.keyboard.press("Tab")
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # submits with the first button: save
    page.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    assert minutes.attendance.get(user=per).capacity == Capacity.ABSENT
    serving = minutes.attendance.get(user=olle)
    assert (serving.capacity, serving.replaces) == (Capacity.SUBSTITUTE, per)
    guest = minutes.attendance.get(capacity=Capacity.GUEST)
    assert (guest.name, guest.role_title) == ("Anna Berg", "revisor")
    assert page.get_by_role("heading", name=sv("Serving substitutes")).is_visible()

    # Shown again with an error (Fatima Hedlund from § 99): named, focusable, axe-clean.
    page.goto(f"{url}/moten/{meeting.pk}/protokoll/narvaro/")
    tab_to(page, "person_0")
    tab_to(page, "from_1")
    page.keyboard.type("99")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert "§ 99 finns inte i protokollet" in summary.inner_text()
    assert axe_violations(page) == []
    assert minutes.attendance.count() == 5
