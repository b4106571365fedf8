"""Motions and votes of a § in the API (KL 5 kap. 53–57 §§): read them as the minutes
state them, add and withdraw motions, record a decision by acclamation or an open vote,
reservations and their written reason. A § is read by the body's staff who may read its
item (404 for anyone else, as for a missing one); the actions check who may change it
(403) and refuse bad input (422, the Swedish reason in the JSON)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.access.protected import NOTHING, hide_for
from kansli.inputs import Id, LongText
from kansli.meetings import actions
from kansli.meetings.actions.votes import FOR_PROPOSAL
from kansli.meetings.models import Ballot, Dissent, Motion, Paragraph, Vote
from kansli.meetings.vote_record import VOTE_RECORD, record_of
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import User

router = Router(tags=["motions and votes"])


class MotionIn(Schema):
    mover_id: Id
    text: LongText = ""
    for_proposal: bool = Field(False, description="Bifall till förslaget: the text is not asked.")


class MotionOut(Schema):
    id: int
    mover: str
    text: str
    position: int
    withdrawn: bool
    adopted: bool


class ChosenIn(Schema):
    motion_id: Id


class BallotIn(Schema):
    user_id: Id
    choice: Ballot.Choice


class VoteIn(Schema):
    yes_motion_id: Id
    no_motion_id: Id
    ballots: list[BallotIn] = Field(max_length=500)


class VoteOut(Schema):
    id: int
    position: int
    yes_motion_id: int
    no_motion_id: int
    winner_id: int | None
    casting_vote: bool


class DissentIn(Schema):
    user_id: Id
    motion_id: Id | None = None
    reason: LongText = ""


class ReasonIn(Schema):
    dissent_id: Id
    text: LongText


class DissentOut(Schema):
    id: int
    user: str
    motion_id: int | None
    reason: str


class SectionOut(Schema):
    heading: str
    sentences: list[str]
    voting_list: list[tuple[str, str]]


class RecordOut(Schema):
    motions: list[MotionOut]
    votes: list[VoteOut]
    minutes_text: list[SectionOut] = Field(description="As the minutes state it, in Swedish.")


def _paragraph(request: ApiRequest, paragraph_id: int) -> Paragraph:
    found = (
        Paragraph.objects.visible_to(request.auth)
        .filter(pk=paragraph_id)
        .select_related("minutes__meeting__body", "item__case")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _motion(paragraph: Paragraph, motion_id: int) -> Motion:
    found = paragraph.motions.filter(pk=motion_id).select_related("mover").first()
    if found is None:
        raise ValidationError(f"Yrkande {motion_id} finns inte i paragrafen.")
    return found


def _person(paragraph: Paragraph, user_id: int) -> User:
    """Someone in the minutes' attendance; no one else is looked up."""
    found = User.objects.filter(
        pk=user_id, pk__in=paragraph.minutes.attendance.values("user")
    ).first()
    if found is None:
        raise ValidationError(f"Ingen med id {user_id} finns i närvaron.")
    return found


def _hide(request: ApiRequest, paragraph: Paragraph) -> Callable[[str], str]:
    """What of a protected identity (OSL 21 kap. 3 §) the caller may not read in the
    § texts: the case's party, unless the caller is its officer or a registrar."""
    case = paragraph.item.case
    return NOTHING if case is None else hide_for(request.auth, case)


def _motion_out(motion: Motion, hide: Callable[[str], str]) -> MotionOut:
    return MotionOut(
        id=motion.pk,
        mover=motion.mover.get_full_name() or motion.mover.username,
        text=hide(motion.text),
        position=motion.position,
        withdrawn=motion.withdrawn,
        adopted=motion.adopted,
    )


def _vote_out(vote: Vote) -> VoteOut:
    return VoteOut(
        id=vote.pk,
        position=vote.position,
        yes_motion_id=vote.yes_motion_id,
        no_motion_id=vote.no_motion_id,
        winner_id=vote.winner_id,
        casting_vote=vote.casting_vote,
    )


@router.get(
    "/paragraphs/{paragraph_id}/motions",
    response={200: RecordOut, **ERRORS},
    summary="Motions and votes of a §",
)
def paragraph_record(request: ApiRequest, paragraph_id: Id) -> RecordOut:
    paragraph = _paragraph(request, paragraph_id)
    hide = _hide(request, paragraph)
    loaded = Paragraph.objects.prefetch_related(*VOTE_RECORD, "ballots__user").get(pk=paragraph.pk)
    return RecordOut(
        motions=[_motion_out(m, hide) for m in loaded.motions.all()],
        votes=[_vote_out(v) for v in loaded.votes.all()],
        minutes_text=[SectionOut(**vars(s)) for s in record_of(loaded, hide)],
    )


