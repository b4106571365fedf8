"""Motions and votes (KL 5 kap. 53–57 §§, 6 kap. 33 §): a motion against the proposal,
a vote 4–4 with one abstaining decided by the chair's casting vote, the ballots every
deciding member must have, a reservation in favour of one's own motion and its written
reason until the approval (KL 4 kap. 27 §), and the minutes in the customary form."""

import io
import re
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, pdf
from kansli.meetings.models import Ballot, Dissent, Minutes, Motion, Paragraph, Vote
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition
from kansli.registry.testing import make_case

pytestmark = pytest.mark.django_db

PROPOSAL = "Kommunstyrelsen antar detaljplanen för Vargödalen."
MEMBERS = ["Cecilia Ros", "David Berg", "Eva Lind", "Fredrik Ås", "Gun Holm", "Hans Ek", "Ida Sten"]


@pytest.fixture
def held() -> dict[str, Any]:
    """A meeting with the chair Anna Ek, Bo Ny and seven more members present; Jan Jävig
    disqualified; Kim Borta not recorded present."""
    body = make_body()
    people: dict[str, Any] = {
        "anna": make_member(body, ElectedPosition.CHAIR, first_name="Anna", last_name="Ek"),
        "bo": make_member(body, first_name="Bo", last_name="Ny"),
    }
    for name in MEMBERS:
        first, last = name.split()
        people[first.lower()] = make_member(body, first_name=first, last_name=last)
    people["jan"] = make_member(body, first_name="Jan", last_name="Jävig")
    people["kim"] = make_member(body, first_name="Kim", last_name="Borta")
    meeting = make_meeting(body)
    case = make_case("Detaljplan för Vargödalen", authority=body.authority)
    actions.do_preregister_item(
        meeting, case, title="Detaljplan för Vargödalen", proposal=PROPOSAL, actor=None
    )
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[people["bo"]], actor=None)
    deciding = [p for key, p in people.items() if key != "kim"]
    record_present(minutes, *deciding)
    paragraph = minutes.paragraphs.get()
    actions.do_record_conflict(paragraph, people["jan"], actor=None)
    return {
        **people,
        "meeting": meeting,
        "minutes": minutes,
        "paragraph": paragraph,
        "secretary": make_secretary(body),
    }


def motions(held: dict[str, Any]) -> tuple[Motion, Motion]:
    paragraph, secretary = held["paragraph"], held["secretary"]
    proposal = actions.do_add_motion(
        paragraph, held["anna"], "bifall till förslaget", actor=secretary
    )
    against = actions.do_add_motion(paragraph, held["bo"], "avslag", actor=secretary)
    return proposal, against


def tie(held: dict[str, Any]) -> dict[Any, str]:
    """4 ja (Anna, Cecilia, David, Eva), 4 nej (Bo, Fredrik, Gun, Hans), Ida avstår."""
    names = ["anna", "cecilia", "david", "eva", "bo", "fredrik", "gun", "hans", "ida"]
    choices = ["ja"] * 4 + ["nej"] * 4 + ["avstar"]
    return {held[name]: choice for name, choice in zip(names, choices, strict=True)}


def test_a_motion_is_made_by_a_member_deciding_at_the_paragraph(held: dict[str, Any]) -> None:
    paragraph, secretary = held["paragraph"], held["secretary"]
    proposal, against = motions(held)
    assert [m.position for m in (proposal, against)] == [1, 2]
    refusals = {
        "jävig": lambda: actions.do_add_motion(paragraph, held["jan"], "avslag", actor=secretary),
        "tjänstgör inte": lambda: actions.do_add_motion(
            paragraph, held["kim"], "avslag", actor=secretary
        ),
        "Skriv yrkandet": lambda: actions.do_add_motion(
            paragraph, held["gun"], "   ", actor=secretary
        ),
        "högst 4000": lambda: actions.do_add_motion(
            paragraph, held["gun"], "x" * 4001, actor=secretary
        ),
    }
    for message, refused in refusals.items():
        with pytest.raises(ValidationError, match=message):
            refused()
    assert Motion.objects.count() == 2
    # Decided by acclamation: the chair finds the motion against the proposal adopted.
    actions.do_decide_by_acclamation(paragraph, against, actor=secretary)
    paragraph.refresh_from_db()
    assert paragraph.decision == "Avslag"
    assert list(Motion.objects.filter(adopted=True)) == [against]
    actions.do_decide_by_acclamation(paragraph, proposal, actor=secretary)
    paragraph.refresh_from_db()
    assert paragraph.decision == PROPOSAL  # bifall till förslaget: the proposal itself


