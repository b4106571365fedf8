"""Motions and votes at a § (KL 5 kap. 53–57 §§; a nämnd follows the same rules, KL 6
kap. 33 §): the members' motions (yrkanden), the chair's proposition decided by
acclamation or by an open vote (omröstning) with a ballot for every member who decides
at the §, the chair's casting vote on a tie, and reservations in favour of a motion with
their written reason (KL 4 kap. 27 §)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from kansli.audit.chain import record
from kansli.meetings.actions.approval import chairs_of, require_open
from kansli.meetings.actions.attendance import serving
from kansli.meetings.actions.immediate import require_paragraph_open
from kansli.meetings.models import Ballot, Dissent, Minutes, Motion, Paragraph, Vote
from kansli.meetings.permissions import require_secretary
from kansli.org.models import User

FOR_PROPOSAL = "bifall till förslaget"  # the usual motion: the officer's proposal as it is
MAX_TEXT = 4000


def name_of(user: Any) -> str:
    return user.get_full_name() or user.username


def _require_open(paragraph: Paragraph, actor: Any) -> None:
    """The body's secretary changes minutes that are not approved, nor this § approved
    immediately (KL 5 kap. 70 §)."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    require_open(paragraph.minutes)
    require_paragraph_open(paragraph)


def deciders(paragraph: Paragraph) -> set[int]:
    """Who decides at the §: the members and serving substitutes present at it, less the
    disqualified (jäv, KL 6 kap. 28 §)."""
    conflicted = set(paragraph.conflicts.values_list("user_id", flat=True))
    return set(serving(paragraph.minutes, paragraph.number)) - conflicted


def _require_decider(paragraph: Paragraph, user: Any, doing: str) -> None:
    if paragraph.conflicts.filter(user=user).exists():
        raise ValidationError(
            f"{name_of(user)} är jävig i § {paragraph.number} och får inte {doing}."
        )
    if user.pk not in serving(paragraph.minutes, paragraph.number):
        raise ValidationError(f"{name_of(user)} tjänstgör inte vid § {paragraph.number}.")


