"""Non-public parts of meetings (issue 12, part 2): an individual social-services case
(OSL 26 kap. 1 §) on the agenda. The notice, the pack, the public part of the minutes,
the public minutes page, the agenda API and the staff pages show others the § number,
the neutral heading and the provision only; the full text is in the minutes' sealed
non-public part and the secret-marked extract, read by those entitled."""

import io
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kansli.access.actions import do_grant_access
from kansli.access.rules import may_read, may_read_item
from kansli.access.testing import make_access_group
from kansli.files.models import StoredFile
from kansli.meetings import actions
from kansli.meetings.models import Meeting, Minutes, Notice, Paragraph
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.actions import do_create_api_token
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Classification
from kansli.registry.testing import make_case, make_incoming, make_provision

pytestmark = pytest.mark.django_db

NAME = "Anna Svensson"
DECISION = f"{NAME} beviljas ekonomiskt bistånd med 5 000 kronor."
HEADING = "Ärende enligt socialtjänstlagen (OSL 26 kap. 1 §)"


def text(stored: StoredFile | None) -> str:
    assert stored is not None
    with stored.open() as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def client(user: Any) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The item through registration, report, pre-registration, dispatch and a decision;
    the minutes not yet approved."""
    body = make_body()
    authority = body.authority
    process = Classification.objects.create(authority=authority, code="7.1", title="Bistånd")
    registry.do_set_default_secrecy(
        process, make_provision("OSL 26 kap. 1 §"), actor=make_sysadmin()
    )
    officer = make_user("handl", roles=[(Role.OFFICER, authority)])
    case = make_case(f"Ansökan om ekonomiskt bistånd, {NAME}", authority=authority)
    case.classification, case.officer = process, officer
    case.save()
    make_incoming(case, counterpart=NAME, description="Ansökan")
    report = actions.do_write_report(
        case, title=f"Bistånd till {NAME}", background=f"{NAME} har ansökt.", assessment="",
        proposal=DECISION, actor=officer,
    )  # fmt: skip
    meeting = make_meeting(body)
    item = actions.do_preregister_item(
        meeting, case, title=f"Bistånd till {NAME}", proposal=DECISION, report=report,
        public_title="Ärende enligt socialtjänstlagen", actor=officer,
    )  # fmt: skip
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    paragraph = minutes.paragraphs.get()
    actions.do_record_decision(paragraph, decision=DECISION, actor=None)
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina")
    record_present(minutes, chair)
    meeting_over(monkeypatch, meeting)
    return {
        "body": body,
        "case": case,
        "item": item,
        "meeting": Meeting.objects.get(pk=meeting.pk),
        "minutes": minutes,
        "officer": officer,
        "colleague": make_user("kollega", roles=[(Role.OFFICER, authority)]),
        "secretary": make_secretary(body),
        "chair": chair,
    }


def approve(held: dict[str, Any]) -> Minutes:
    actions.do_approve_minutes(held["minutes"], verified=True, actor=held["chair"])
    return Minutes.objects.get(pk=held["minutes"].pk)


def test_an_item_of_a_secret_process_is_non_public_from_the_start(held: dict[str, Any]) -> None:
    item = held["item"]
    assert item.secrecy is not None and item.secrecy.reference == "OSL 26 kap. 1 §"
    assert item.public_heading == HEADING
    notice, pack = text(held["meeting"].notice), text(held["meeting"].pack)
    assert HEADING in notice
    for shown in [notice, pack]:
        assert NAME not in shown and "5 000" not in shown


def test_the_minutes_have_a_public_part_and_a_sealed_non_public_part(held: dict[str, Any]) -> None:
    minutes = approve(held)
    public, secret = text(minutes.sealed), text(minutes.sealed_secret)
    assert HEADING in public and "sekretessbilaga" in public
    assert NAME not in public and "5 000" not in public
    assert DECISION in secret.replace("\n", " ") and "Ej offentlig" in secret
    extract = minutes.paragraphs.get().extract
    assert extract is not None and extract.secrecy is not None
    assert extract.secrecy.reference == "OSL 26 kap. 1 §"
    assert not may_read(held["colleague"], extract) and may_read(held["officer"], extract)

    notice = Notice.objects.get(minutes=minutes)
    page = Client().get(f"/anslagstavla/{notice.pk}/").content.decode()
    assert HEADING in page
    for hidden in [NAME, "5 000", held["case"].case_number]:
        assert hidden not in page, hidden

    url = f"/moten/{held['meeting'].pk}/sekretessbilaga.pdf"
    assert client(held["colleague"]).get(url).status_code == 404
    assert client(held["secretary"]).get(url).status_code == 200
    assert client(held["officer"]).get(url).status_code == 200


def test_staff_outside_the_case_see_the_heading_only(held: dict[str, Any]) -> None:
    meeting, colleague = held["meeting"], client(held["colleague"])
    for url in [f"/moten/{meeting.pk}/", f"/moten/{meeting.pk}/protokoll/"]:
        page = colleague.get(url).content.decode()
        assert HEADING in page and NAME not in page and "5 000" not in page, url
    paragraph = held["minutes"].paragraphs.get()
    assert colleague.get(f"/moten/paragraf/{paragraph.pk}/").status_code == 404
    assert NAME in client(held["secretary"]).get(f"/moten/{meeting.pk}/").content.decode()
    assert NAME in client(held["officer"]).get(f"/moten/{meeting.pk}/").content.decode()

    _token, key = do_create_api_token(held["colleague"], "test", actor=None)
    rows = Client().get(
        f"/api/v1/meetings/{meeting.pk}/items", headers={"Authorization": f"Bearer {key}"}
    )
    assert rows.json()[0]["title"] == HEADING and rows.json()[0]["proposal"] == ""
    _token, key = do_create_api_token(held["officer"], "test", actor=None)
    rows = Client().get(
        f"/api/v1/meetings/{meeting.pk}/items", headers={"Authorization": f"Bearer {key}"}
    )
    assert rows.json()[0]["title"] == f"Bistånd till {NAME}"


def test_the_secretary_sets_and_lifts_with_a_reason_until_approval(held: dict[str, Any]) -> None:
    item, secretary = held["item"], held["secretary"]
    with pytest.raises(ValidationError) as refused:
        actions.do_set_item_secrecy(item, None, actor=secretary)
    assert "reason" in refused.value.message_dict
    page = client(secretary).post(
        f"/moten/punkt/{item.pk}/sekretess/", {"secrecy": "", "reason": "Prövat: offentligt."}
    )
    assert page.status_code == 302
    item.refresh_from_db()
    assert item.secrecy is None and item.public_title == ""
    actions.do_set_item_secrecy(item, make_provision("OSL 26 kap. 1 §"), actor=secretary)
    approve(held)
    with pytest.raises(ValidationError):
        actions.do_set_item_secrecy(item, None, reason="Sent.", actor=secretary)
    assert client(held["colleague"]).get(f"/moten/punkt/{item.pk}/sekretess/").status_code == 403


def test_a_non_public_items_paragraph_is_read_by_the_staff_who_read_the_item(
    held: dict[str, Any],
) -> None:
    """Paragraph.objects.visible_to (kansli.access.rules.visible_paragraphs): the § of
    the body's staff, a non-public item's only for those who read the item in full."""
    authority, case, item = held["body"].authority, held["case"], held["item"]
    paragraph = held["minutes"].paragraphs.get()
    granted = make_user("vikarie", roles=[(Role.OFFICER, authority)])
    manager = make_user("chef", roles=[(Role.MANAGER, authority)])
    do_grant_access(case, granted, "Vikariat", last_day=timezone.localdate(), actor=manager)
    grouped = make_user("gruppen", roles=[(Role.OFFICER, authority)])
    make_access_group(authority, [grouped])
    elsewhere = make_user("annan", roles=[(Role.SECRETARY, make_authority("BUN", "Barn"))])
    readers = [held["officer"], held["secretary"], granted, grouped]
    others = [held["colleague"], manager, elsewhere, held["chair"], make_sysadmin("admin2")]

    def sees(user: Any) -> bool:
        return Paragraph.objects.visible_to(user).filter(pk=paragraph.pk).exists()

    assert [sees(user) for user in readers] == [True] * 4
    assert [sees(user) for user in others] == [False] * 5
    now = Paragraph.objects.get(pk=paragraph.pk).item  # the case is in the group now
    assert [may_read_item(user, now) for user in readers] == [True] * 4
    assert not any(may_read_item(user, now) for user in [held["colleague"], manager])

    actions.do_set_item_secrecy(item, None, reason="Prövat: offentligt.", actor=held["secretary"])
    assert [sees(user) for user in [*readers, held["colleague"], manager]] == [True] * 6
    assert [sees(user) for user in [elsewhere, held["chair"]]] == [False] * 2
