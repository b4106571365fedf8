"""Secrecy follows content (issue 12, part 1): what Kansli draws up from a case carries
the strongest secrecy marking of the case's documents, and the process's default
marking is applied at registration unless the registrar gives a reason."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from kansli.access.rules import may_read
from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_sysadmin, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Classification, Document
from kansli.registry.testing import make_case, make_incoming, make_provision

pytestmark = pytest.mark.django_db

SOCIAL = "OSL 26 kap. 1 §"
REHAB = "OSL 39 kap. 3 §"


@pytest.fixture
def cast() -> dict[str, Any]:
    body = make_body()
    authority = body.authority
    process = Classification.objects.create(
        authority=authority, code="7.1", title="Individ- och familjeomsorg"
    )
    registry.do_set_default_secrecy(
        process, make_provision(SOCIAL), withhold_description=True, actor=make_sysadmin()
    )
    return {
        "body": body,
        "process": process,
        "registrar": make_user("reg", roles=[(Role.REGISTRAR, authority)]),
        "officer": make_user("handl", roles=[(Role.OFFICER, authority)]),
        "colleague": make_user("kollega", roles=[(Role.OFFICER, authority)]),
        "secretary": make_secretary(body),
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina"),
    }


def test_the_process_default_marks_a_registration_unless_a_reason_is_given(
    cast: dict[str, Any],
) -> None:
    case = make_case("Ansökan om bistånd", authority=cast["body"].authority)
    case.classification = cast["process"]
    case.save()
    marked = make_incoming(case, actor=cast["registrar"])
    assert marked.secrecy is not None and marked.secrecy.reference == SOCIAL
    assert marked.secrecy_marked_by == cast["registrar"] and marked.secrecy_marked_at
    assert marked.secrecy_basis == "Standard för process 7.1"
    assert marked.withhold_description and not marked.withhold_counterpart
    assert not may_read(cast["colleague"], marked)
    browser = Client()
    browser.force_login(cast["registrar"])
    page = browser.get(f"/arenden/{case.pk}/").content.decode()
    day = timezone.localdate().isoformat()
    assert f"Markerad {day} av {cast['registrar']} (Standard för process 7.1)" in page

    open_one = make_incoming(case, actor=cast["registrar"], open_reason="Allmän information.")
    assert open_one.secrecy is None
    event = AuditEvent.objects.filter(action="registry.register_document").last()
    assert event is not None
    assert (event.after or {})["registered_open"] == {
        "instead_of": SOCIAL,
        "reason": "Allmän information.",
    }


def test_only_a_system_administrator_sets_a_process_default(cast: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        registry.do_set_default_secrecy(cast["process"], None, actor=cast["registrar"])
    registry.do_set_default_secrecy(cast["process"], None, actor=make_sysadmin("admin2"))
    cast["process"].refresh_from_db()
    assert cast["process"].default_secrecy is None
    event = AuditEvent.objects.filter(action="registry.set_default_secrecy").last()
    assert event is not None and event.before == {
        "default_secrecy": make_provision(SOCIAL).pk,
        "default_withhold_description": True,
    }
    with pytest.raises(ValidationError):  # nothing to withhold without a provision
        registry.do_set_default_secrecy(
            cast["process"], None, withhold_counterpart=True, actor=make_sysadmin("admin3")
        )


def test_the_registration_form_applies_and_shows_the_default(cast: dict[str, Any]) -> None:
    browser = Client()
    browser.force_login(cast["registrar"])
    page = browser.get("/registrera/").content.decode()
    assert "7.1 Individ- och familjeomsorg (sekretess: OSL 26 kap. 1 §)" in page
    form = {
        "mode": "nytt",
        "authority": cast["body"].authority.pk,
        "title": "Ansökan om ekonomiskt bistånd",
        "classification": cast["process"].pk,
        "direction": "inkommen",
        "document_date": timezone.localdate().isoformat(),
        "counterpart": "Sökande",
        "description": "Ansökan",
    }
    answer = browser.post("/registrera/", form)
    assert answer.status_code == 302
    document = Document.objects.get(case__title="Ansökan om ekonomiskt bistånd")
    assert document.secrecy is not None and document.secrecy.reference == SOCIAL
    browser.post("/registrera/", form | {"title": "Ett annat", "open_reason": "Ej enskild."})
    assert Document.objects.get(case__title="Ett annat").secrecy is None


def test_what_kansli_draws_up_from_a_secret_case_is_marked_as_strongly(
    cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rehabilitation matter (OSL 39 kap. 3 §): the letter's sender and description are
    withheld. The officer's report written in the browser, the minutes extract and a
    delegated decision all carry that marking, and a colleague outside the case reads
    none of them."""
    case = make_case("Rehabiliteringsärende", authority=cast["body"].authority)
    letter = make_incoming(case, actor=cast["registrar"])
    registry.do_mark_secrecy(
        letter,
        make_provision(REHAB),
        withhold_counterpart=True,
        withhold_description=True,
        actor=cast["registrar"],
    )
    report = actions.do_write_report(
        case,
        title="Rehabilitering",
        background="Bakgrund.",
        assessment="Bedömning.",
        proposal="Nämnden beslutar enligt förslaget.",
        actor=cast["officer"],
    )
    assert report.secrecy is not None and report.secrecy.reference == REHAB
    assert report.withhold_counterpart and report.withhold_description
    assert report.secrecy_basis == f"Från handling {letter.document_number}"
    assert not may_read(cast["colleague"], report)

    meeting = make_meeting(cast["body"])
    actions.do_preregister_item(
        meeting, case, title="Personalärende", proposal="Bifalls.", report=report, actor=None
    )
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    record_present(minutes, cast["chair"])
    meeting_over(monkeypatch, meeting)
    actions.do_approve_minutes(minutes, verified=True, actor=cast["chair"])
    extract = minutes.paragraphs.get().extract
    assert extract is not None and extract.secrecy is not None
    assert extract.secrecy.reference == REHAB and extract.withhold_description
    assert not may_read(cast["colleague"], extract)

    point = actions.do_add_delegation_point(
        cast["body"].authority,
        "3.1",
        "Beslut om rehabilitering",
        "Personalchef",
        delegates=[cast["officer"]],
        actor=None,
    )
    decision = actions.do_register_delegated_decision(
        point,
        case,
        "Rehabiliteringsplan fastställd.",
        decided_on=timezone.localdate() - datetime.timedelta(days=1),
        decided_by=cast["officer"],
        actor=cast["officer"],
    )
    assert decision.document.secrecy is not None
    assert not may_read(cast["colleague"], decision.document)


def test_an_open_case_gives_open_documents(cast: dict[str, Any]) -> None:
    case = make_case("Parkbänkar", authority=cast["body"].authority)
    make_incoming(case, actor=cast["registrar"])
    report = actions.do_write_report(
        case, title="Parkbänkar", background="B.", assessment="", proposal="Bifall.",
        actor=cast["officer"],
    )  # fmt: skip
    assert report.secrecy is None and report.secrecy_basis == ""