def _text(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": f"Skriv {what}."})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"Texten får vara högst {MAX_TEXT} tecken."})
    return text


def _motion_of(paragraph: Paragraph, motion: Motion) -> Motion:
    if motion.paragraph_id != paragraph.pk:
        raise ValidationError("Yrkandet hör inte till paragrafen.")
    if motion.withdrawn:
        raise ValidationError(f"{name_of(motion.mover)}s yrkande är återkallat.")
    return motion


@transaction.atomic
def do_add_motion(paragraph: Paragraph, mover: Any, text: str, *, actor: Any) -> Motion:
    """A member's motion at the §, in the order made (KL 5 kap. 53 §): only one who
    decides at the § may move."""
    _require_open(paragraph, actor)
    _require_decider(paragraph, mover, "yrka")
    text = _text(text, "yrkandet")
    last = paragraph.motions.aggregate(last=Max("position"))["last"] or 0
    motion = Motion.objects.create(paragraph=paragraph, mover=mover, text=text, position=last + 1)
    record(
        actor=actor,
        action="meetings.add_motion",
        obj=paragraph,
        label=str(paragraph),
        after={"motion": motion.pk, "mover": mover.pk, "text": text},
    )
    return motion


@transaction.atomic
def do_withdraw_motion(motion: Motion, *, actor: Any) -> Motion:
    """The mover takes the motion back before it is put to the body."""
    paragraph = motion.paragraph
    _require_open(paragraph, actor)
    voted = paragraph.votes.filter(yes_motion=motion) | paragraph.votes.filter(no_motion=motion)
    if motion.adopted or voted.exists():
        raise ValidationError("Yrkandet har redan prövats och kan inte återkallas.")
    motion.withdrawn = True
    motion.save(update_fields=["withdrawn"])
    record(
        actor=actor,
        action="meetings.withdraw_motion",
        obj=paragraph,
        label=str(paragraph),
        after={"motion": motion.pk},
    )
    return motion


def _adopt(paragraph: Paragraph, motion: Motion) -> None:
    """The adopted motion becomes the decision; the secretary may still edit its text.
    "Bifall till förslaget" adopts the proposal as it was put forward."""
    paragraph.motions.exclude(pk=motion.pk).update(adopted=False)
    Motion.objects.filter(pk=motion.pk).update(adopted=True)
    motion.adopted = True
    if motion.text.lower().rstrip(".") == FOR_PROPOSAL:
        paragraph.decision = paragraph.item.proposal
    else:
        paragraph.decision = motion.text[:1].upper() + motion.text[1:]
    paragraph.save(update_fields=["decision"])


@transaction.atomic
def do_decide_by_acclamation(paragraph: Paragraph, motion: Motion, *, actor: Any) -> Motion:
    """The chair puts the motions to the body and finds `motion` adopted, and no one asks
    for a vote (KL 5 kap. 54 §)."""
    _require_open(paragraph, actor)
    _motion_of(paragraph, motion)
    if paragraph.votes.exists():
        raise ValidationError("Paragrafen avgjordes genom omröstning.")
    _adopt(paragraph, motion)
    record(
        actor=actor,
        action="meetings.decide_by_acclamation",
        obj=paragraph,
        label=str(paragraph),
        after={"motion": motion.pk, "decision": paragraph.decision},
    )
    return motion


def presiding_at(paragraph: Paragraph) -> int | None:
    """Who presided at the §: as recorded, else the body's chair (or, in the chair's
    absence, the vice chair) serving at it."""
    if paragraph.presiding_id is not None:
        return paragraph.presiding_id
    present = deciders(paragraph)
    return next((user for _position, user in chairs_of(paragraph.minutes) if user in present), None)


def _winner(paragraph: Paragraph, vote: Vote, ballots: dict[Any, str]) -> tuple[Motion, bool]:
    """The motion with more votes; on a tie the side of the presiding chair, whose
    casting vote decides (utslagsröst, KL 5 kap. 57 §)."""
    yes = list(ballots.values()).count(Ballot.Choice.YES)
    no = list(ballots.values()).count(Ballot.Choice.NO)
    if yes != no:
        return (vote.yes_motion if yes > no else vote.no_motion), False
    chair = presiding_at(paragraph)
    chosen = {user.pk: choice for user, choice in ballots.items()}.get(chair)
    if chosen not in (Ballot.Choice.YES, Ballot.Choice.NO):
        raise ValidationError(
            "Lika röstetal: ordföranden har utslagsröst och måste rösta ja eller nej."
            if chair
            else "Lika röstetal, och ingen ordförande tjänstgör vid paragrafen."
        )
    return (vote.yes_motion if chosen == Ballot.Choice.YES else vote.no_motion), True


@transaction.atomic
def do_record_vote(
    paragraph: Paragraph,
    yes_motion: Motion,
    no_motion: Motion,
    ballots: dict[Any, str],
    *,
    actor: Any,
) -> Vote:
    """An open vote (KL 5 kap. 55 §) between two motions: ja for `yes_motion`, nej for
    `no_motion`. Every member deciding at the § has a ballot: ja, nej, avstår or recorded
    absent. Votes follow in order: a counter-proposition vote (kontrapropositionsvotering)
    first, the main vote (huvudvotering) last; the last vote's winner is the decision."""
    _require_open(paragraph, actor)
    _motion_of(paragraph, yes_motion)
    _motion_of(paragraph, no_motion)
    if yes_motion.pk == no_motion.pk:
        raise ValidationError("Ja och nej ska gälla två olika yrkanden.")
    # A motion voted down is out (KL 5 kap. 54 §); the same two may be voted on again.
    pair = [yes_motion.pk, no_motion.pk]
    earlier = paragraph.votes.exclude(yes_motion__in=pair, no_motion__in=pair)
    for motion in (yes_motion, no_motion):
        voted = earlier.filter(Q(yes_motion=motion) | Q(no_motion=motion))
        if voted.exclude(winner=motion).exists():
            raise ValidationError(
                f"{name_of(motion.mover)}s yrkande föll i en tidigare omröstning."
            )
    entitled = deciders(paragraph)
    for user, choice in ballots.items():
        _require_decider(paragraph, user, "rösta")
        if choice not in Ballot.Choice.values:
            raise ValidationError(f"Välj ja, nej, avstår eller frånvarande för {name_of(user)}.")
    missing = entitled - {user.pk for user in ballots}
    if missing:
        names = sorted(name_of(user) for user in User.objects.filter(pk__in=missing))
        raise ValidationError(f"Röst saknas för {', '.join(names)}.")
    last = paragraph.votes.aggregate(last=Max("position"))["last"] or 0
    vote = Vote(paragraph=paragraph, position=last + 1, yes_motion=yes_motion, no_motion=no_motion)
    vote.winner, vote.casting_vote = _winner(paragraph, vote, ballots)
    vote.save()
    Ballot.objects.bulk_create(
        Ballot(paragraph=paragraph, vote=vote, user=user, choice=choice)
        for user, choice in ballots.items()
    )
    _adopt(paragraph, vote.winner)
    record(
        actor=actor,
        action="meetings.record_vote",
        obj=paragraph,
        label=str(paragraph),
        after={
            "vote": vote.pk,
            "yes": yes_motion.pk,
            "no": no_motion.pk,
            "ballots": {str(u.pk): c for u, c in ballots.items()},
            "winner": vote.winner.pk,
            "casting_vote": vote.casting_vote,
        },
    )
    return vote


def _supported(paragraph: Paragraph, user: Any, motion: Motion) -> bool:
    """Moved the motion, or voted for it in a vote at the §."""
    ballots = Ballot.objects.filter(vote__paragraph=paragraph, user=user)
    return (
        motion.mover_id == user.pk
        or ballots.filter(choice=Ballot.Choice.YES, vote__yes_motion=motion).exists()
        or ballots.filter(choice=Ballot.Choice.NO, vote__no_motion=motion).exists()
    )


@transaction.atomic
def do_record_dissent(
    paragraph: Paragraph,
    user: Any,
    motion: Motion | None = None,
    *,
    reason: str = "",
    actor: Any,
) -> Dissent:
    """Reservation: a member who took part in the decision dissents from it, in favour
    of a motion the member supported (moved, or voted for when there was a vote)."""
    _require_open(paragraph, actor)
    _require_decider(paragraph, user, "reservera sig")
    if motion is not None:
        _motion_of(paragraph, motion)
        if motion.adopted:
            raise ValidationError("Reservationen kan inte gälla det yrkande som bifölls.")
        if paragraph.votes.exists() and not _supported(paragraph, user, motion):
            raise ValidationError(
                f"{name_of(user)} röstade inte för {name_of(motion.mover)}s yrkande."
            )
    if paragraph.dissents.filter(user=user).exists():
        raise ValidationError(f"{name_of(user)} har redan reserverat sig.")
    reason = reason.strip()
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": f"Texten får vara högst {MAX_TEXT} tecken."})
    if reason and reason_overdue(paragraph.minutes):
        raise ValidationError(
            {"reason": f"{reason_limit_of(paragraph.minutes)}: den tiden har gått ut."}
        )
    dissent = Dissent.objects.create(
        paragraph=paragraph,
        user=user,
        motion=motion,
        reason=reason,
        reason_given_at=timezone.now() if reason else None,
    )
    record(
        actor=actor,
        action="meetings.record_dissent",
        obj=paragraph,
        label=str(paragraph),
        after={"user": user.pk, "motion": motion.pk if motion else None, "reason": reason},
    )
    return dissent


def reason_limit(dissent: Dissent) -> str:
    """The last moment for the written reason: the approval of the minutes."""
    return reason_limit_of(dissent.paragraph.minutes)


def reason_limit_of(minutes: Minutes) -> str:
    due = minutes.approval_due
    return "Skriftlig motivering senast vid justeringen" + (f" {due:%Y-%m-%d}" if due else "")


def reason_overdue(minutes: Minutes) -> bool:
    """KL 4 kap. 27 §: the written reason is handed in before the time set for the
    approval of the minutes, not whenever the approval happens to take place."""
    due = minutes.approval_due
    return due is not None and timezone.localdate() > due


@transaction.atomic
def do_give_dissent_reason(dissent: Dissent, text: str, *, actor: Any) -> Dissent:
    """The written reason for a reservation, handed in before the minutes are approved
    (KL 4 kap. 27 §); refused once they are."""
    paragraph = dissent.paragraph
    require_secretary(actor, paragraph.minutes.meeting.body)
    try:
        _require_open(paragraph, actor)
    except ValidationError as error:
        raise ValidationError(f"{reason_limit(dissent)}: {' '.join(error.messages)}") from error
    if reason_overdue(paragraph.minutes):
        raise ValidationError(f"{reason_limit(dissent)}: den tiden har gått ut.")
    dissent.reason = _text(text, "motiveringen")
    dissent.reason_given_at = timezone.now()
    dissent.save(update_fields=["reason", "reason_given_at"])
    record(
        actor=actor,
        action="meetings.give_dissent_reason",
        obj=paragraph,
        label=str(paragraph),
        after={"dissent": dissent.pk, "reason": dissent.reason},
    )
    return dissent
