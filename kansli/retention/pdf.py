"""A plan as PDF for the board that adopts it (or has adopted it): the rules grouped by
process, with the decision, in the graphic profile of the authority (or of the
municipality for the shared plan). Always in Swedish. WeasyPrint needs Pango."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kansli.org.models import Authority, Municipality
from kansli.retention.models import Plan, PlanRule
from kansli.retention.models.plan import code_order

EVERY_PROCESS = "Alla processer"


def by_process(rules: Iterable[PlanRule]) -> list[tuple[str, str, list[PlanRule]]]:
    """(code, title, rules) per process in the scheme's order; rules of every process
    (no code) first. The title is the first one the plan gives the code."""
    groups: dict[str, tuple[str, list[PlanRule]]] = {}
    for rule in rules:
        title, members = groups.setdefault(rule.process_code, (rule.process_title, []))
        if not title and rule.process_title:
            groups[rule.process_code] = (rule.process_title, members)
        members.append(rule)
    ordered = sorted(groups.items(), key=lambda item: code_order(item[0]))
    return [
        (code, title if code else (title or EVERY_PROCESS), members)
        for code, (title, members) in ordered
    ]


def plan_pdf(
    rules: Sequence[PlanRule],
    *,
    authority: Authority | None,
    municipality: Municipality,
    plan: Plan | None = None,
) -> bytes:
    """The plan's rules as PDF; without `plan`, the proposal the board is to decide on
    (marked Förslag)."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made

    # The one graphic profile of every generated document, from the floor above, as
    # kansli.registry.pdf takes it, rather than a second copy of how it is resolved.
    from kansli.drafting.profile import profile_for

    with translation.override("sv"):
        html = render_to_string(
            "retention/pdf/plan.html",
            {
                "profile": profile_for(authority or municipality),
                "plan": plan,
                "owner": authority.name if authority else municipality.name,
                "shared": authority is None,
                "groups": by_process(rules),
                "today": timezone.localdate(),
            },
        )
    return bytes(HTML(string=html).write_pdf())
