"""How the minutes state the motions, the proposition, the votes and the reservations of a
§, in the customary Swedish form (Yrkanden, Propositionsordning, Omröstningsresultat,
Reservation), with a voting list per vote. Swedish whatever the screen's language: it is
the text of the minutes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kansli.meetings.actions.votes import name_of
from kansli.meetings.models import Ballot, Motion, Paragraph, Vote

CHOICES = {
    Ballot.Choice.YES: "Ja",
    Ballot.Choice.NO: "Nej",
    Ballot.Choice.ABSTAIN: "Avstår",
    Ballot.Choice.ABSENT: "Frånvarande",
}

# What record_of reads, for a prefetch over many §.
VOTE_RECORD = [
    "motions__mover",
    "votes__ballots__user",
    "votes__yes_motion__mover",
    "votes__no_motion__mover",
    "votes__winner__mover",
    "dissents__motion__mover",
]


@dataclass
class Section:
    heading: str
    sentences: list[str]
    voting_list: list[tuple[str, str]] = field(default_factory=list)


def genitive(name: str) -> str:
    """Anna Ek → Anna Eks; Lars Nils → Lars Nils."""
    return name if name[-1:].lower() in "sxz" else f"{name}s"


def _whose(motion: Motion) -> str:
    return f"{genitive(name_of(motion.mover))} yrkande"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} och {parts[-1]}"


def _result(vote: Vote, ballots: list[Ballot], main: bool) -> str:
    choices = [b.choice for b in ballots]
    parts = [
        _count(choices.count(Ballot.Choice.YES), "ja-röst", "ja-röster")
        + " mot "
        + _count(choices.count(Ballot.Choice.NO), "nej-röst", "nej-röster")
    ]
    if abstained := choices.count(Ballot.Choice.ABSTAIN):
        parts.append(f"{abstained} som avstår")
    if absent := choices.count(Ballot.Choice.ABSENT):
        parts.append(f"{absent} frånvarande")
    counted = _and(parts)
    assert vote.winner is not None
    outcome = (
        f"beslutar nämnden enligt {_whose(vote.winner)}"
        if main
        else f"utser nämnden {_whose(vote.winner)} till motförslag i huvudvoteringen"
    )
    if vote.casting_vote:
        return f"Med {counted}, och ordförandens utslagsröst, {outcome}."
    return f"Med {counted} {outcome}."


def record_of(paragraph: Paragraph, hide: Callable[[str], str]) -> list[Section]:
    """The § as the minutes state it; `hide` masks protected names in the motions."""
    motions = [m for m in paragraph.motions.all() if not m.withdrawn]
    votes = list(paragraph.votes.all())
    sections = []
    if motions:
        moved = [f"{name_of(m.mover)} yrkar {hide(m.text).rstrip('.')}." for m in motions]
        sections.append(Section("Yrkanden", moved))
    adopted = next((m for m in motions if m.adopted), None)
    if adopted is not None:
        finding = (
            "Ordföranden ställer proposition på yrkandena och finner att nämnden bifaller "
            f"{_whose(votes[-1].yes_motion if votes else adopted)}."
        )
        sections.append(
            Section("Propositionsordning", [finding + (" Votering begärs." if votes else "")])
        )
    for vote in votes:
        main = vote is votes[-1]
        ballots = list(vote.ballots.all())
        order = (
            "Nämnden godkänner följande propositionsordning"
            + ("" if main else " för att utse motförslag i huvudvoteringen")
            + f": Ja-röst för {_whose(vote.yes_motion)}, nej-röst för {_whose(vote.no_motion)}."
        )
        heading = "Omröstningsresultat" if main else "Kontrapropositionsvotering"
        sections.append(
            Section(
                heading,
                [order, _result(vote, ballots, main)],
                [(name_of(b.user), CHOICES[Ballot.Choice(b.choice)]) for b in ballots],
            )
        )
    # A vote recorded before motions were kept: its ballots as they were.
    if earlier := [b for b in paragraph.ballots.all() if b.vote_id is None]:
        choices = [(name_of(b.user), CHOICES[Ballot.Choice(b.choice)]) for b in earlier]
        sections.append(Section("Omröstning", [], choices))
    dissents = []
    for dissent in paragraph.dissents.all():
        said = f"{name_of(dissent.user)} reserverar sig mot beslutet"
        if dissent.motion is None:
            said += "."
        elif dissent.motion.mover_id == dissent.user_id:
            said += " till förmån för eget yrkande."
        else:
            said += f" till förmån för {_whose(dissent.motion)}."
        if dissent.reason:
            said += f" Skriftlig motivering: {hide(dissent.reason)}"
        dissents.append(said)
    if dissents:
        sections.append(Section("Reservation", dissents))
    return sections
