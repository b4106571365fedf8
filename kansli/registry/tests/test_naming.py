"""Standardised naming: a pattern per document type offered while registering, and
warnings for titles and descriptions that break the rules (a file's name, all
capitals); set by an administrator through audited actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org.models import User
from kansli.org.testing import make_authority, make_sysadmin
from kansli.registry import actions
from kansli.registry.models import Document, NamingRule
from kansli.registry.naming import title_warnings
from kansli.registry.testing import make_registrar

FILE_NAME = "ser ut som ett filnamn"
CAPITALS = "är skriven med versaler"


@pytest.mark.parametrize(
    ("text", "warned"),
    [
        ("Ansökan om bygglov – Storgatan 1", []),
        ("Yttrande över detaljplan för Åsen 2:14", []),
        ("LSS-beslut, KS", []),  # short capitals are acronyms
        ("Scan_2026-03-01_0012.pdf", [FILE_NAME]),
        ("IMG_2041.JPG", [FILE_NAME]),
        ("ansökan bygglov.docx", [FILE_NAME]),
        ("dokument_1", [FILE_NAME]),
        ("ANSÖKAN OM BYGGLOV", [CAPITALS]),
        ("BESLUT_BYGGLOV_STORGATAN.PDF", [FILE_NAME, CAPITALS]),
        ("", []),
    ],
)
def test_titles_that_break_the_rules_are_warned_about(text: str, warned: list[str]) -> None:
    warnings = title_warnings("Beskrivningen", text)
    assert len(warnings) == len(warned)
    assert all(
        w.startswith("Beskrivningen") and part in w
        for w, part in zip(warnings, warned, strict=True)
    )


@pytest.mark.django_db
def test_a_rule_is_set_and_changed_by_an_administrator_only() -> None:
    admin = make_sysadmin()
    rule = actions.do_add_naming_rule("Yttrande", "Yttrande – {ämne} – {motpart}", actor=admin)
    with pytest.raises(ValidationError, match="redan en namnregel"):
        actions.do_add_naming_rule("yttrande", "Yttrande – {ämne}", actor=admin)
    with pytest.raises(ValidationError, match="fasta ord"):
        actions.do_add_naming_rule("Beslut", "{ämne} – beslut", actor=admin)
    with pytest.raises(ValidationError, match="stängas"):
        actions.do_change_naming_rule(rule, pattern="Yttrande – {ämne", actor=admin)
    with pytest.raises(PermissionDenied):
        actions.do_add_naming_rule(
            "Beslut", "Beslut – {ämne}", actor=make_registrar(make_authority("KS"))
        )
    rule.refresh_from_db()  # the refused change was rolled back
    actions.do_change_naming_rule(rule, active=False, actor=admin)
    rule.refresh_from_db()
    assert rule.pattern == "Yttrande – {ämne} – {motpart}" and not rule.active
    assert [e.action for e in AuditEvent.objects.filter(action__contains="naming_rule")] == [
        "registry.add_naming_rule",
        "registry.change_naming_rule",
    ]


@pytest.mark.django_db
def test_the_admin_keeps_rules_through_the_actions() -> None:
    client = Client()
    client.force_login(make_sysadmin())
    added = client.post(
        "/admin/registry/namingrule/add/",
        {"document_type": "Yttrande", "pattern": "Yttrande – {ämne}", "active": "on"},
    )
    assert added.status_code == 302
    refused = client.post(
        "/admin/registry/namingrule/add/", {"document_type": "Beslut", "pattern": "{ämne}"}
    )
    assert "fasta ord" in refused.content.decode()
    assert list(NamingRule.objects.values_list("document_type", flat=True)) == ["Yttrande"]
    assert AuditEvent.objects.filter(action="registry.add_naming_rule").count() == 1


def form(**changes: Any) -> dict[str, Any]:
    return {
        "mode": "nytt", "authority": make_authority("KS").pk, "title": "Detaljplan för Åsen",
        "direction": "inkommen", "document_date": timezone.localdate().isoformat(),
        "counterpart": "Länsstyrelsen", "document_type": "yttrande", "description": "",
    } | changes  # fmt: skip


@pytest.fixture
def registrar() -> User:
    actions.do_add_naming_rule("Yttrande", "Yttrande – {ämne} – {motpart}", actor=make_sysadmin())
    return make_registrar(make_authority("KS"))


@pytest.mark.django_db
def test_the_rule_is_offered_and_checked_while_registering(registrar: User) -> None:
    client = Client()
    client.force_login(registrar)
    offered = client.post("/registrera/kontroll/", form()).content.decode()
    assert '<p class="check-ok">Namnregel för Yttrande: Yttrande – {ämne} – {motpart}' in offered
    broken = client.post("/registrera/kontroll/", form(description="Svar på remissen"))
    assert "Beskrivningen följer inte namnregeln för Yttrande" in broken.content.decode()
    kept = client.post(
        "/registrera/kontroll/", form(description="Yttrande – detaljplan Åsen – Länsstyrelsen")
    ).content.decode()
    assert "check-ok" in kept and "följer inte" not in kept
    named = client.post(
        "/registrera/kontroll/", form(title="SCAN_0001.PDF", description="ANSÖKAN OM BYGGLOV")
    ).content.decode()
    assert "Ärendemeningen ser ut som ett filnamn (SCAN_0001.PDF)" in named
    assert "Beskrivningen är skriven med versaler" in named
    # Warnings only: the registration itself goes through.
    assert client.post("/registrera/", form(title="SCAN_0001.PDF")).status_code == 302
    assert Document.objects.count() == 1
