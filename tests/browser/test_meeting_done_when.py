"""Issue 13's "Done when", in the browser: one board meeting held through the pages as
the secretary, the members and the public meet it, from the agenda to the decision that
has gained legal force, and what the law forbids refused with a clear Swedish
message and nothing saved."""

import datetime
import decimal
import io
import re
from typing import Any

import pypdf
import pytest
from django.core import mail
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.actions.presence import Row
from kansli.meetings.appeal import long_date
from kansli.meetings.models import (
    Approval,
    ApprovalComment,
    Attendance,
    Ballot,
    DelegatedDecision,
    Notice,
    Paragraph,
    Vote,
)
from kansli.meetings.testing import make_body, make_meeting, make_member
from kansli.org.models import ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry.testing import make_case
from kansli.workdays.calendar import is_day_off, legal_deadline
from tests.browser.conftest import as_user, axe_violations, status, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COURT = "Förvaltningsrätten i Falun"
PASSWORD = {"password": "kansli-demo"}


def refusal(page: Any) -> str:
    return str(page.get_by_role("alert").inner_text())


def pdf_text(page: Any, address: str) -> str:
    answer = page.request.get(address)
    assert answer.ok, address
    reader = pypdf.PdfReader(io.BytesIO(answer.body()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def cell(page: Any, field: str, row: int) -> Any:
    """A field of the attendance form's row."""
    label = sv("%(field)s, row %(row)d", field=sv(field), row=row)
    return page.get_by_label(label, exact=True)


def person(page: Any, row: int) -> str:
    """Who the attendance form's row names ("" for none)."""
    chosen = cell(page, "Person", row).evaluate("s => s.value && s.selectedOptions[0].text")
    return str(chosen or "")


def working_day_ahead(days: int) -> int:
    """At least `days` ahead, to a working day: a board meets on one, and a § approved
    during the meeting is posted that day (on a day off, the next working day)."""
    while is_day_off(timezone.localdate() + datetime.timedelta(days=days)):
        days += 1
    return days


def clock_at(monkeypatch: Any, moment: datetime.datetime) -> None:
    """Kansli's clock (the live server runs in this process) put at `moment`."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def board(settings: Any) -> dict[str, Any]:
    """Kommunstyrelsen with its court and its office, a secretary, an officer, the
    chair, four members and a substitute."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SESSION_COOKIE_AGE = 90 * 24 * 3600  # the sign-ins outlast the clock moved on
    ks = make_authority("KS", "Kommunstyrelsen")
    body = make_body(ks)
    actions.do_set_graphic_profile(
        ks.municipality,
        colour="#1f4e79",
        font_family="DejaVu Sans",
        court=COURT,
        minutes_kept_at="Kommunkansliet, Stadshuset, Storgatan 1",
        actor=make_sysadmin(),
    )
    make_user(
        "sekreterare", first_name="Karin", last_name="Sandberg",
        roles=[(Role.SECRETARY, ks)], **PASSWORD,
    )  # fmt: skip
    make_user(
        "handlaggare", first_name="Johan", last_name="Berg",
        roles=[(Role.OFFICER, ks)], **PASSWORD,
    )  # fmt: skip
    people = {
        role: make_member(
            body,
            position,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.se",
            **PASSWORD,
        )
        for role, position, username, first, last in [
            ("chair", ElectedPosition.CHAIR, "ordforande", "Göran", "Lundgren"),
            ("approver", ElectedPosition.MEMBER, "ledamot", "Fatima", "Hedlund"),
            ("disqualified", ElectedPosition.MEMBER, "per", "Per", "Jävig"),
            ("leaving", ElectedPosition.MEMBER, "lena", "Lena", "Lind"),
            ("substitute", ElectedPosition.SUBSTITUTE, "olle", "Olle", "Ek"),
        ]
    }
    return {"authority": ks, "body": body, **people}


def test_a_board_meeting_from_the_agenda_to_legal_force(  # type: ignore[no-untyped-def]
    live_server, browser, settings, monkeypatch
) -> None:
    url = live_server.url
    cast = board(settings)
    body, ks = cast["body"], cast["authority"]
    meeting = make_meeting(body, days_ahead=working_day_ahead(40))  # the item deadline is ahead
    plan = make_case("Detaljplan för Vargödalen", authority=ks)
    budget = make_case("Budget 2027", authority=ks)
    investments = make_case("Investeringsbudget 2027", authority=ks)

    # The officer pre-registers three cases, each with a report written in the browser.
    _, officer = as_user(browser, url, "handlaggare")
    for case, proposal in [
        (plan, "Kommunstyrelsen antar detaljplanen."),
        (budget, "Kommunstyrelsen fastställer budgeten för 2027."),
        (investments, "Kommunstyrelsen fastställer investeringsbudgeten för 2027."),
    ]:
        officer.goto(f"{url}/moten/{meeting.pk}/anmal/")
        officer.get_by_label(sv("Case number")).fill(case.case_number)
        officer.get_by_label(sv("Proposed decision")).fill(proposal)
        officer.get_by_label(sv("Background")).fill("Ärendet är berett av kansliet.")
        officer.get_by_role("button", name=sv("Pre-register"), exact=True).click()
        officer.wait_for_url(f"{url}/moten/{meeting.pk}/")
    officer.context.close()

    # The secretary adds the procedural items, puts the investment budget under the
    # budget as its sub-item (5 a) with its rapporteur, and sends the notice.
    _, secretary = as_user(browser, url, "sekreterare")
    secretary.goto(f"{url}/moten/{meeting.pk}/")
    secretary.get_by_role("button", name=sv("Add the standard procedural items")).click()
    secretary.wait_for_load_state()
    assert status(secretary) == sv("%(count)d standard procedural items added.", count=3)
    secretary.get_by_text(sv("Sub-items, references and rapporteurs")).click()
    sub = secretary.locator("#agenda-tools form").filter(
        has=secretary.locator("legend", has_text=re.compile("Investeringsbudget 2027$"))
    )
    sub.get_by_label(sv("Sub-item of")).select_option(label="Budget 2027")
    sub.get_by_label(sv("Rapporteur")).fill("Johan Berg, ekonomichef")
    sub.get_by_role("button", name=sv("Save the item")).click()
    secretary.wait_for_load_state()
    agenda = secretary.locator("ul.agenda").all_inner_texts()
    assert any(re.search(r"5 a\s+KS \d{4}/\d+ Investeringsbudget 2027", t) for t in agenda)
    assert "Mötets öppnande" in agenda[0] and "Val av justerare" in agenda[0]
    secretary.get_by_role("button", name=sv("Send the notice and documents")).click()
    secretary.wait_for_load_state()
    assert {"ordforande@example.se", "ledamot@example.se"} <= {m.to[0] for m in mail.outbox}
    assert axe_violations(secretary) == []

    # The secretary starts the minutes with Fatima Hedlund as approver: every item,
    # the sub-item too, is a § of its own, numbered from § 1 of the body's year.
    secretary.get_by_label("Fatima Hedlund").check()
    secretary.get_by_role("button", name=sv("Start the minutes")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    number = {p.item.title: p.number for p in Paragraph.objects.filter(minutes__meeting=meeting)}
    assert number == {
        "Mötets öppnande": 1,
        "Val av justerare": 2,
        "Godkännande av dagordningen": 3,
        "Detaljplan för Vargödalen": 4,
        "Budget 2027": 5,
        "Investeringsbudget 2027": 6,
    }
    plan_p = Paragraph.objects.get(item__case=plan)
    budget_p = Paragraph.objects.get(item__case=budget)

    # The meeting begins. Attendance in one form: the chair, Fatima Hedlund and Per
    # Jävig throughout, Lena Lind until § 4 (she leaves at § 5), Olle Ek serving for
    # her from § 5, a guest who is no user, and the secretary as official.
    start = meeting.starts_at
    clock_at(monkeypatch, start + datetime.timedelta(minutes=30))
    secretary.get_by_role("link", name=sv("Enter the attendance")).click()
    named = [person(secretary, row) for row in range(1, 9)]
    members = {"Göran Lundgren", "Fatima Hedlund", "Per Jävig", "Lena Lind", "Olle Ek"}
    assert set(named[:5]) == members and named[5:] == ["", "", ""]  # prefilled, 3 empty
    rows = {name: row for row, name in enumerate(named, start=1)}
    cell(secretary, "To §", rows["Lena Lind"]).fill("4")
    cell(secretary, "Capacity", rows["Olle Ek"]).select_option(label=sv("substitute serving"))
    cell(secretary, "Serving for", rows["Olle Ek"]).select_option(label="Lena Lind")
    cell(secretary, "From §", rows["Olle Ek"]).fill("5")
    guest, official = 6, 7  # the empty rows for those not in the list
    cell(secretary, "Name, if not in the list", guest).fill("Anna Konsult")
    cell(secretary, "Title or organisation", guest).fill("Planarkitekt, Sweco")
    cell(secretary, "Capacity", guest).select_option(label=sv("other present"))
    cell(secretary, "Person", official).select_option(label="Karin Sandberg")
    cell(secretary, "Capacity", official).select_option(label=sv("official"))
    secretary.get_by_role("button", name=sv("Save attendance")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    assert status(secretary) == sv("Attendance is saved.")

    # § 4: Per Jävig is disqualified (jäv); the board approves the § at once, and the
    # chair and the approver sign it with their one-time codes during the meeting.
    secretary.goto(f"{url}/moten/paragraf/{plan_p.pk}/")
    conflict = secretary.locator("section[aria-labelledby=form-conflict]")
    conflict.get_by_label(sv("Member")).select_option(label="Per Jävig")
    conflict.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_url(f"{url}/moten/paragraf/{plan_p.pk}/")
    secretary.get_by_role("button", name=sv("Approve this § immediately")).click()
    secretary.wait_for_url(f"{url}/moten/paragraf/{plan_p.pk}/")
    assert status(secretary) == sv("§ %(number)d is put up for immediate approval.", number=4)
    _, chair = as_user(browser, url, "ordforande")
    _, approver = as_user(browser, url, "ledamot")
    for signer, said in [
        (chair, sv("Your approval is recorded.")),
        (approver, sv("§ %(number)d is approved and announced on the notice board.", number=4)),
    ]:
        signer.goto(f"{url}/moten/{meeting.pk}/protokoll/")
        signer.get_by_role("button", name=sv("Approve § %(number)s now", number=4)).click()
        signer.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
        assert status(signer) == said
    plan_p.refresh_from_db()
    assert plan_p.notice.posted_on == start.date()

    # § 5: the chair moves the proposal, Per Jävig moves to reject it; the vote is
    # 2–2 and the chair's casting vote decides; Per Jävig enters a reservation.
    secretary.goto(f"{url}/moten/paragraf/{budget_p.pk}/")

    def votes_form(name: str) -> Any:
        return secretary.locator(f"section[aria-labelledby=form-votes-{name}]")

    def save(form: Any) -> None:
        form.get_by_role("button", name=sv("Save")).click()
        secretary.wait_for_url(f"{url}/moten/paragraf/{budget_p.pk}/")
        assert status(secretary) == sv("§ %(number)d is saved.", number=5)

    motion = votes_form("motion")
    motion.get_by_label(sv("Moved by")).select_option(label="Göran Lundgren")
    motion.get_by_label(sv("Moves the proposal as it stands (bifall till förslaget)")).check()
    save(motion)
    motion.get_by_label(sv("Moved by")).select_option(label="Per Jävig")
    motion.get_by_label(sv("Motion"), exact=True).fill("avslag på förslaget")
    save(motion)
    vote = votes_form("vote")
    vote.get_by_label(sv("Yes for")).select_option(label="Göran Lundgren: bifall till förslaget")
    vote.get_by_label(sv("No for")).select_option(label="Per Jävig: avslag på förslaget")
    for name, choice in [
        ("Göran Lundgren", "yes"),
        ("Fatima Hedlund", "yes"),
        ("Per Jävig", "no"),
        ("Olle Ek", "no"),
    ]:
        vote.get_by_role("group", name=name).get_by_label(sv(choice), exact=True).check()
    assert vote.get_by_role("group", name="Lena Lind").count() == 0  # she has left
    save(vote)
    dissent = votes_form("dissent")
    dissent.get_by_label(sv("Member")).select_option(label="Per Jävig")
    dissent.get_by_label(sv("In favour of")).select_option(label="Per Jävig: avslag på förslaget")
    dissent.get_by_label(sv("Written reason")).fill("Budgeten är underfinansierad.")
    save(dissent)
    shown = secretary.locator("main").inner_text()
    assert "2 ja-röster mot 2 nej-röster, och ordförandens utslagsröst" in shown
    assert axe_violations(secretary) == []

    # The meeting ends at 16.00; the secretary records it.
    secretary.goto(f"{url}/moten/{meeting.pk}/")
    secretary.get_by_role("link", name=sv("The meeting's end")).click()
    secretary.get_by_label(sv("End date")).fill(start.date().isoformat())
    secretary.get_by_label(sv("End time")).fill("16:00")
    secretary.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/")
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.ends_at).strftime("%H:%M") == "16:00"

    # The next morning the secretary releases the draft; the approver follows the link
    # in the e-mail, comments on § 5 and reads the secretary's answer.
    day_after = timezone.localtime(start).replace(hour=9) + datetime.timedelta(days=1)
    clock_at(monkeypatch, day_after)
    mail.outbox.clear()
    secretary.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    secretary.get_by_role("button", name=sv("Release the draft for approval")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert set(sent) == {"ordforande@example.se", "ledamot@example.se"}
    link = re.search(r"https?://[^/\s]+(/\S+/protokoll/utkast/)", sent["ledamot@example.se"])
    assert link is not None
    approver.goto(f"{url}{link.group(1)}")  # the site's address in the e-mail, here the test's
    comment = "Skriv ut att ordföranden fällde avgörandet."
    approver.get_by_label(sv("Your comment on § %(number)s", number=5)).fill(comment)
    approver.get_by_role("button", name=sv("Comment on § %(number)s", number=5)).click()
    approver.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/utkast/")
    assert status(approver) == sv("Your comment is sent to the secretary.")
    secretary.reload()
    assert comment in secretary.locator("main").inner_text()
    secretary.get_by_label(sv("Your answer")).fill("Det står i omröstningsresultatet.")
    secretary.get_by_role("button", name=sv("Answer"), exact=True).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    approver.reload()
    assert "Det står i omröstningsresultatet." in approver.locator("main").inner_text()
    assert ApprovalComment.objects.get().paragraph == budget_p

    # The chair approves on the minutes page, the approver on the draft page.
    chair.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    chair.get_by_role("button", name=sv("Approve the minutes")).click()
    chair.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    assert status(chair) == sv("Your approval is recorded.")
    approver.get_by_role("button", name=sv("Approve the minutes")).click()
    approver.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    assert status(approver) == sv(
        "The minutes are approved, sealed and announced on the notice board."
    )
    notice = Notice.objects.get(minutes__meeting=meeting)
    assert notice.posted_on == day_after.date()
    assert notice.appeal_ends == legal_deadline(day_after.date(), weeks=3)

    # The sealed minutes say who presided and who took part where, who was
    # disqualified, how the vote went and the reservation, in the customary Swedish form.
    minutes_text = pdf_text(secretary, f"{url}/moten/{meeting.pk}/protokoll.pdf")
    for said in [
        "Göran Lundgren Ordförande",
        "Lena Lind Ledamot (§ 1–4)",
        "Olle Ek Tjänstgörande ersättare för Lena Lind (§ 5–6)",
        "Anna Konsult Planarkitekt, Sweco",
        "Karin Sandberg Sekreterare",
        "Per Jävig anmäler jäv och deltar inte i handläggningen.",
        "Per Jävig yrkar avslag på förslaget.",
        "Nämnden godkänner följande propositionsordning: Ja-röst för Göran Lundgrens "
        "yrkande, nej-röst för Per Jävigs yrkande.",
        "Med 2 ja-röster mot 2 nej-röster, och ordförandens utslagsröst, beslutar nämnden "
        "enligt Göran Lundgrens yrkande.",
        "Per Jävig reserverar sig mot beslutet till förmån för eget yrkande. Skriftlig "
        "motivering: Budgeten är underfinansierad.",
        "Paragrafen förklarades omedelbart justerad (5 kap. 70 § kommunallagen).",
        "§ 6 (punkt 5 a) Investeringsbudget 2027",
        "Föredragande: Johan Berg, ekonomichef",
        "Protokollet förvaras Kommunkansliet, Stadshuset, Storgatan 1",
        "Ordförande Göran Lundgren Justerat",
    ]:
        assert said in minutes_text, said

    # The notice board, for anyone: the minutes and the immediately approved § each with
    # its own last day of appeal.
    public = browser.new_context(locale="sv-SE").new_page()
    public.goto(f"{url}/anslagstavla/")
    rows = public.get_by_role("row", name=re.compile("Kommunstyrelsen")).all_inner_texts()
    assert any(notice.appeal_ends.isoformat() in row for row in rows)
    assert any(plan_p.notice.appeal_ends.isoformat() in row for row in rows)
    assert axe_violations(public) == []

    # The extracts, as registered in their cases: laglighetsprövning at the configured
    # court, the last day from the minutes' notice, or from the § notice for § 4.
    def extract_text(paragraph: Paragraph) -> str:
        paragraph.refresh_from_db()
        document = paragraph.extract
        assert document is not None
        secretary.goto(f"{url}/arenden/{document.case_id}/")
        files = secretary.locator(f"a[href*='/handlingar/{document.number}/filer/']")
        return pdf_text(secretary, f"{url}{files.first.get_attribute('href')}")

    budget_extract = extract_text(budget_p)
    assert "Hur man överklagar" in budget_extract and "laglighetsprövning" in budget_extract
    assert f"Skriv till {COURT}" in budget_extract
    assert "tillkännagavs på kommunens anslagstavla att protokollet justerats" in budget_extract
    assert f"senast den {long_date(notice.appeal_ends)}" in budget_extract
    plan_extract = extract_text(plan_p)
    assert "att paragrafen justerats omedelbart" in plan_extract
    assert f"senast den {long_date(plan_p.notice.appeal_ends)}" in plan_extract

    # The decision of § 5 is sent to the developer by letter; three days later the
    # secretary records the day it was delivered.
    secretary.goto(f"{url}/moten/paragraf/{budget_p.pk}/")
    secretary.get_by_role("link", name=sv("Dispatch the decision")).click()
    secretary.get_by_label(sv("Recipients")).fill("Exploatören AB; Storgatan 5, 791 71 Falun; brev")
    secretary.get_by_role("button", name=sv("Dispatch"), exact=True).click()
    secretary.wait_for_url(f"{url}/moten/paragraf/{budget_p.pk}/")
    assert status(secretary) == sv("The decision is dispatched to %(count)d recipients.", count=1)
    clock_at(monkeypatch, day_after + datetime.timedelta(days=3))
    delivered = day_after.date() + datetime.timedelta(days=2)
    secretary.reload()
    delivery = secretary.locator("section[aria-labelledby=form-delivery]")
    delivery.get_by_label(sv("Letter")).select_option(index=1)
    delivery.get_by_label(sv("Delivered")).fill(delivered.isoformat())
    delivery.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_url(f"{url}/moten/paragraf/{budget_p.pk}/")
    letter = budget_p.expeditions.get()
    assert letter.recipient == "Exploatören AB" and letter.notified_on == delivered
    assert (
        sv("notified %(day)s", day=delivered.isoformat()) in secretary.locator("main").inner_text()
    )

    # Three weeks later, past the appeal period, with no appeal: the § pages say the
    # decisions have gained legal force, each on the day after its own appeal period.
    clock_at(monkeypatch, day_after + datetime.timedelta(days=30))
    for paragraph, ends in [(budget_p, notice.appeal_ends), (plan_p, plan_p.notice.appeal_ends)]:
        secretary.goto(f"{url}/moten/paragraf/{paragraph.pk}/")
        force = ends + datetime.timedelta(days=1)
        said = sv("The decision gained legal force on %(day)s.", day=force.isoformat())
        assert secretary.get_by_text(said).is_visible()
    assert axe_violations(secretary) == []
    secretary.goto(f"{url}/arenden/{budget.pk}/")  # and the case's timeline
    forced = long_date(notice.appeal_ends + datetime.timedelta(days=1))
    assert (
        f"Beslutet i § 5 vinner laga kraft den {forced}" in secretary.locator("main").inner_text()
    )
    for page in (secretary, chair, approver, public):
        page.context.close()


def test_what_the_law_forbids_is_refused_and_nothing_saved(  # type: ignore[no-untyped-def]
    live_server, browser, settings, monkeypatch
) -> None:
    url = live_server.url
    cast = board(settings)
    body, ks = cast["body"], cast["authority"]
    secretary_user = User.objects.get(username="sekreterare")
    meeting = make_meeting(body, days_ahead=working_day_ahead(40))
    budget = make_case("Budget 2027", authority=ks)
    actions.do_preregister_item(
        meeting, budget, title="Budget 2027", proposal="Budgeten fastställs.", actor=None
    )
    actions.do_dispatch_meeting(meeting, actor=None)
    # Per Jävig is chosen as approver but is away; Olle Ek serves in his place.
    minutes = actions.do_open_minutes(
        meeting, approvers=[cast["approver"], cast["disqualified"]], actor=secretary_user
    )
    actions.do_set_attendance(
        minutes,
        [
            Row(Attendance.Capacity.MEMBER, cast["chair"]),
            Row(Attendance.Capacity.MEMBER, cast["approver"]),
            Row(Attendance.Capacity.MEMBER, cast["leaving"]),
            Row(Attendance.Capacity.ABSENT, cast["disqualified"]),
            Row(Attendance.Capacity.SUBSTITUTE, cast["substitute"], replaces=cast["disqualified"]),
        ],
        actor=secretary_user,
    )
    paragraph = minutes.paragraphs.get()
    for mover, text in [(cast["chair"], "bifall till förslaget"), (cast["approver"], "avslag")]:
        actions.do_add_motion(paragraph, mover, text, actor=secretary_user)
    start = meeting.starts_at
    clock_at(monkeypatch, start + datetime.timedelta(hours=1))
    events = AuditEvent.objects.count

    # Approving before the meeting has ended (KL 5 kap. 69 §).
    _, chair = as_user(browser, url, "ordforande")
    chair.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    before = events()
    chair.get_by_role("button", name=sv("Approve the minutes")).click()
    chair.wait_for_load_state()
    assert chair.get_by_role("heading", name=sv("Nothing was saved")).is_visible()
    assert "Sammanträdet är inte avslutat" in refusal(chair)
    assert not Approval.objects.exists() and events() == before

    # Approving as a member who was absent (KL 5 kap. 69 §), after the meeting ended.
    _, secretary = as_user(browser, url, "sekreterare")
    secretary.goto(f"{url}/moten/{meeting.pk}/sluttid/")
    secretary.get_by_label(sv("End time")).fill("16:00")
    secretary.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/")
    clock_at(monkeypatch, start + datetime.timedelta(days=1))
    _, absent = as_user(browser, url, "per")
    absent.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    before = events()
    absent.get_by_role("button", name=sv("Approve the minutes")).click()
    absent.wait_for_load_state()
    assert "Per Jävig var inte närvarande och kan inte justera." in refusal(absent)
    assert not Approval.objects.exists() and events() == before

    # A delegated decision outside its point: an amount over the point's limit.
    point = actions.do_add_delegation_point(
        ks, "3.1", "Bidrag till föreningar", "Kultur- och fritidschef",
        delegates=[User.objects.get(username="handlaggare")],
        max_amount=decimal.Decimal(50000), actor=make_sysadmin("admin2"),
    )  # fmt: skip
    grant = make_case("Bidrag till Falu IK", authority=ks)
    _, officer = as_user(browser, url, "handlaggare")
    officer.goto(f"{url}/moten/delegation/?punkt={point.pk}")
    officer.get_by_label(sv("Decided by")).select_option(label="1. Johan Berg")
    officer.get_by_label(sv("Amount (kr)")).fill("75000")
    officer.get_by_label(sv("Case number")).fill(grant.case_number)
    officer.get_by_label(sv("Decision in short")).fill("Bidrag beviljas med 75 000 kr.")
    before = events()
    officer.get_by_role("button", name=sv("Register"), exact=True).click()
    officer.wait_for_load_state()
    said = "75\u00a0000 kr är mer än punkt 3.1 tillåter (50\u00a0000 kr)."
    assert said in refusal(officer)
    assert not DelegatedDecision.objects.exists() and not grant.documents.exists()
    assert events() == before
    # Voting while disqualified (KL 6 kap. 28 §): the vote form was open when Lena Lind
    # declared a conflict of interest in another tab; her vote is refused by name.
    secretary.goto(f"{url}/moten/paragraf/{paragraph.pk}/")
    other_tab = secretary.context.new_page()
    other_tab.goto(f"{url}/moten/paragraf/{paragraph.pk}/")
    conflict = other_tab.locator("section[aria-labelledby=form-conflict]")
    conflict.get_by_label(sv("Member")).select_option(label="Lena Lind")
    conflict.get_by_role("button", name=sv("Save")).click()
    other_tab.wait_for_load_state()
    other_tab.close()
    vote = secretary.locator("section[aria-labelledby=form-votes-vote]")
    vote.get_by_label(sv("Yes for")).select_option(label="Göran Lundgren: bifall till förslaget")
    vote.get_by_label(sv("No for")).select_option(label="Fatima Hedlund: avslag")
    for name, choice in [
        ("Göran Lundgren", "yes"),
        ("Fatima Hedlund", "no"),
        ("Lena Lind", "no"),
        ("Olle Ek", "yes"),
    ]:
        vote.get_by_role("group", name=name).get_by_label(sv(choice), exact=True).check()
    before = events()
    vote.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_load_state()
    assert "Lena Lind är jävig i § 1 och får inte rösta" in refusal(secretary)
    assert not Vote.objects.exists() and not Ballot.objects.exists() and events() == before

    for page in (chair, secretary, absent, officer):
        page.context.close()
