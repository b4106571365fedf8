"""The demo's plan (issue 16 part 8): a plan in force for every authority, old closed
cases past their period, one under a hold, and kommunstyrelsen's disposal list waiting
for the manager."""

from __future__ import annotations

import pytest

from kansli.org import demo as org_demo
from kansli.org.models import Authority
from kansli.registry import demo as registry_demo
from kansli.registry.document_types import type_options
from kansli.registry.models import Document
from kansli.retention import demo
from kansli.retention.holds import Holds
from kansli.retention.models import DisposalRun, Hold, Plan, RunState, effective_rules

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_a_hold_and_a_list_for_the_manager() -> None:
    lines: list[str] = []
    for load in (org_demo.load, registry_demo.load, demo.load):
        load(7, 0.01, lines.append)
    for authority in Authority.objects.all():
        assert Plan.objects.in_force(authority) is not None, authority
        assert effective_rules(authority), authority
    shared = Plan.objects.get(authority=None)
    assert (shared.adopted_by, shared.decision_reference) == (
        "Kommunstyrelsen",
        "KS 2024/312 § 187",
    )
    sn = Authority.objects.get(code="SN")
    assert Plan.objects.in_force(sn) == Plan.objects.get(authority=sn)
    assert any(r.document_type == "Orosanmälan" for r in effective_rules(sn))
    # The registry demo's documents have the plan's types.
    assert not Document.objects.filter(document_type="").exists()
    assert not Document.objects.filter(kind__isnull=True).exists()
    ks = Authority.objects.get(code="KS")
    hold = Hold.objects.get()
    (held,) = hold.cases.all()
    assert held.closed_at is not None and held.closed_at.year == 2020
    run = DisposalRun.objects.get()
    assert (run.authority, run.state) == (ks, RunState.MANAGER)
    going = [item for item in run.items.all() if item.goes]
    numbers = {item.document_number for item in going}
    assert {"Begäran om allmän handling", "Ansökan om anställning", "Synpunkt"} <= {
        item.rule.document_type for item in going
    }
    assert all(item.due.year <= 2024 for item in going)
    refused = run.items.get(document__case=held)
    assert refused.refused == Holds(ks).reason(held) == "Ärendet omfattas av ett bevarandebeslut."
    assert refused.document_number not in numbers
    names = [option.name for option in type_options(held) or []]  # process 2.3.1
    assert names[:2] == ["Begäran om allmän handling", "Beslut"] and "Ansökan" not in names
    assert any("väntar på chefens granskning" in line for line in lines)
    # A second run adds nothing.
    demo.load(7, 0.01, lines.append)
    assert (Plan.objects.count(), DisposalRun.objects.count(), Hold.objects.count()) == (2, 1, 1)
