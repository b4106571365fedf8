"""The review of each document asked for (prövning, OSL 6 kap.): disclose, disclose
with parts redacted, disclose with conditions (förbehåll, OSL 10 kap. 14 §) or refuse,
with the provision for what is withheld (OSL 6 kap. 3 §: the requester is told why and
that they may ask for a written decision), by someone who works for the authority and
may read the document; or refer it to the authority that must review it (OSL 6 kap.
4 §). A review can be changed until the document is delivered."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.access.rules import may_read
from kansli.audit.chain import record
from kansli.inputs import unstorable
from kansli.registry.actions import add_to_timeline
from kansli.registry.models import SecrecyProvision
from kansli.registry.permissions import REGISTERING_ROLES, has_role
from kansli.requests.models import RequestedItem, Review

DECISIONS = {Review.DISCLOSE, Review.REDACT, Review.CONDITIONS, Review.REFUSE}
NEEDS_PROVISIONS = {Review.REDACT, Review.REFUSE}


def require_reviewer(actor: Any, item: RequestedItem) -> None:
    """A reviewer works for the authority and may read the document itself."""
    authority = item.request.authority
    if actor is None or not has_role(actor, authority, REGISTERING_ROLES):
        raise PermissionDenied(f"Du har inte behörighet att pröva begäran för {authority.code}.")
    if item.document is not None and not may_read(actor, item.document):
        raise PermissionDenied("Du får inte läsa handlingen och kan därför inte pröva den.")


def _require_changeable(item: RequestedItem) -> None:
    if item.deliveries.exists():
        raise ValidationError("Handlingen är redan utlämnad; prövningen kan inte ändras.")


def _text(errors: dict[str, str], field: str, value: str, limit: int) -> str:
    value = value.strip()
    if unstorable(value):
        errors[field] = "Texten innehåller ett tecken som inte kan sparas."
    elif len(value) > limit:
        errors[field] = f"Texten får vara högst {limit} tecken."
    return value


def _state(item: RequestedItem) -> dict[str, Any]:
    return {
        "review": item.review,
        "provisions": sorted(p.reference for p in item.provisions.all()),
        "referred_to": item.referred_to,
    }


@transaction.atomic
def do_review_item(
    item: RequestedItem,
    review: str,
    *,
    provisions: Iterable[SecrecyProvision] = (),
    conditions: str = "",
    reasons: str = "",
    actor: Any,
) -> RequestedItem:
    """Decide what is done with one document asked for. Redaction and refusal name the
    provisions that withhold (OSL 6 kap. 3 §); conditions need their text (OSL 10 kap.
    14 §). The timeline says what was decided and under which provision, never why in
    the reasons' own words (they may hold what is secret)."""
    item = RequestedItem.objects.select_for_update().get(pk=item.pk)
    require_reviewer(actor, item)
    _require_changeable(item)
    errors: dict[str, str] = {}
    chosen = list(provisions)
    conditions = _text(errors, "conditions", conditions, 2000)
    reasons = _text(errors, "reasons", reasons, 5000)
    if item.document is None:
        errors["document"] = "Koppla först den begärda handlingen till en registrerad handling."
    if review not in DECISIONS:
        errors["review"] = "Välj lämna ut, lämna ut med maskering, med förbehåll eller avslå."
    elif review in NEEDS_PROVISIONS and not chosen:
        errors["provisions"] = "Ange vilken bestämmelse i OSL som hindrar utlämnande."
    elif review == Review.CONDITIONS and not conditions:
        errors["conditions"] = "Skriv vilket förbehåll som gäller (OSL 10 kap. 14 §)."
    elif review == Review.DISCLOSE and chosen:
        errors["provisions"] = "En handling som lämnas ut i sin helhet anges utan bestämmelse."
    if errors:
        raise ValidationError(errors)
    before = _state(item)
    item.review = review
    item.conditions = conditions if review == Review.CONDITIONS else ""
    item.reasons = reasons
    item.reviewed_by, item.reviewed_at = actor, timezone.now()
    item.referred_to, item.referred_at = "", None
    item.save()
    item.provisions.set(chosen)
    after = _state(item)
    text = f"{item} prövades: {item.get_review_display()}"
    if after["provisions"]:
        text += f" ({', '.join(after['provisions'])})"
    add_to_timeline(item.request.case, "review", text + ".", actor)
    record(actor=actor, action="requests.review_item", obj=item,
           label=item.request.case.case_number, before=before, after=after)  # fmt: skip
    return item


@transaction.atomic
def do_refer_item(item: RequestedItem, to: str, note: str, *, actor: Any) -> RequestedItem:
    """Refer a document to the authority that must review it, with a record of where,
    when and why (OSL 6 kap. 4 §); the note is kept as the item's reasons."""
    item = RequestedItem.objects.select_for_update().get(pk=item.pk)
    require_reviewer(actor, item)
    _require_changeable(item)
    errors: dict[str, str] = {}
    to = _text(errors, "to", to, 200)
    note = _text(errors, "note", note, 5000)
    if not to and "to" not in errors:
        errors["to"] = "Ange vilken myndighet handlingen lämnas över till."
    if errors:
        raise ValidationError(errors)
    before = _state(item)
    item.review = Review.REFERRED
    item.referred_to, item.referred_at = to, timezone.now()
    item.reasons, item.conditions = note, ""
    item.reviewed_by, item.reviewed_at = actor, item.referred_at
    item.save()
    item.provisions.clear()
    add_to_timeline(item.request.case, "review", f"{item} lämnades över till {to}.", actor)
    record(actor=actor, action="requests.refer_item", obj=item,
           label=item.request.case.case_number, before=before, after=_state(item))  # fmt: skip
    return item
