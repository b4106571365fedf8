"""The decisions of a whole meeting on one page: only what changed is saved, one bad §
saves nothing and names the §, and only the body's secretary reaches the page."""

from typing import Any

import pytest

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.models import Outcome, Paragraph
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case
from kansli.web.testing import signed_in, sv

pytestmark = pytest.mark.django_db


@pytest.fixture
def held() -> dict[str, Any]:
    body = make_body()
    secretary = make_secretary(body)
    member = make_member(body, ElectedPosition.CHAIR)
    meeting = make_meeting(body)
    later = make_meeting(body, days_ahead=60)
    for title in ["Detaljplan", "Budget", "Taxa"]:
        case = make_case(title, authority=body.authority)
        actions.do_preregister_item(meeting, case, title=title, proposal="Antas.", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[member], actor=secretary)
    return {
        "body": body,
        "secretary": secretary,
        "member": member,
        "meeting": meeting,
        "later": later,
        "minutes": minutes,
        "paragraphs": list(minutes.paragraphs.order_by("number")),
    }


def posted(held: dict[str, Any], **changes: str) -> dict[str, str]:
    """The form as the page fills it, with `changes` (name_pk: value) on top."""
    data: dict[str, str] = {}
    for p in held["paragraphs"]:
        data |= {
            f"outcome_{p.pk}": p.outcome,
            f"decision_{p.pk}": p.decision,
            f"appeal_route_{p.pk}": p.appeal_route,
            f"later_{p.pk}": "",
        }
    return data | changes


def test_only_the_changed_paragraphs_are_saved(held: dict[str, Any]) -> None:
    first, second, third = held["paragraphs"]
    url = f"/moten/{held['meeting'].pk}/protokoll/beslut/"
    page = signed_in(held["secretary"]).get(url)
    assert page.status_code == 200
    assert "Antas." in page.content.decode()
    events = AuditEvent.objects.count()
    answer = signed_in(held["secretary"]).post(
        url,
        posted(
            held,
            **{
                f"decision_{first.pk}": "Antas med ändringen att taxan höjs 2027.",
                f"outcome_{second.pk}": Outcome.POSTPONED,
                f"later_{second.pk}": str(held["later"].pk),
            },
        ),
    )
    assert answer.status_code == 302
    assert Paragraph.objects.get(pk=first.pk).decision.endswith("höjs 2027.")
    assert Paragraph.objects.get(pk=second.pk).outcome == Outcome.POSTPONED
    assert held["later"].items.filter(case=second.item.case).exists()
    assert Paragraph.objects.get(pk=third.pk).decision == "Antas."
    decisions = AuditEvent.objects.filter(pk__gt=events, action="meetings.record_decision")
    assert decisions.count() == 2  # the third § did not change


def test_one_bad_paragraph_saves_nothing_and_is_named(held: dict[str, Any]) -> None:
    first, second, _third = held["paragraphs"]
    url = f"/moten/{held['meeting'].pk}/protokoll/beslut/"
    events = AuditEvent.objects.count()
    answer = signed_in(held["secretary"]).post(
        url,
        posted(
            held,
            **{
                f"decision_{first.pk}": "Ändrat.",
                f"decision_{second.pk}": "   ",  # decided, but no decision written
            },
        ),
    )
    assert answer.status_code == 200
    assert f"§ {second.number}: Skriv beslutet." in answer.content.decode()
    assert Paragraph.objects.get(pk=first.pk).decision == "Antas."
    assert AuditEvent.objects.count() == events
    huge = signed_in(held["secretary"]).post(
        url, posted(held, **{f"decision_{first.pk}": "x" * 30000})
    )
    assert huge.status_code == 200
    assert Paragraph.objects.get(pk=first.pk).decision == "Antas."


def test_only_the_secretary_reaches_the_page(held: dict[str, Any]) -> None:
    url = f"/moten/{held['meeting'].pk}/protokoll/beslut/"
    officer = make_user(roles=[(Role.OFFICER, held["body"].authority)])
    elsewhere = make_secretary(make_body(make_authority("BUN", "Barn- och utbildningsnämnden")))
    for user in [officer, held["member"], elsewhere]:
        assert signed_in(user).get(url).status_code == 404
        assert signed_in(user).post(url, posted(held)).status_code == 404
    assert signed_in(held["secretary"]).get(url).status_code == 200


def test_the_page_is_closed_once_the_minutes_are_approved(held: dict[str, Any]) -> None:
    held["minutes"].locked_at = held["meeting"].starts_at
    held["minutes"].save(update_fields=["locked_at"])
    url = f"/moten/{held['meeting'].pk}/protokoll/beslut/"
    page = signed_in(held["secretary"]).get(url).content.decode()
    assert (
        sv("The minutes are approved. A decision changes only by a correction, from its §.") in page
    )
    first = held["paragraphs"][0]
    signed_in(held["secretary"]).post(url, posted(held, **{f"decision_{first.pk}": "Nytt."}))
    assert Paragraph.objects.get(pk=first.pk).decision == "Antas."
