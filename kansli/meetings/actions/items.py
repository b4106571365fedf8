"""A flexible agenda: procedural items without a case (formalia), sub-items (5 a, 5 b),
the item's own reference and its rapporteur (föredragande), and the order of the
sections per body. The § numbers follow from the agenda (kansli.meetings.agenda_order)
when the minutes are started, so what changes the order stops then."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kansli.audit.chain import record
from kansli.meetings.actions.agenda import _next_position
from kansli.meetings.actions.approval import LOCKED
from kansli.meetings.actions.meeting_dates import require_not_cancelled
from kansli.meetings.models import AgendaItem, Body, Meeting, Minutes, Section
from kansli.meetings.permissions import require_secretary
from kansli.meetings.procedural import STANDARD_ITEMS

MINUTES_STARTED = "Protokollet är redan påbörjat: dagordningen kan inte ändras."
TITLE_MAX = AgendaItem._meta.get_field("title").max_length or 500
REFERENCE_MAX = AgendaItem._meta.get_field("reference").max_length or 50
RAPPORTEUR_MAX = AgendaItem._meta.get_field("rapporteur").max_length or 200


def _require_open_agenda(meeting: Meeting) -> None:
    require_not_cancelled(meeting)
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError(MINUTES_STARTED)


def _checked(title: str, reference: str, rapporteur: str, section: str) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "Ange punktens rubrik."
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = f"Rubriken får vara högst {TITLE_MAX} tecken."
    if len(reference.strip()) > REFERENCE_MAX:
        errors["reference"] = f"Beteckningen får vara högst {REFERENCE_MAX} tecken."
    if len(rapporteur.strip()) > RAPPORTEUR_MAX:
        errors["rapporteur"] = f"Föredragande får vara högst {RAPPORTEUR_MAX} tecken."
    if section not in Section.values:
        errors["section"] = "Välj en avdelning på föredragningslistan."
    return errors


@transaction.atomic
def do_add_procedural_item(
    meeting: Meeting,
    title: str,
    *,
    section: str = Section.PROCEDURE,
    reference: str = "",
    rapporteur: str = "",
    actor: Any,
) -> AgendaItem:
    """A procedural item (formalia) the secretary puts on the agenda: no case, so no
    report, no proposal and no secrecy of its own; it gets a § like any item."""
    require_secretary(actor, meeting.body)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open_agenda(meeting)
    errors = _checked(title, reference, rapporteur, section)
    if errors:
        raise ValidationError(errors)
    item = AgendaItem.objects.create(
        meeting=meeting,
        case=None,
        section=section,
        position=_next_position(meeting),
        title=title.strip(),
        reference=reference.strip(),
        rapporteur=rapporteur.strip(),
        preregistered_at=timezone.now(),
        preregistered_by=actor,
    )
    record(
        actor=actor,
        action="meetings.add_procedural_item",
        obj=item,
        label=item.title,
        after={"meeting": str(meeting), "section": section, "reference": item.reference},
    )
    return item


def do_add_standard_items(meeting: Meeting, *, actor: Any) -> list[AgendaItem]:
    """The standard procedural items (STANDARD_ITEMS) first on the agenda, those not
    already there: pressing the button twice adds nothing the second time."""
    with transaction.atomic():
        require_secretary(actor, meeting.body)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        there = set(meeting.items.filter(case=None).values_list("title", flat=True))
        added = [
            do_add_procedural_item(meeting, title, actor=actor)
            for title in STANDARD_ITEMS
            if title not in there
        ]
        # First on the agenda, in their own order, before what was there.
        for position, item in enumerate(added, start=1):
            item.position = position
            item.save(update_fields=["position"])
        others = meeting.items.exclude(pk__in=[i.pk for i in added])
        others.update(position=F("position") + len(added))
        return added


@transaction.atomic
def do_set_item_details(
    item: AgendaItem,
    *,
    parent: AgendaItem | None,
    reference: str,
    rapporteur: str,
    actor: Any,
) -> AgendaItem:
    """The secretary places an item under another of the same meeting (one level: a
    sub-item has no sub-items of its own) or back on its own, and sets its reference
    and its rapporteur (föredragande). The placement changes the numbering, so it stops
    when the minutes are started; the reference and rapporteur when they are approved."""
    require_secretary(actor, item.meeting.body)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    minutes = Minutes.objects.filter(meeting=item.meeting_id).first()
    if minutes is not None and minutes.locked_at is not None:
        raise ValidationError(LOCKED)
    errors = _checked(item.title, reference, rapporteur, item.section)
    if parent is not None:  # as it is now, not as the caller last read it
        parent = AgendaItem.objects.select_for_update().get(pk=parent.pk)
    if parent is not None and parent.pk != item.parent_id:
        errors.update(_parent_errors(item, parent))
    if minutes is not None and (parent.pk if parent else None) != item.parent_id:
        errors["parent"] = MINUTES_STARTED
    if errors:
        raise ValidationError(errors)
    before = {"parent": item.parent_id, "reference": item.reference, "rapporteur": item.rapporteur}
    item.parent = parent
    item.reference, item.rapporteur = reference.strip(), rapporteur.strip()
    item.save(update_fields=["parent", "reference", "rapporteur"])
    after = {"parent": item.parent_id, "reference": item.reference, "rapporteur": item.rapporteur}
    record(actor=actor, action="meetings.set_item_details", obj=item,
           label=item.public_heading if item.is_secret else item.title,
           before=before, after=after)  # fmt: skip
    return item


def _parent_errors(item: AgendaItem, parent: AgendaItem) -> dict[str, str]:
    if parent.meeting_id != item.meeting_id:
        return {"parent": "Punkten kan bara placeras under en punkt på samma sammanträde."}
    if parent.pk == item.pk:
        return {"parent": "En punkt kan inte placeras under sig själv."}
    if parent.parent_id is not None:
        return {"parent": "En underpunkt kan inte ha egna underpunkter."}
    if item.subitems.exists():
        return {"parent": "Punkten har egna underpunkter och kan inte bli underpunkt."}
    return {}


@transaction.atomic
def do_set_section_order(body: Body, order: Sequence[str], *, actor: Any) -> Body:
    """The order of the sections on the body's agenda and in its minutes; the sections
    not named follow in the usual order."""
    require_secretary(actor, body)
    chosen = [s for s in order if s]
    if any(s not in Section.values for s in chosen):
        raise ValidationError({"order": "Okänd avdelning på föredragningslistan."})
    if len(set(chosen)) != len(chosen):
        raise ValidationError({"order": "Varje avdelning får bara nämnas en gång."})
    body = Body.objects.select_for_update().get(pk=body.pk)
    before = list(body.section_order or [])
    body.section_order = chosen
    body.save(update_fields=["section_order"])
    record(actor=actor, action="meetings.set_section_order", obj=body, label=str(body),
           before={"order": before}, after={"order": chosen})  # fmt: skip
    return body