def test_a_tie_is_decided_by_the_chairs_casting_vote(held: dict[str, Any]) -> None:
    paragraph = held["paragraph"]
    proposal, against = motions(held)
    vote = actions.do_record_vote(paragraph, proposal, against, tie(held), actor=held["secretary"])
    assert (vote.winner, vote.casting_vote) == (proposal, True)
    assert Ballot.objects.filter(vote=vote).count() == 9
    paragraph.refresh_from_db()
    assert paragraph.decision == PROPOSAL
    assert Motion.objects.get(adopted=True) == proposal
    # Had the chair voted nej with the other side (5–3), Bo Ny's motion would win outright.
    ballots = {**tie(held), held["anna"]: "nej"}
    again = actions.do_record_vote(paragraph, proposal, against, ballots, actor=held["secretary"])
    assert (again.position, again.winner, again.casting_vote) == (2, against, False)
    paragraph.refresh_from_db()
    assert paragraph.decision == "Avslag"


def test_a_tie_needs_the_chairs_vote(held: dict[str, Any]) -> None:
    proposal, against = motions(held)
    ballots = {**tie(held), held["anna"]: "avstar", held["eva"]: "avstar"}  # 2–4? no: 2 ja
    ballots[held["fredrik"]] = "avstar"
    ballots[held["gun"]] = "avstar"  # 2 ja (Cecilia, David) against 2 nej (Bo, Hans)
    with pytest.raises(ValidationError, match="utslagsröst"):
        actions.do_record_vote(
            held["paragraph"], proposal, against, ballots, actor=held["secretary"]
        )
    assert not Vote.objects.exists() and not Ballot.objects.exists()


def test_a_missing_ballot_is_refused_by_name(held: dict[str, Any]) -> None:
    proposal, against = motions(held)
    ballots = tie(held)
    del ballots[held["gun"]], ballots[held["hans"]]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Röst saknas för Gun Holm, Hans Ek"):
        actions.do_record_vote(
            held["paragraph"], proposal, against, ballots, actor=held["secretary"]
        )
    assert not Vote.objects.exists() and not Ballot.objects.exists()
    assert AuditEvent.objects.count() == events
    # Recorded absent at the vote counts as a ballot.
    ballots.update({held["gun"]: "franvarande", held["hans"]: "franvarande"})
    vote = actions.do_record_vote(
        held["paragraph"], proposal, against, ballots, actor=held["secretary"]
    )
    assert vote.winner == proposal and not vote.casting_vote  # 4 ja against 2 nej


def test_voting_while_disqualified_is_refused_and_saves_nothing(held: dict[str, Any]) -> None:
    proposal, against = motions(held)
    paragraph = Paragraph.objects.get(pk=held["paragraph"].pk)
    events = AuditEvent.objects.count()
    for intruder in ("jan", "kim"):
        ballots = {**tie(held), held[intruder]: "nej"}
        with pytest.raises(ValidationError, match=r"jävig|tjänstgör inte"):
            actions.do_record_vote(paragraph, proposal, against, ballots, actor=held["secretary"])
    with pytest.raises(ValidationError, match="Välj ja, nej"):
        actions.do_record_vote(
            paragraph, proposal, against, {**tie(held), held["ida"]: "kanske"}, actor=None
        )
    with pytest.raises(ValidationError, match="två olika"):
        actions.do_record_vote(paragraph, proposal, proposal, tie(held), actor=None)
    assert not Vote.objects.exists() and not Ballot.objects.exists()
    assert AuditEvent.objects.count() == events
    assert Paragraph.objects.get(pk=paragraph.pk).decision == paragraph.decision


