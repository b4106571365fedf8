"""The member portal on a tablet or a phone (issue 13, part 9): the earlier meetings of
the term with their approved minutes, and the meeting pack as one PDF."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kansli.meetings import actions
from kansli.meetings.models import Meeting, Notice, Opening
from kansli.meetings.testing import make_body, make_meeting, make_member
from kansli.org.actions import do_end_role
from kansli.org.models import ElectedPosition, Role, RoleAssignment
from kansli.registry.testing import make_case
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(settings: Any) -> dict[str, Any]:
    settings.LANGUAGE_CODE = "sv"
    body = make_body()
    return {
        "body": body,
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina"),
        "member": make_member(body, first_name="Maja"),
        "meeting": make_meeting(body),
        "case": make_case("Detaljplan för Vargödalen", authority=body.authority),
    }


def test_the_portal_lists_the_terms_earlier_meetings_and_gives_the_pack(
    setting: dict[str, Any],
) -> None:
    """Issue 13, part 9: the member reaches the earlier meetings of the term, with their
    approved minutes, and the meeting pack as one PDF (which counts as opening); one
    from before the term is not listed, and a former member gets nothing."""
    body, case = setting["body"], setting["case"]
    meeting = setting["meeting"]
    actions.do_preregister_item(meeting, case, title="Planärende", proposal="Antas.", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    # Held last week, approved; and one from before the term began.
    held = timezone.now() - datetime.timedelta(days=7)
    old = make_meeting(body)
    before_term = datetime.datetime.combine(body.term(timezone.localdate())[0], datetime.time(13))
    before_term = timezone.make_aware(before_term - datetime.timedelta(days=30))
    Meeting.objects.filter(pk=old.pk).update(starts_at=before_term, dispatched_at=before_term)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=held)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    actions.do_record_attendance(minutes, setting["chair"], "ledamot", actor=None)
    actions.do_approve_minutes(minutes, verified=True, actor=setting["chair"])
    member = signed_in(setting["member"])
    page = member.get("/moten/portal/").content.decode()
    assert "Tidigare sammanträden under mandatperioden" in page
    assert f"/moten/portal/{meeting.pk}/" in page and f"/moten/portal/{old.pk}/" not in page
    notice = Notice.objects.get(minutes=minutes)
    assert f"/anslagstavla/{notice.pk}/" in page
    assert (
        "Alla öppna handlingar som en PDF"
        in member.get(f"/moten/portal/{meeting.pk}/").content.decode()
    )
    Opening.objects.all().delete()
    pack = member.get(f"/moten/portal/{meeting.pk}/handlingar.pdf")
    assert pack.status_code == 200 and pack.getvalue()[:5] == b"%PDF-"
    assert Opening.objects.filter(meeting=meeting, user=setting["member"]).exists()
    seat = RoleAssignment.objects.get(user=setting["member"], role=Role.ELECTED)
    do_end_role(seat, timezone.localdate() - datetime.timedelta(days=1), actor=None)
    assert member.get(f"/moten/portal/{meeting.pk}/handlingar.pdf").status_code == 404
