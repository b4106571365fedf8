from kansli.retention.models.disposal import DisposalItem, DisposalRun, RunState
from kansli.retention.models.holds import Hold
from kansli.retention.models.plan import (
    Event,
    Handling,
    Medium,
    Outcome,
    Plan,
    PlanRule,
    add_months,
    due_date,
    effective_rules,
    rule_for,
    transfer_due,
)

__all__ = [
    "DisposalItem",
    "DisposalRun",
    "Event",
    "Handling",
    "Hold",
    "Medium",
    "Outcome",
    "Plan",
    "PlanRule",
    "RunState",
    "add_months",
    "due_date",
    "effective_rules",
    "rule_for",
    "transfer_due",
]
