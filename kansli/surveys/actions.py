"""Every change to the surveys: creating and changing a survey, opening a round and
inviting its audience, answering, reminding, and the follow-up actions. Each checks
permission and writes its audit event in one transaction, except an anonymous answer:
no event may tie it to a person, so only the round's counts record it."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from kansli.audit.chain import record
from kansli.org.models import Authority, Role, User
from kansli.surveys.models import (
    SCALE,
    Answer,
    FollowUp,
    Invitation,
    Response,
    Round,
    Statement,
    Survey,
)
from kansli.surveys.rules import may_manage

log = logging.getLogger(__name__)

SURVEY_FIELDS = [
    "title", "to_officers", "to_members", "anonymous", "with_comment",
    "results_to_respondents", "recurrence", "window_days", "active",
]  # fmt: skip


def _require_manager(actor: Any, survey: Survey | None = None, authority: Any = None) -> None:
    if actor is not None and not may_manage(actor, survey, authority):
        raise PermissionDenied("Endast systemadministratörer och chefer får ändra enkäter.")


def _clean_texts(texts: Iterable[str]) -> list[str]:
    cleaned = [" ".join(text.split()) for text in texts]
    cleaned = [text for text in cleaned if text]
    if not cleaned:
        raise ValidationError("En enkät behöver minst ett påstående.")
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError("Samma påstående står två gånger.")
    return cleaned


def _check(values: Mapping[str, Any]) -> None:
    if not values.get("to_officers") and not values.get("to_members"):
        raise ValidationError("Välj handläggare, förtroendevalda eller båda.")
    if not 1 <= int(values.get("window_days") or 0) <= 90:
        raise ValidationError("En omgång är öppen mellan 1 och 90 dagar.")


def _snapshot(survey: Survey) -> dict[str, Any]:
    values = {name: getattr(survey, name) for name in SURVEY_FIELDS}
    values["statements"] = [s.text for s in survey.current_statements()]
    return values


@transaction.atomic
def do_create_survey(
    authority: Authority, title: str, *, statements: Sequence[str], actor: Any, **options: Any
) -> Survey:
    """A new survey; its first round opens with the next `kansli remind` or by hand."""
    _require_manager(actor, authority=authority)
    values = {"title": title.strip(), **options}
    if not values["title"]:
        raise ValidationError("Ange en rubrik.")
    survey = Survey(authority=authority, **values)
    _check({name: getattr(survey, name) for name in SURVEY_FIELDS})
    texts = _clean_texts(statements)
    survey.save()
    Statement.objects.bulk_create(
        Statement(survey=survey, text=text, position=i) for i, text in enumerate(texts, 1)
    )
    record(actor=actor, action="surveys.create", obj=survey, after=_snapshot(survey))
    return survey


@transaction.atomic
def do_change_survey(
    survey: Survey, *, statements: Sequence[str], actor: Any, **options: Any
) -> Survey:
    """Change the settings and the statements. A statement is never edited in place: a
    changed or removed one is retired and a new one added, so the answers already given
    keep the words they answered; rounds already open ask what they asked."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_manager(actor, survey)
    before = _snapshot(survey)
    for name, value in options.items():
        if name not in SURVEY_FIELDS:
            raise TypeError(name)
        setattr(survey, name, value)
    answered = Response.objects.filter(round__survey=survey).exists()
    if answered and survey.anonymous != before["anonymous"]:
        # Those who answered were told whether their answers were anonymous: a named
        # survey made anonymous would keep the names it holds, an anonymous one made
        # named would mix the two in the trend. A new survey is the honest change.
        raise ValidationError(
            "Enkäten har svar: om den är anonym kan inte ändras. Skapa en ny enkät i stället."
        )
    survey.title = survey.title.strip()
    if not survey.title:
        raise ValidationError("Ange en rubrik.")
    _check({name: getattr(survey, name) for name in SURVEY_FIELDS})
    texts = _clean_texts(statements)
    survey.save()
    current = {s.text: s for s in survey.current_statements()}
    for text, statement in current.items():
        if text not in texts:
            statement.retired = True
            statement.save(update_fields=["retired"])
    for position, text in enumerate(texts, 1):
        statement = current.get(text) or Statement(survey=survey, text=text)
        statement.position = position
        statement.save()
    record(actor=actor, action="surveys.change", obj=survey, before=before,
           after=_snapshot(survey))  # fmt: skip
    return survey


