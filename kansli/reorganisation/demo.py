"""Demo reorganisation: public health and association grants (KLASSA 3.5.1) move from
Kultur- och fritidsnämnden to Kommunstyrelsen, as in Hässleholm, where public health
moved from the leisure board to the executive office. It is planned, not carried out:
the system administrator previews and carries it out from Organisation > Omorganisation."""

from __future__ import annotations

from typing import Any

from kansli.org.models import Authority
from kansli.registry.models import Classification
from kansli.reorganisation import actions
from kansli.reorganisation.models import Reorganisation

TITLE = "Folkhälsa och föreningsbidrag flyttas från Kultur- och fritidsnämnden till Kommunstyrelsen"
PROCESS = "3.5.1"


def load(seed: int, scale: float, report: Any) -> list[Any]:
    source = Authority.objects.filter(code="KFN").first()
    target = Authority.objects.filter(code="KS").first()
    process = Classification.objects.filter(authority=source, code=PROCESS).first()
    if source is None or target is None or process is None:
        return []
    if not Reorganisation.objects.filter(title=TITLE).exists():
        actions.do_plan_responsibility_move(
            source, target, TITLE, classifications=[process], actor=None
        )
    report(f"Omorganisation: planerad, inte genomförd ({source.code} {PROCESS} till {target.code})")
    return []