@router.post(
    "/paragraphs/{paragraph_id}/motions",
    response={201: MotionOut, **ERRORS},
    summary="Add a motion",
)
def motion_add(request: ApiRequest, paragraph_id: Id, payload: MotionIn) -> Status[MotionOut]:
    paragraph = _paragraph(request, paragraph_id)
    mover = _person(paragraph, payload.mover_id)
    text = FOR_PROPOSAL if payload.for_proposal else payload.text
    made = actions.do_add_motion(paragraph, mover, text, actor=request.auth)
    return Status(201, _motion_out(made, _hide(request, paragraph)))


@router.post(
    "/paragraphs/{paragraph_id}/withdrawals",
    response={200: MotionOut, **ERRORS},
    summary="Withdraw a motion",
)
def motion_withdraw(request: ApiRequest, paragraph_id: Id, payload: ChosenIn) -> MotionOut:
    paragraph = _paragraph(request, paragraph_id)
    motion = _motion(paragraph, payload.motion_id)
    return _motion_out(
        actions.do_withdraw_motion(motion, actor=request.auth), _hide(request, paragraph)
    )


@router.post(
    "/paragraphs/{paragraph_id}/acclamation",
    response={200: MotionOut, **ERRORS},
    summary="Decided without a vote",
)
def acclamation(request: ApiRequest, paragraph_id: Id, payload: ChosenIn) -> MotionOut:
    """The chair put the motions and found this one adopted; no vote was requested."""
    paragraph = _paragraph(request, paragraph_id)
    motion = _motion(paragraph, payload.motion_id)
    made = actions.do_decide_by_acclamation(paragraph, motion, actor=request.auth)
    return _motion_out(made, _hide(request, paragraph))


@router.post(
    "/paragraphs/{paragraph_id}/votes",
    response={201: VoteOut, **ERRORS},
    summary="Record a vote",
)
def vote_record(request: ApiRequest, paragraph_id: Id, payload: VoteIn) -> Status[VoteOut]:
    """Ja for one motion, nej for another; a ballot for every member deciding at the §."""
    paragraph = _paragraph(request, paragraph_id)
    yes = _motion(paragraph, payload.yes_motion_id)
    no = _motion(paragraph, payload.no_motion_id)
    ballots = {_person(paragraph, b.user_id): str(b.choice) for b in payload.ballots}
    if len(ballots) != len(payload.ballots):
        raise ValidationError("Samma ledamot finns flera gånger i röstlistan.")
    made = actions.do_record_vote(paragraph, yes, no, ballots, actor=request.auth)
    return Status(201, _vote_out(made))


@router.post(
    "/paragraphs/{paragraph_id}/dissents",
    response={201: DissentOut, **ERRORS},
    summary="Record a dissent",
)
def dissent_record(request: ApiRequest, paragraph_id: Id, payload: DissentIn) -> Status[DissentOut]:
    paragraph = _paragraph(request, paragraph_id)
    user = _person(paragraph, payload.user_id)
    motion = None if payload.motion_id is None else _motion(paragraph, payload.motion_id)
    made = actions.do_record_dissent(
        paragraph, user, motion, reason=payload.reason, actor=request.auth
    )
    return Status(201, _dissent_out(made, _hide(request, paragraph)))


def _dissent_out(dissent: Dissent, hide: Callable[[str], str]) -> DissentOut:
    return DissentOut(
        id=dissent.pk,
        user=dissent.user.get_full_name() or dissent.user.username,
        motion_id=dissent.motion_id,
        reason=hide(dissent.reason),
    )


@router.post(
    "/paragraphs/{paragraph_id}/dissent-reasons",
    response={200: DissentOut, **ERRORS},
    summary="Hand in the written reason for a dissent",
)
def dissent_reason(request: ApiRequest, paragraph_id: Id, payload: ReasonIn) -> DissentOut:
    """Accepted until the minutes are approved (KL 4 kap. 27 §)."""
    paragraph = _paragraph(request, paragraph_id)
    found = paragraph.dissents.select_related("user", "paragraph__minutes")
    dissent = found.filter(pk=payload.dissent_id).first()
    if dissent is None:
        raise ValidationError(f"Reservation {payload.dissent_id} finns inte i paragrafen.")
    made = actions.do_give_dissent_reason(dissent, payload.text, actor=request.auth)
    return _dissent_out(made, _hide(request, paragraph))
