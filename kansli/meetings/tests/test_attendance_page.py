"""The attendance page: the whole meeting in one form, prefilled with the body's
members (one who reported absence absent, their called substitute serving); nine
members, a substitute serving and a guest in one page load and one submit; bad rows
named in Swedish with nothing saved; only the body's secretary reaches it."""

from html.parser import HTMLParser
from typing import Any

import pytest

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.actions.absence import do_report_absence
from kansli.meetings.models import Attendance
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db

Capacity = Attendance.Capacity


class FormValues(HTMLParser):
    """The values a browser would post from the page's form, and its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.fields: list[str] = []
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name and a.get("type") != "submit":
            self.values[name] = a.get("value") or ""
            if a.get("type") != "hidden":
                self.fields.append(name)
        elif tag == "select":
            self.select = name
            self.values.setdefault(name, "")
            self.fields.append(name)
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def page_form(client: Any, url: str) -> FormValues:
    answer = client.get(url)
    assert answer.status_code == 200
    parser = FormValues()
    parser.feed(answer.content.decode())
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser


def row_of(values: dict[str, str], user: Any) -> int:
    return next(
        int(name.removeprefix("person_"))
        for name, value in values.items()
        if name.startswith("person_") and value == str(user.pk)
    )


@pytest.fixture
def held() -> dict[str, Any]:
    """A board of nine members (chair and vice chair among them) and two substitutes;
    Ines reported absence and Sven was called in her place."""
    body = make_body()
    secretary = make_secretary(body)
    names = ["Carina", "Vera", "Anders", "Bo", "Cecilia", "David", "Eva", "Filip", "Ines"]
    positions = [ElectedPosition.CHAIR, ElectedPosition.VICE_CHAIR] + [ElectedPosition.MEMBER] * 7
    members = [
        make_member(body, position, first_name=name, last_name="Ek")
        for name, position in zip(names, positions, strict=True)
    ]
    sven = make_member(body, ElectedPosition.SUBSTITUTE, first_name="Sven", last_name="Sol")
    tora = make_member(body, ElectedPosition.SUBSTITUTE, first_name="Tora", last_name="Tå")
    meeting = make_meeting(body)
    for title in ["Detaljplan", "Budget", "Taxa"]:
        case = make_case(title, authority=body.authority)
        actions.do_preregister_item(meeting, case, title=title, proposal="Antas.", actor=None)
    absence = do_report_absence(meeting, actor=members[-1])
    assert absence.substitute == sven
    minutes = actions.do_open_minutes(meeting, approvers=[members[2]], actor=secretary)
    return {
        "body": body,
        "secretary": secretary,
        "members": members,
        "sven": sven,
        "tora": tora,
        "meeting": meeting,
        "minutes": minutes,
        "url": f"/moten/{meeting.pk}/protokoll/narvaro/",
    }


def test_nine_members_a_substitute_and_a_guest_in_one_load_and_one_submit(
    held: dict[str, Any],
) -> None:
    client = signed_in(held["secretary"])
    form = page_form(client, held["url"])  # the one page load
    values = form.values
    ines, sven, tora = held["members"][-1], held["sven"], held["tora"]
    # Prefilled: the members present, Ines absent, Sven serving for her, Tora not there.
    for member in held["members"][:-1]:
        assert values[f"capacity_{row_of(values, member)}"] == Capacity.MEMBER
    assert values[f"capacity_{row_of(values, ines)}"] == Capacity.ABSENT
    assert values[f"capacity_{row_of(values, sven)}"] == Capacity.SUBSTITUTE
    assert values[f"replaces_{row_of(values, sven)}"] == str(ines.pk)
    assert values[f"capacity_{row_of(values, tora)}"] == ""
    # Bo leaves after § 2; a guest by name in the first empty row.
    bo = row_of(values, held["members"][3])
    empty = next(
        int(n.removeprefix("person_"))
        for n, v in values.items()
        if n.startswith("person_") and not v
    )
    changes = {
        f"to_{bo}": "2",
        f"name_{empty}": "Anna Berg",
        f"role_title_{empty}": "revisor",
        f"capacity_{empty}": Capacity.GUEST,
    }
    first = held["minutes"].paragraphs.order_by("number").first()
    changes[f"to_{bo}"] = str(first.number + 1)
    answer = client.post(held["url"], values | changes)  # the one submit
    assert answer.status_code == 302, answer.content.decode()[:9000]
    minutes = held["minutes"]
    assert minutes.attendance.filter(capacity=Capacity.MEMBER).count() == 8
    substitute = minutes.attendance.get(capacity=Capacity.SUBSTITUTE)
    assert (substitute.user, substitute.replaces) == (sven, ines)
    guest = minutes.attendance.get(capacity=Capacity.GUEST)
    assert (guest.user, guest.name, guest.role_title) == (None, "Anna Berg", "revisor")
    assert minutes.attendance.get(user=held["members"][3]).to_paragraph == first.number + 1
    assert not minutes.attendance.filter(user=tora).exists()
    fields, changed = len(form.fields), len(changes)
    print(f"attendance, 9 members, a substitute, a guest: 1 load, 1 submit, {changed} of {fields}")
    # The minutes page lists them by group; the page again shows what was saved.
    page = client.get(f"/moten/{held['meeting'].pk}/protokoll/").content.decode()
    assert "Tjänstgörande ersättare" in page and "Anna Berg – revisor" in page
    again = page_form(client, held["url"]).values
    assert again[f"capacity_{row_of(again, sven)}"] == Capacity.SUBSTITUTE


def test_a_bad_row_is_named_in_swedish_and_nothing_is_saved(held: dict[str, Any]) -> None:
    client = signed_in(held["secretary"])
    values = page_form(client, held["url"]).values
    tora = row_of(values, held["tora"])
    ines = held["members"][-1]
    events = AuditEvent.objects.count()
    # Tora serving for Ines too, whom Sven already replaces.
    bad = values | {f"capacity_{tora}": Capacity.SUBSTITUTE, f"replaces_{tora}": str(ines.pk)}
    answer = client.post(held["url"], bad)
    assert answer.status_code == 200
    assert "Ines Ek ersätts redan av Sven Sol" in answer.content.decode()
    assert not held["minutes"].attendance.exists()
    assert AuditEvent.objects.count() == events
    # A person chosen without a capacity, someone else's id, a § far away, garbage.
    outsider = make_secretary(make_body(make_authority("BUN", "Barn- och utbildningsnämnden")))
    events = AuditEvent.objects.count()
    for change in [
        {f"capacity_{tora}": "", f"person_{tora}": str(held["tora"].pk), f"name_{tora}": "X"},
        {f"person_{tora}": str(outsider.pk), f"capacity_{tora}": Capacity.OFFICIAL},
        {f"from_{tora}": "99999999999", f"capacity_{tora}": Capacity.SUBSTITUTE_PRESENT},
        {f"capacity_{tora}": "kung"},
        {"rows": "100000000"},
        {"rows": "x"},
    ]:
        answer = client.post(held["url"], values | change)
        assert answer.status_code == 200, change
        assert not held["minutes"].attendance.exists(), change
    assert AuditEvent.objects.count() == events
    answer = client.post(held["url"], values | {"rows": "100000000"})
    assert "Högst 300 rader; ladda sidan igen." in answer.content.decode()


def test_add_a_row_keeps_what_was_entered_and_saves_nothing(held: dict[str, Any]) -> None:
    client = signed_in(held["secretary"])
    values = page_form(client, held["url"]).values
    rows = int(values["rows"])
    answer = client.post(held["url"], values | {"add": "1", "to_0": "2"})
    assert answer.status_code == 200
    assert f'name="person_{rows}"' in answer.content.decode()
    assert not held["minutes"].attendance.exists()


def test_only_the_body_secretary_reaches_the_page(held: dict[str, Any]) -> None:
    values = page_form(signed_in(held["secretary"]), held["url"]).values
    officer = make_user(roles=[(Role.OFFICER, held["body"].authority)])
    elsewhere = make_secretary(make_body(make_authority("BUN", "Barn- och utbildningsnämnden")))
    for user in [officer, held["members"][0], elsewhere]:
        assert signed_in(user).get(held["url"]).status_code == 404
        assert signed_in(user).post(held["url"], values).status_code == 404
    assert not held["minutes"].attendance.exists()
    missing = f"/moten/{held['meeting'].pk + 1000}/protokoll/narvaro/"
    assert signed_in(held["secretary"]).get(missing).status_code == 404
