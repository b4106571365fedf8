"""The appendices to the minutes (protokollsbilagor): numbered 1, 2, 3 in each minutes,
referred to from their § ("Bilaga 2") and listed at the end. They are added and removed
before the minutes are approved; approved minutes are sealed as they are."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from kansli.access.rules import open_to_all
from kansli.audit.chain import record
from kansli.meetings.actions.approval import LOCKED
from kansli.meetings.models import Appendix, Minutes, Paragraph
from kansli.meetings.permissions import require_secretary
from kansli.registry.models import Document

TITLE_MAX = Appendix._meta.get_field("title").max_length or 300
NOT_FOR_PUBLIC_PART = (
    "En handling med sekretess kan inte bli bilaga till protokollets offentliga del: "
    "gör paragrafen icke offentlig eller välj en annan handling."
)


def _locked_minutes(minutes: Minutes) -> Minutes:
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.locked_at is not None:
        raise ValidationError(LOCKED)
    return minutes


@transaction.atomic
def do_add_appendix(
    minutes: Minutes,
    title: str,
    *,
    paragraph: Paragraph | None = None,
    document: Document | None = None,
    actor: Any,
) -> Appendix:
    """Add an appendix with the next number. A registered document is attached from the
    case of its §, as the secretary may read it; a secret document only to a non-public
    §, whose text is in the minutes' non-public part (OSL 5 kap. 1 §: what is secret is
    not published with the public minutes)."""
    require_secretary(actor, minutes.meeting.body)
    minutes = _locked_minutes(minutes)
    title = title.strip() or (document.description if document is not None else "")
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Ange bilagans rubrik."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Rubriken får vara högst {TITLE_MAX} tecken."
    if paragraph is not None and paragraph.minutes_id != minutes.pk:
        errors["paragraph"] = "Paragrafen hör till ett annat protokoll."
    elif document is not None:
        errors.update(_document_errors(document, paragraph, actor))
    if errors:
        raise ValidationError(errors)
    last = minutes.appendices.aggregate(last=Max("number"))["last"] or 0
    appendix = Appendix.objects.create(
        minutes=minutes, paragraph=paragraph, number=last + 1, title=title, document=document
    )
    record(
        actor=actor,
        action="meetings.add_appendix",
        obj=minutes,
        label=str(minutes),
        after={
            "number": appendix.number,
            "title": title,
            "paragraph": paragraph.number if paragraph else None,
            "document": document.pk if document else None,
        },
    )
    return appendix


def _document_errors(document: Document, paragraph: Paragraph | None, actor: Any) -> dict[str, str]:
    if paragraph is None or paragraph.item.case_id is None:
        return {"document": "En handling blir bilaga till paragrafen i sitt ärende: välj paragraf."}
    if document.case_id != paragraph.item.case_id:
        return {"document": "Handlingen finns inte i paragrafens ärende."}
    if document.voided_at is not None:
        return {"document": "Handlingen är makulerad."}
    if not open_to_all(document) and not paragraph.item.is_secret:
        return {"document": NOT_FOR_PUBLIC_PART}
    if not Document.objects.visible_to(actor).filter(pk=document.pk).exists():
        return {"document": "Du får inte läsa handlingen."}
    return {}


@transaction.atomic
def do_remove_appendix(appendix: Appendix, *, actor: Any) -> None:
    """Remove an appendix before approval; the later ones move up a number, so the
    numbers run without gaps."""
    minutes = appendix.minutes
    require_secretary(actor, minutes.meeting.body)
    minutes = _locked_minutes(minutes)
    number, title = appendix.number, appendix.title
    appendix.delete()
    for later in minutes.appendices.filter(number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number"])
    record(
        actor=actor,
        action="meetings.remove_appendix",
        obj=minutes,
        label=str(minutes),
        before={"number": number, "title": title},
    )
