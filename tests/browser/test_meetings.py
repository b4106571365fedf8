"""One case through the whole committee cycle in the browser (the Leksand seed: bereda,
politisk hantering, distribuera): an officer pre-registers it with a report written in
the browser; the secretary sends the notice; a member opens the documents in the member
portal; the secretary writes the minutes with attendance, a conflict of interest and a
vote; the chair and an approver approve with their one-time codes; the notice board shows
the announcement with the appeal period's end; the extract is registered in the case;
the decision is dispatched by e-mail; and the measures count it all."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from kansli.meetings.models import Ballot, Conflict, Notice, Opening
from kansli.meetings.testing import make_body, make_meeting, make_member, meeting_over
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.models import CaseStatus
from kansli.registry.testing import make_case
from kansli.workdays.calendar import legal_deadline
from tests.browser.conftest import as_user, axe_violations, status, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Detaljplan för Vargödalen"


def test_a_case_goes_from_report_to_dispatched_decision(  # type: ignore[no-untyped-def]
    live_server, browser, settings, monkeypatch
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SESSION_COOKIE_AGE = 60 * 24 * 3600  # the sign-ins outlast the clock moved on
    url = live_server.url
    ks = make_authority("KS", "Kommunstyrelsen")
    body = make_body(ks)
    names = {"password": "kansli-demo"}
    make_user(
        "sekreterare",
        first_name="Karin",
        last_name="Sandberg",
        roles=[(Role.SECRETARY, ks)],
        **names,
    )
    make_user(
        "handlaggare", first_name="Johan", last_name="Berg", roles=[(Role.OFFICER, ks)], **names
    )
    make_member(
        body,
        ElectedPosition.CHAIR,
        username="ordforande",
        first_name="Göran",
        last_name="Lundgren",
        email="goran@example.se",
        **names,
    )
    make_member(
        body,
        username="ledamot",
        first_name="Fatima",
        last_name="Hedlund",
        email="fatima@example.se",
        **names,
    )
    make_member(body, username="ledamot2", first_name="Per", last_name="Jävig", **names)
    meeting = make_meeting(body, days_ahead=40)  # the item deadline is ahead
    case = make_case(TITLE, authority=ks)

    # The officer pre-registers the case with a report written in the browser.
    context, officer = as_user(browser, url, "handlaggare")
    officer.goto(f"{url}/moten/{meeting.pk}/anmal/")
    assert axe_violations(officer) == []
    officer.get_by_label(sv("Case number")).fill(case.case_number)
    officer.get_by_label(sv("Title on the agenda")).fill(TITLE)
    officer.get_by_label(sv("Proposed decision")).fill("Kommunstyrelsen antar detaljplanen.")
    officer.get_by_label(sv("Background")).fill("Planen har varit på samråd och granskning.")
    officer.get_by_role("button", name=sv("Pre-register"), exact=True).click()
    officer.wait_for_url(f"{url}/moten/{meeting.pk}/")
    assert case.case_number in status(officer)
    assert officer.get_by_text(TITLE).first.is_visible()
    context.close()

    # The secretary sends the notice and the meeting pack.
    context, secretary = as_user(browser, url, "sekreterare")
    secretary.goto(f"{url}/moten/{meeting.pk}/")
    secretary.get_by_role("button", name=sv("Send the notice and documents")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/")
    assert status(secretary) == sv("The notice and the meeting documents are sent to the members.")
    assert {"goran@example.se", "fatima@example.se"} <= {m.to[0] for m in mail.outbox}
    assert axe_violations(secretary) == []

    # A member opens the documents in the member portal, on a phone (390 px wide).
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    member_context, member = as_user(browser, url, "ledamot", **phone)
    member.goto(f"{url}/moten/portal/")
    member.get_by_role("link", name=re.compile("Kommunstyrelsen")).first.click()
    member.wait_for_url(f"{url}/moten/portal/{meeting.pk}/")
    assert member.get_by_role("heading", name=TITLE).is_visible()
    assert Opening.objects.filter(meeting=meeting, user__username="ledamot").exists()
    assert axe_violations(member) == []
    # Nothing wider than the screen: no sideways scrolling to read the agenda, nor the
    # list of meetings.
    wide = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert member.evaluate(wide)
    member.goto(f"{url}/moten/portal/")
    assert member.evaluate(wide)
    member.goto(f"{url}/moten/portal/{meeting.pk}/")

    # The minutes: approver, attendance, a conflict of interest and a vote.
    secretary.get_by_label("Fatima Hedlund").check()
    secretary.get_by_role("button", name=sv("Start the minutes")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    secretary.get_by_role("link", name=sv("Enter the attendance")).click()
    secretary.get_by_role("button", name=sv("Save attendance")).click()  # members prefilled
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    secretary.get_by_role("link", name=re.compile(f"§ 1 {TITLE}")).click()
    secretary.wait_for_url(re.compile(r".*/moten/paragraf/\d+/$"))
    assert axe_violations(secretary) == []  # the § page with its four forms
    conflict = secretary.locator("section").filter(has_text=sv("Record a conflict of interest"))
    conflict.get_by_label(sv("Member")).select_option(label="Per Jävig")
    conflict.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_load_state()
    # The chair moves the proposal, Fatima Hedlund moves avslag, and the vote is 1-1.
    motion = secretary.locator("section[aria-labelledby=form-votes-motion]")
    motion.get_by_label(sv("Moved by")).select_option(label="Göran Lundgren")
    motion.get_by_label(sv("Moves the proposal as it stands (bifall till förslaget)")).check()
    motion.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_load_state()
    motion = secretary.locator("section[aria-labelledby=form-votes-motion]")
    motion.get_by_label(sv("Moved by")).select_option(label="Fatima Hedlund")
    motion.get_by_label(sv("Motion"), exact=True).fill("avslag")
    motion.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_load_state()
    vote = secretary.locator("section[aria-labelledby=form-votes-vote]")
    assert vote.get_by_role("group", name="Per Jävig").count() == 0  # disqualified
    vote.get_by_label(sv("Yes for")).select_option(label="Göran Lundgren: bifall till förslaget")
    vote.get_by_label(sv("No for")).select_option(label="Fatima Hedlund: avslag")
    vote.get_by_role("group", name="Göran Lundgren").get_by_label(sv("yes")).check()
    vote.get_by_role("group", name="Fatima Hedlund").get_by_label(sv("no")).check()
    vote.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_load_state()
    assert Conflict.objects.get().user.username == "ledamot2"
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == ["ja", "nej"]
    assert secretary.get_by_text("och ordförandens utslagsröst, beslutar nämnden enligt").count()
    assert axe_violations(secretary) == []

    # After the meeting (the clock moved on), the chair and the approver, recorded
    # present, approve, each with their one-time code.
    meeting_over(monkeypatch, meeting)
    context_chair, chair = as_user(browser, url, "ordforande")
    chair.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    assert axe_violations(chair) == []
    chair.get_by_role("button", name=sv("Approve the minutes")).click()
    chair.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    assert status(chair) == sv("Your approval is recorded.")
    context_chair.close()
    member.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    member.get_by_role("button", name=sv("Approve the minutes")).click()
    member.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    assert status(member) == sv(
        "The minutes are approved, sealed and announced on the notice board."
    )
    member_context.close()

    # The notice board, for anyone: the appeal period ends three weeks after posting.
    public = browser.new_context(locale="sv-SE").new_page()
    public.goto(f"{url}/anslagstavla/")
    ends = legal_deadline(timezone.localdate(), weeks=3)
    row = public.get_by_role("row", name=re.compile("Kommunstyrelsen"))
    assert ends.isoformat() in row.inner_text()
    assert Notice.objects.get().appeal_ends == ends
    assert axe_violations(public) == []

    # The extract is in the case, the case is decided, and the decision is dispatched.
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    secretary.goto(f"{url}/arenden/{case.pk}/")
    assert secretary.get_by_text("Protokollsutdrag KS").first.is_visible()
    secretary.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    secretary.get_by_role("link", name=re.compile(f"§ 1 {TITLE}")).click()
    secretary.get_by_role("link", name=sv("Dispatch the decision")).click()
    mail.outbox.clear()
    assert axe_violations(secretary) == []
    secretary.get_by_label(sv("Recipients")).fill("Exploatören AB; info@exploator.se; epost")
    secretary.get_by_role("button", name=sv("Dispatch"), exact=True).click()
    secretary.wait_for_load_state()
    assert mail.outbox[0].to == ["info@exploator.se"] and mail.outbox[0].attachments

    # The measures: one item, pre-registered in time, complete at dispatch, opened and
    # dispatched within the goals.
    secretary.goto(f"{url}/moten/organ/{body.pk}/matt/")

    def figure(label: str) -> str:
        # The figures, not the definitions above them, by the term's whole text.
        exact = re.compile(f"^{re.escape(label)}$")
        term = secretary.locator("dl.facts dt").filter(has_text=exact)
        return str(term.locator("xpath=following-sibling::dd").inner_text().strip())

    assert figure(sv("Matters for decision")) == "1"
    assert figure(sv("After the item deadline")).startswith("0 (0,0 %)")
    assert figure(sv("Incomplete at dispatch")).startswith("0 (0,0 %)")
    assert figure(sv("Minutes on the web within %(goal)s working days") % {"goal": 2}) == "1 / 1"
    assert figure(sv("Decisions dispatched within %(goal)s working days") % {"goal": 5}) == "1 / 1"
    opened = secretary.get_by_role("row", name=re.compile("^13–14"))
    assert opened.get_by_role("cell").first.inner_text() == "0"
    assert axe_violations(secretary) == []
    for path in (
        f"/moten/organ/{body.pk}/ledamoter/",
        f"/moten/{meeting.pk}/brevlista/",
        "/moten/delegation/",
        "/moten/",
    ):
        secretary.goto(f"{url}{path}")
        assert axe_violations(secretary) == [], path
    context.close()
