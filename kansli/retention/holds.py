"""Putting and lifting legal holds, and asking whether something is held.

Held material is not disposed of (kansli.retention.disposal), voided (the registry asks
through kansli.registry.guards) or transferred to the e-archive. The archivist or a
lawyer decides; the hold is kept, lifted or not, with who and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.org.models import Authority, Role
from kansli.registry.models import Case, Document
from kansli.registry.permissions import has_role
from kansli.retention.models import Hold

# Who may put or lift a hold: the archivist, or the data protection officer as the
# lawyer at hand; a system administrator may too.
HOLDING_ROLES = [Role.ARCHIVIST, Role.DATA_PROTECTION_OFFICER]


def _fold(text: str) -> str:
    """Case and spacing do not matter when a name is compared ("ÖBERG  Anna")."""
    return " ".join(text.casefold().split())


def require_holding(actor: Any, authority: Authority) -> None:
    if actor is not None and not has_role(actor, authority, HOLDING_ROLES):
        raise PermissionDenied("Bara arkivarien eller dataskyddsombudet beslutar om bevarande.")


@transaction.atomic
def do_place_hold(
    authority: Authority,
    reason: str,
    *,
    cases: Iterable[Case] = (),
    documents: Iterable[Document] = (),
    counterpart: str = "",
    actor: Any,
) -> Hold:
    """Put a hold on cases, documents (a search result) or a counterpart's name."""
    require_holding(actor, authority)
    cases, documents = list(cases), list(documents)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Ange varför materialet ska bevaras."
    if not (cases or documents or counterpart.strip()):
        errors["counterpart"] = "Välj ärenden, handlingar eller en motpart att bevara."
    if any(c.authority_id != authority.pk for c in cases) or any(
        d.case.authority_id != authority.pk for d in documents
    ):
        errors["cases"] = "Ärenden och handlingar ska höra till myndigheten."
    if errors:
        raise ValidationError(errors)
    hold = Hold.objects.create(
        authority=authority, reason=reason.strip()[:2000], counterpart=counterpart.strip()[:300],
        placed_at=timezone.now(), placed_by=actor,
    )  # fmt: skip
    hold.cases.set(cases)
    hold.documents.set(documents)
    record(
        actor=actor,
        action="retention.place_hold",
        obj=hold,
        after={
            "reason": hold.reason,
            "cases": [c.case_number for c in cases],
            "documents": [d.document_number for d in documents],
            "counterpart": hold.counterpart,
        },
    )
    return hold


@transaction.atomic
def do_lift_hold(hold: Hold, reason: str, *, actor: Any) -> Hold:
    """Lift a hold, saying why; the hold stays listed as lifted."""
    require_holding(actor, hold.authority)
    if not hold.is_active:
        raise ValidationError("Bevarandebeslutet är redan hävt.")
    if not reason.strip():
        raise ValidationError({"reason": "Ange varför bevarandet hävs."})
    hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), actor, reason.strip()
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record(actor=actor, action="retention.lift_hold", obj=hold, after={"reason": hold.lift_reason})
    return hold


class Holds:
    """The active holds of an authority, read once, to ask about many documents."""

    def __init__(self, authority: Authority) -> None:
        active = Hold.objects.active().filter(authority=authority)
        self.case_ids = set(active.values_list("cases", flat=True)) - {None}
        self.document_ids = set(active.values_list("documents", flat=True)) - {None}
        self.names = [_fold(n) for n in active.values_list("counterpart", flat=True) if n]

    def reason(self, case: Case, document: Document | None = None) -> str:
        """Why the case or document is held, or ""."""
        if case.pk in self.case_ids:
            return "Ärendet omfattas av ett bevarandebeslut."
        if document is not None and document.pk in self.document_ids:
            return "Handlingen omfattas av ett bevarandebeslut."
        if not self.names:
            return ""
        names = [_fold(p.name) for p in case.parties.all()]
        if document is not None:
            names.append(_fold(document.counterpart))
        if any(held in name for held in self.names for name in names if name):
            return "Motparten omfattas av ett bevarandebeslut."
        return ""


def void_guard(case: Case, document: Document | None) -> str:
    """The registry's question before voiding (registered in RetentionConfig.ready)."""
    return Holds(case.authority).reason(case, document)
