"""Pre-registering many items without detours: the title may be left to the case's
title (with a protected party's name hidden, since the agenda is published), and
"Pre-register and add another" comes back to an empty form."""

import pytest

from kansli.meetings import actions
from kansli.meetings.models import AgendaItem
from kansli.meetings.testing import make_body, make_meeting, make_secretary
from kansli.org.models import Role
from kansli.org.testing import make_user
from kansli.registry import actions as registry
from kansli.registry.testing import make_case
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


def test_an_empty_title_takes_the_case_title_without_a_protected_name() -> None:
    body = make_body()
    officer = make_user(roles=[(Role.OFFICER, body.authority)])
    meeting = make_meeting(body)
    plain = make_case("Bygglov för carport", authority=body.authority)
    protected = make_case("Ansökan från Lisa Lund om bistånd", authority=body.authority)
    registry.do_add_party(protected, "Lisa Lund", protected_identity=True, actor=None)
    url = f"/moten/{meeting.pk}/anmal/"
    form = {"section": "beslut", "proposal": "Beviljas."}
    answer = signed_in(officer).post(
        url, {**form, "case_number": plain.case_number, "another": "1"}
    )
    assert answer.status_code == 302 and answer["Location"] == url  # back to an empty form
    answer = signed_in(officer).post(url, {**form, "case_number": protected.case_number})
    assert answer["Location"] == f"/moten/{meeting.pk}/"
    titles = dict(AgendaItem.objects.values_list("case_id", "title"))
    assert titles[plain.pk] == "Bygglov för carport"
    assert titles[protected.pk] == "Ansökan från Skyddad identitet om bistånd"


def test_a_refused_item_leaves_no_report_behind() -> None:
    body = make_body()
    officer = make_user(roles=[(Role.OFFICER, body.authority)])
    meeting = make_meeting(body)
    first = make_case("Detaljplan", authority=body.authority)
    actions.do_preregister_item(meeting, first, title="Detaljplan", proposal="Antas.", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    actions.do_open_minutes(meeting, approvers=[], actor=make_secretary(body))
    late = make_case("Budget", authority=body.authority)
    answer = signed_in(officer).post(
        f"/moten/{meeting.pk}/anmal/",
        {
            "case_number": late.case_number,
            "section": "beslut",
            "proposal": "Antas.",
            "background": "Förvaltningen har räknat.",
        },
    )
    assert answer.status_code == 200
    assert "Sammanträdet har redan hållits." in answer.content.decode()
    assert not late.documents.exists()  # the written report was not registered
