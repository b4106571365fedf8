"""The seeded installation of the disposal tests, whose expected disposal list is worked
out by hand (the `seeded` fixture in conftest.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kansli.files.store import store_bytes
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.actions import do_attach_file, do_change_case_status
from kansli.registry.models import Case, Classification, Document
from kansli.registry.testing import make_case, make_incoming
from kansli.requests.testing import make_request
from kansli.retention import disposal
from kansli.retention.holds import do_lift_hold, do_place_hold
from kansli.retention.testing import DEFAULT_RULES, make_plan, rule

TODAY = datetime.date(2026, 12, 1)
REQUEST = "Begäran om allmän handling"


def closed_case(title: str, closed: datetime.date, **kwargs: Any) -> Case:
    case = make_case(title, classification=process(), **kwargs)
    do_change_case_status(case, "avslutat", actor=None)
    closed_at = timezone.make_aware(datetime.datetime.combine(closed, datetime.time(12)))
    Case.objects.filter(pk=case.pk).update(closed_at=closed_at)
    case.refresh_from_db()
    return case


def process() -> Classification:
    found, _ = Classification.objects.get_or_create(
        authority=make_authority(), code="1.2", defaults={"title": "Lämna ut allmän handling"}
    )
    return found


def doc(case: Case, document_type: str = REQUEST, **kwargs: Any) -> Document:
    kwargs.setdefault("document_date", datetime.date(2022, 3, 1))
    return make_incoming(case, document_type=document_type, **kwargs)


def build() -> dict[str, Any]:
    """The installation, with the list each case is expected to give (hand-worked from
    the plan: a request is disposed of 2 years after its case was closed; a memo 1 year
    after its date, in every process; a decision is kept)."""
    ks = make_authority()
    make_plan(ks, [*DEFAULT_RULES, rule("Minnesanteckning", period_years=1,
                                        starting_event="document_date")])  # fmt: skip
    old = closed_case("Begäran om handlingar", datetime.date(2023, 1, 10))
    due = doc(old, description="MARKÖR-ZXQV begäran", counterpart="Anna Zxqvberg")
    kept = doc(old, "Beslut", description="Beslut om utlämnande")
    shared = store_bytes(b"Delad fil som beslutet ocksa har", "delad.txt")
    own = store_bytes(b"ZXQVFIL unik text i begaran", "begaran.txt")
    do_attach_file(due, own, "begaran.txt", actor=None)
    do_attach_file(due, shared, "delad.txt", actor=None)
    do_attach_file(kept, shared, "delad.txt", actor=None)
    recent = closed_case("Nyligen avslutad", datetime.date(2025, 6, 1))
    not_yet = doc(recent)  # due 2027-06-02
    open_case = make_case("Pågående", classification=process())
    in_open = doc(open_case)  # its period has not begun: not listed at all
    memo_in_open = doc(open_case, "Minnesanteckning", document_date=datetime.date(2024, 1, 1))
    held_case = closed_case("Tvist", datetime.date(2022, 1, 10))
    held = doc(held_case)
    by_name = closed_case("Motpart under bevarande", datetime.date(2022, 1, 10))
    held_by_name = doc(by_name, counterpart="Bertil ÖBERG")
    asked = closed_case("Begärd", datetime.date(2022, 1, 10))
    requested = doc(asked)
    lifted_case = closed_case("Hävt bevarande", datetime.date(2022, 1, 10))
    after_lift = doc(lifted_case)
    memo = doc(recent, "Minnesanteckning", document_date=datetime.date(2025, 11, 30))
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)])
    manager = make_user("chefen", roles=[(Role.MANAGER, ks)])
    do_place_hold(ks, "Tvist i förvaltningsrätten", cases=[held_case], actor=archivist)
    do_place_hold(ks, "Utredning", counterpart="öberg", actor=archivist)
    lifted = do_place_hold(ks, "Granskning", cases=[lifted_case], actor=archivist)
    do_lift_hold(lifted, "Granskningen är klar", actor=archivist)
    make_request(ks, documents=[requested])
    return {
        "authority": ks, "archivist": archivist, "manager": manager,
        "expected": {due.pk, after_lift.pk, memo.pk},
        "refused": {memo_in_open.pk: disposal.OPEN_CASE,
                    held.pk: "Ärendet omfattas av ett bevarandebeslut.",
                    held_by_name.pk: "Motparten omfattas av ett bevarandebeslut.",
                    requested.pk: disposal.REQUESTED},
        "untouched": {kept.pk, not_yet.pk, in_open.pk},
        "due": due, "kept": kept, "own": own, "shared": shared,
    }  # fmt: skip