def test_a_reservation_for_own_motion_and_its_reason_until_approval(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraph, secretary = held["paragraph"], held["secretary"]
    proposal, against = motions(held)
    actions.do_record_vote(paragraph, proposal, against, tie(held), actor=secretary)
    with pytest.raises(ValidationError, match="röstade inte för Bo Nys yrkande"):
        actions.do_record_dissent(paragraph, held["david"], against, actor=secretary)
    with pytest.raises(ValidationError, match="bifölls"):
        actions.do_record_dissent(paragraph, held["anna"], proposal, actor=secretary)
    dissent = actions.do_record_dissent(paragraph, held["bo"], against, actor=secretary)
    # Gun voted nej, for Bo Ny's motion, so she may dissent in its favour too.
    actions.do_record_dissent(paragraph, held["gun"], against, actor=secretary)
    actions.do_give_dissent_reason(dissent, "Planen tar jordbruksmark.", actor=secretary)
    assert Dissent.objects.get(pk=dissent.pk).reason_given_at is not None
    minutes = held["minutes"]
    minutes.approval_due = held["meeting"].day
    minutes.save()
    meeting_over(monkeypatch, held["meeting"])
    actions.do_approve_minutes(minutes, verified=True, actor=held["anna"])
    actions.do_approve_minutes(minutes, verified=True, actor=held["bo"])
    late = f"Skriftlig motivering senast vid justeringen {held['meeting'].day:%Y-%m-%d}"
    with pytest.raises(ValidationError, match=late):
        actions.do_give_dissent_reason(dissent, "Ändrad motivering.", actor=secretary)
    assert Dissent.objects.get(pk=dissent.pk).reason == "Planen tar jordbruksmark."


def minutes_text(minutes: Minutes, *, secret_part: bool = False) -> str:
    with translation.override("en"):  # the PDF is Swedish whatever the screen's language
        data = pdf.minutes_pdf(Minutes.objects.get(pk=minutes.pk), secret_part=secret_part)
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def squeezed(text: str) -> str:
    """The text without page footers and spaces, which pypdf puts where lines break."""
    return "".join(re.sub(r"Sida \d+ av \d+", "", text).split())


def test_the_minutes_state_it_in_the_customary_form(held: dict[str, Any]) -> None:
    paragraph, secretary = held["paragraph"], held["secretary"]
    proposal, against = motions(held)
    actions.do_record_vote(paragraph, proposal, against, tie(held), actor=secretary)
    actions.do_record_dissent(paragraph, held["bo"], against, actor=secretary)
    text = minutes_text(held["minutes"])
    assert squeezed(
        "Yrkanden Anna Ek yrkar bifall till förslaget. Bo Ny yrkar avslag. "
        "Propositionsordning Ordföranden ställer proposition på yrkandena och finner att "
        "nämnden bifaller Anna Eks yrkande. Votering begärs. "
        "Omröstningsresultat Nämnden godkänner följande propositionsordning: Ja-röst för "
        "Anna Eks yrkande, nej-röst för Bo Nys yrkande. Med 4 ja-röster mot 4 nej-röster "
        "och 1 som avstår, och ordförandens utslagsröst, beslutar nämnden enligt Anna Eks "
        "yrkande."
    ) in squeezed(text)
    assert "Ledamot Röst Anna Ek Ja Cecilia Ros Ja" in text and "Ida Sten Avstår" in text
    assert "Reservation Bo Ny reserverar sig mot beslutet till förmån för eget yrkande." in text
    assert "Jan Jävig Ja" not in text and "Jan Jävig Nej" not in text
