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
)

__all__ = [
    "Event",
    "Handling",
    "Medium",
    "Outcome",
    "Plan",
    "PlanRule",
    "add_months",
    "due_date",
    "effective_rules",
    "rule_for",
]