def period_of(survey: Survey, day: datetime.date) -> tuple[str, datetime.date]:
    """The period a day falls in: its label and first day."""
    if survey.recurrence == Survey.Recurrence.YEARLY:
        return str(day.year), datetime.date(day.year, 1, 1)
    quarter = (day.month - 1) // 3 + 1
    return f"{day.year} K{quarter}", datetime.date(day.year, 3 * quarter - 2, 1)


def audience(survey: Survey, day: datetime.date) -> list[User]:
    """The active people who hold the officer and/or elected member role for the
    survey's authority that day."""
    roles = [Role.OFFICER] * survey.to_officers + [Role.ELECTED] * survey.to_members
    return list(
        User.objects.filter(
            is_active=True,
            roles__in=survey.authority.role_assignments.valid_on(day).filter(role__in=roles),
        ).distinct()
    )


@transaction.atomic
def do_open_round(survey: Survey, *, today: datetime.date | None = None, actor: Any) -> Round:
    """Open the round of the current period and invite the audience by e-mail (the
    link only). A period has one round."""
    survey = Survey.objects.select_related("authority").get(pk=survey.pk)
    _require_manager(actor, survey)
    today = today or timezone.localdate()
    label, start = period_of(survey, today)
    if Round.objects.filter(survey=survey, period_start=start).exists():
        raise ValidationError(f"Omgången {label} är redan öppnad.")
    round_ = Round.objects.create(
        survey=survey, period=label, period_start=start, opens_on=today,
        closes_on=today + datetime.timedelta(days=survey.window_days - 1),
    )  # fmt: skip
    round_.statements.set(survey.current_statements())
    people = audience(survey, today)
    Invitation.objects.bulk_create(Invitation(round=round_, user=user) for user in people)
    record(actor=actor, action="surveys.open_round", obj=round_, label=str(round_),
           after={"invited": len(people), "closes_on": round_.closes_on})  # fmt: skip
    transaction.on_commit(lambda: _mail(round_, [u.pk for u in people], reminder=False))
    return round_


def _mail(round_: Round, user_ids: Sequence[int], *, reminder: bool) -> None:
    """The invitation or reminder: the survey's name, the last day and the link, never
    an answer. A failure to send is logged."""
    for user in User.objects.filter(pk__in=user_ids).exclude(email=""):
        body = render_to_string(
            "surveys/mail/invitation.txt",
            {"round": round_, "user": user, "reminder": reminder, "site": settings.SITE_URL},
        )
        subject = ("Påminnelse: " if reminder else "Enkät: ") + round_.survey.title
        try:
            send_mail(subject, body, None, [user.email])
        except OSError:
            log.exception("could not e-mail survey round %s to user %s", round_.pk, user.pk)


def open_rounds_for(user: Any, today: datetime.date | None = None) -> list[Round]:
    """The rounds open today that the user is asked to and has not answered."""
    if user is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    return list(
        Round.objects.filter(
            invitations__user=user, invitations__answered=False,
            opens_on__lte=today, closes_on__gte=today,
        ).select_related("survey")
    )  # fmt: skip


@transaction.atomic
def do_answer(
    round_: Round,
    values: Mapping[int, int | None],
    *,
    comment: str = "",
    actor: Any,
    today: datetime.date | None = None,
) -> None:
    """Answer every statement of the round 1–5 or None ("vet ej"), once. When the
    survey is anonymous the answers keep no link to the person: the invitation is
    marked answered, the response has a random key, no time and no user, and no audit
    event names the actor (only the round's count of answers records it)."""
    today = today or timezone.localdate()
    invitation = (
        Invitation.objects.select_for_update().filter(round=round_, user=actor).first()
        if actor is not None
        else None
    )
    if invitation is None:
        raise PermissionDenied("Du är inte tillfrågad i den här enkäten.")
    if invitation.answered:
        raise ValidationError("Du har redan svarat i den här omgången.")
    if not round_.opens_on <= today <= round_.closes_on:
        raise ValidationError("Omgången är inte öppen för svar.")
    statements = list(round_.statements.all())
    if set(values) != {s.pk for s in statements}:
        raise ValidationError("Svara på varje påstående (eller välj vet ej).")
    if any(value is not None and value not in SCALE for value in values.values()):
        raise ValidationError("Svara med en siffra från 1 till 5 eller vet ej.")
    survey = round_.survey
    comment = comment.strip() if survey.with_comment else ""
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    response = Response.objects.create(
        round=round_, user=None if survey.anonymous else actor, comment=comment[:4000]
    )
    Answer.objects.bulk_create(
        Answer(response=response, statement=s, value=values[s.pk]) for s in statements
    )
    if not survey.anonymous:
        record(actor=actor, action="surveys.answer", obj=round_, label=str(round_),
               after={"answers": {s.text: values[s.pk] for s in statements},
                      "comment": comment})  # fmt: skip


