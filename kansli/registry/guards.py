"""Refusals other apps hook into the registry's actions, so that a lower floor asks a
higher one without importing it (LAYERS.md). kansli.retention registers the legal hold:
material under a hold cannot be voided."""

from __future__ import annotations

from collections.abc import Callable

from kansli.registry.models import Case, Document

# Each guard answers why the case (or, when given, its document) may not be voided, or "".
void_guards: list[Callable[[Case, Document | None], str]] = []


def void_refusal(case: Case, document: Document | None = None) -> str:
    """The first guard's reason for refusing to void, or "" when none refuses."""
    for guard in void_guards:
        reason = guard(case, document)
        if reason:
            return reason
    return ""
