"""Adopting plans: versions and the day each applies from, the shared plan with an
authority's local additions, who may adopt, the checks of each rule and the audit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kansli.audit.models import AuditEvent
from kansli.org.models import Authority, Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry.testing import make_provision
from kansli.retention.actions import do_adopt_plan
from kansli.retention.models import (
    Event,
    Handling,
    Outcome,
    Plan,
    PlanRule,
    effective_rules,
    rule_for,
)
from kansli.retention.testing import make_archivist, make_plan, rule

pytestmark = pytest.mark.django_db
D = datetime.date


def test_in_force_follows_the_versions_dates_and_falls_back_to_the_shared_plan() -> None:
    ks = make_authority()
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    shared1 = make_plan(None, valid_from=D(2024, 1, 1))
    shared2 = make_plan(None, valid_from=D(2025, 7, 1))
    own1 = make_plan(bun, [rule("Elevakt", outcome=Outcome.KEEP)], valid_from=D(2025, 1, 1))
    own2 = make_plan(bun, [rule("Elevakt", outcome=Outcome.KEEP)], valid_from=D(2026, 1, 1))
    assert (shared1.version, shared2.version, own1.version, own2.version) == (1, 2, 1, 2)
    assert Plan.objects.in_force(bun, D(2023, 12, 31)) is None
    assert Plan.objects.in_force(bun, D(2024, 6, 1)) == shared1  # BUN had none of its own yet
    assert Plan.objects.in_force(bun, D(2025, 1, 1)) == own1  # from its first day
    assert Plan.objects.in_force(bun, D(2025, 12, 31)) == own1
    assert Plan.objects.in_force(bun, D(2026, 1, 1)) == own2
    assert Plan.objects.in_force(ks, D(2025, 6, 30)) == shared1
    assert Plan.objects.in_force(ks, D(2025, 7, 1)) == shared2
    assert Plan.objects.in_force(None, D(2025, 7, 1), municipality=ks.municipality) == shared2


def test_a_local_rule_takes_the_place_of_the_shared_one() -> None:
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    make_plan(
        None,
        [
            rule("Kallelse", outcome=Outcome.KEEP),  # every process
            rule("Begäran om allmän handling", process_code="1.2"),
            rule("Synpunkt", process_code="3", period_years=1),
        ],
        valid_from=D(2024, 1, 1),
    )
    make_plan(
        bun,
        [
            rule("Begäran om allmän handling", process_code="1.2", period_years=5),
            rule("Elevakt", process_code="3.1.2", outcome=Outcome.KEEP),
        ],
        valid_from=D(2024, 6, 1),
    )
    rules = effective_rules(bun, D(2025, 1, 1))
    found = {(r.process_code, r.document_type): r for r in rules}
    assert sorted(found) == [
        ("", "Kallelse"),
        ("1.2", "Begäran om allmän handling"),
        ("3", "Synpunkt"),
        ("3.1.2", "Elevakt"),
    ]
    assert found[("1.2", "Begäran om allmän handling")].period_years == 5  # BUN's own
    # Before BUN's plan applied, the shared rule.
    before = rule_for(effective_rules(bun, D(2024, 3, 1)), "1.2", "begäran om allmän handling")
    assert before is not None and before.period_years == 2
    # The most specific process that holds the type, else the rule for every process.
    synpunkt = rule_for(rules, "3.4.1", "Synpunkt")
    assert synpunkt is not None and synpunkt.process_code == "3"
    kallelse = rule_for(rules, "2.1", "KALLELSE")
    assert kallelse is not None and kallelse.outcome == Outcome.KEEP
    assert rule_for(rules, "2.1", "Synpunkt") is None
    assert rule_for(rules, "31.1", "Synpunkt") is None  # 31 is not under 3
    # Another authority has only the shared plan.
    ks = make_authority()
    other = rule_for(effective_rules(ks, D(2025, 1, 1)), "1.2", "Begäran om allmän handling")
    assert other is not None and other.period_years == 2


def test_only_the_authoritys_archivist_or_a_sysadmin_adopts() -> None:
    ks = make_authority()
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    rows = [rule("Beslut", outcome=Outcome.KEEP)]
    kwargs: dict[str, Any] = {
        "valid_from": D(2025, 1, 1), "adopted_by": "BUN",
        "decision_reference": "BUN 2024/3 § 4", "decision_date": D(2024, 12, 1),
    }  # fmt: skip
    registrar = make_user("reg", roles=[(Role.REGISTRAR, bun)])
    ks_archivist = make_archivist(ks, "arkivarie-ks")
    bun_archivist = make_archivist(bun, "arkivarie-bun")
    for refused in [registrar, ks_archivist]:
        with pytest.raises(PermissionDenied):
            do_adopt_plan(bun, rows, actor=refused, **kwargs)
    # The shared plan: KS is the archive authority (Arkivlagen 8 §), not BUN.
    with pytest.raises(PermissionDenied):
        do_adopt_plan(None, rows, actor=bun_archivist, municipality=bun.municipality, **kwargs)
    assert not Plan.objects.exists() and not PlanRule.objects.exists()
    assert do_adopt_plan(bun, rows, actor=bun_archivist, **kwargs).version == 1
    shared = do_adopt_plan(None, rows, actor=ks_archivist, municipality=ks.municipality, **kwargs)
    assert shared.authority is None and shared.version == 1
    assert do_adopt_plan(bun, rows, actor=make_sysadmin(), **kwargs).version == 2


def test_adoption_is_audited_with_its_counts() -> None:
    bun = make_authority("BUN", "Barn- och utbildningsnämnden", kind=Authority.Kind.BOARD)
    archivist = make_archivist(bun, "arkivarien")
    plan = make_plan(
        bun,
        [
            rule("Beslut", outcome=Outcome.KEEP),
            rule(
                "Minnesanteckning", handling=Handling.KEPT_IN_ORDER, starting_event=Event.OBSOLETE
            ),
            rule("Ansökan", period_months=6),
        ],
        actor=archivist,
        decision_reference="BUN 2024/7 § 12",
    )
    event = AuditEvent.objects.get(action="retention.plan_adopted")
    assert event.after is not None
    assert event.actor == archivist and event.object_id == str(plan.pk)
    assert event.after["decision_reference"] == "BUN 2024/7 § 12"
    assert event.after["authority"] == "BUN" and event.after["version"] == 1
    assert (event.after["rules"], event.after["kept"], event.after["disposed_of"]) == (3, 1, 2)
    assert (event.after["registered"], event.after["kept_in_order"]) == (2, 1)


def test_an_adopted_plan_is_never_changed() -> None:
    plan = make_plan()
    plan.adopted_by = "Någon annan"
    with pytest.raises(ValueError, match="never changed"):
        plan.save()
    with pytest.raises(ValueError, match="never deleted"):
        plan.delete()
    first = plan.rules.first()
    assert first is not None
    with pytest.raises(ValueError, match="never changed"):
        first.save()


def test_every_fault_is_named_with_its_row_and_nothing_is_saved() -> None:
    make_provision("OSL 26 kap. 1 §")
    rows = [
        rule("Beslut", outcome=Outcome.KEEP, period_years=10),
        rule("Ansökan", starting_event=""),
        rule("Anteckning", starting_event=Event.OBSOLETE, period_years=1),
        rule("Utredning", period_years=None),
        rule("", outcome=Outcome.KEEP),
        rule("Yttrande", secrecy="OSL 99 kap. 1 §"),
        rule("yttrande ", secrecy="OSL 26 kap. 1 §"),
        rule("Protokoll", process_code="2,1", outcome=Outcome.KEEP),
        rule("Bilaga\ud800", outcome=Outcome.KEEP),
        rule("Skrivelse", handling="diarieförd"),
        rule("Kallelse", transfer_years=5),
        rule("Avtal", outcome=Outcome.KEEP, transfer_years=201),
    ]
    with pytest.raises(ValidationError) as caught:
        make_plan(make_authority(), rows)
    messages = caught.value.message_dict["__all__"]
    assert messages == [
        "Regel 1: En handling som bevaras har ingen gallringsfrist.",
        "Regel 2: Ange vad gallringsfristen räknas från, t.ex. efter ärendets avslut.",
        "Regel 3: Vid inaktualitet har ingen frist i år eller månader.",
        "Regel 4: Ange gallringsfristen i år eller månader.",
        "Regel 5: Handlingstyp saknas.",
        "Regel 6: Sekretessbestämmelsen 'OSL 99 kap. 1 §' finns inte i Kansli.",
        "Regel 7: yttrande finns redan i samma process (regel 6).",
        "Regel 8: Processkoden '2,1' är inte en punktad sifferkod.",
        "Regel 9: Handlingstyp innehåller ett tecken som inte kan lagras (NUL eller ett halvt "
        "teckenpar).",
        "Regel 10: Hantering ska vara registreras eller hålls ordnad.",
        "Regel 11: Bara en handling som bevaras lämnas till e-arkivet (leveransfrist).",
        "Regel 12: Leveransfristen ska vara 0–200 år.",
    ]
    assert not Plan.objects.exists() and not PlanRule.objects.exists()
    assert not AuditEvent.objects.filter(action="retention.plan_adopted").exists()


def test_the_decision_is_checked_and_a_new_version_does_not_go_back_in_time() -> None:
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    make_plan(bun, valid_from=D(2025, 1, 1))
    with pytest.raises(ValidationError) as caught:
        make_plan(bun, valid_from=D(2024, 12, 31), adopted_by=" ")
    assert caught.value.message_dict == {
        "adopted_by": ["Ange vem som fastställde planen, t.ex. Kommunstyrelsen."],
        "valid_from": [
            "Version 1 gäller från 2025-01-01: en ny version kan inte gälla från ett "
            "tidigare datum."
        ],
    }
    with pytest.raises(ValidationError) as caught:
        make_plan(bun, valid_from=D(2025, 1, 1), decision_date=D(2199, 1, 1))
    assert caught.value.message_dict == {"decision_date": ["Beslutsdatumet ligger i framtiden."]}
    with pytest.raises(ValidationError) as caught:
        do_adopt_plan(
            bun, [], valid_from=D(2025, 2, 1), adopted_by="BUN", decision_reference="BUN § 1",
            decision_date=D(2025, 1, 1), actor=None,
        )  # fmt: skip
    assert caught.value.message_dict == {"__all__": ["Planen har inga regler."]}
    assert Plan.objects.count() == 1