@transaction.atomic
def do_open_and_remind(*, today: datetime.date | None = None, actor: Any = None) -> tuple[int, int]:
    """For `kansli remind`: open the round of the period for each active survey that has
    none yet, and remind once, halfway through a round, those who have not answered.
    Returns (rounds opened, people reminded). Run twice a day, it does nothing twice."""
    today = today or timezone.localdate()
    opened = 0
    for survey in Survey.objects.filter(active=True).select_related("authority"):
        _label, start = period_of(survey, today)
        if not survey.rounds.filter(period_start=start).exists():
            do_open_round(survey, today=today, actor=actor)
            opened += 1
    reminded = 0
    due = Round.objects.select_for_update().filter(
        reminded_on__isnull=True, opens_on__lt=today, closes_on__gte=today
    )
    for round_ in due:
        days_open = (round_.closes_on - round_.opens_on).days + 1
        halfway = round_.opens_on + datetime.timedelta(days=days_open // 2)
        if today < halfway:
            continue
        waiting = round_.invitations.filter(answered=False, reminded=False)
        ids = list(waiting.values_list("user_id", flat=True))
        waiting.update(reminded=True)
        round_.reminded_on = today
        round_.save(update_fields=["reminded_on"])
        record(actor=actor, action="surveys.remind", obj=round_, label=str(round_),
               after={"reminded": len(ids)})  # fmt: skip
        transaction.on_commit(lambda r=round_, i=ids: _mail(r, i, reminder=True))  # type: ignore[misc]
        reminded += len(ids)
    return opened, reminded


def _follow_up_snapshot(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "text": follow_up.text, "owner": str(follow_up.owner), "due": follow_up.due,
        "status": follow_up.status, "statements": [s.text for s in follow_up.statements.all()],
    }  # fmt: skip


@transaction.atomic
def do_add_follow_up(
    survey: Survey,
    text: str,
    *,
    owner: User,
    due: datetime.date,
    statements: Iterable[Statement] = (),
    actor: Any,
) -> FollowUp:
    """Record what the kansli will do about a result, with its owner and due day."""
    _require_manager(actor, survey)
    if not text.strip():
        raise ValidationError("Beskriv åtgärden.")
    chosen = list(statements)
    if any(s.survey_id != survey.pk for s in chosen):
        raise ValidationError("Påståendet hör inte till enkäten.")
    follow_up = FollowUp.objects.create(survey=survey, text=text.strip(), owner=owner, due=due)
    follow_up.statements.set(chosen)
    record(actor=actor, action="surveys.add_follow_up", obj=follow_up,
           after=_follow_up_snapshot(follow_up))  # fmt: skip
    return follow_up


@transaction.atomic
def do_set_follow_up_status(follow_up: FollowUp, status: str, *, actor: Any) -> FollowUp:
    """The owner, or whoever keeps the survey, moves the action on."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if actor is not None and follow_up.owner_id != actor.pk:
        _require_manager(actor, follow_up.survey)
    if status not in FollowUp.Status.values:
        raise ValidationError("Okänd status.")
    before = _follow_up_snapshot(follow_up)
    follow_up.status = status
    follow_up.save(update_fields=["status"])
    record(actor=actor, action="surveys.set_follow_up_status", obj=follow_up, before=before,
           after=_follow_up_snapshot(follow_up))  # fmt: skip
    return follow_up
