"""Document types in use (issue 16 part 2): the plan's types for a case's process, with
whether each is registered or kept in order; registering, correcting, the form, the
API, and linking the types registered as free text before (`retention link-types`)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.org import actions as org_actions
from kansli.org.models import Authority
from kansli.org.testing import make_authority
from kansli.registry import actions
from kansli.registry.document_types import TypeOption, type_options
from kansli.registry.models import Case, Classification, Document, DocumentType
from kansli.registry.testing import make_case, make_incoming, make_registrar
from kansli.retention.models import Handling, Outcome
from kansli.retention.testing import make_plan, rule
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
KEEP = {"outcome": Outcome.KEEP}
IN_ORDER = {"handling": Handling.KEPT_IN_ORDER}


def _process(authority: Authority, code: str, title: str) -> Classification:
    parent = authority.classifications.filter(code=code.rpartition(".")[0]).first()
    return Classification.objects.create(authority=authority, code=code, title=title, parent=parent)


def _plans(ks: Authority) -> None:
    """The shared plan: a type for every process, one for process 1 (Styra och leda), one
    for 1.2 and one for 2; KS's own plan keeps Protokoll in process 1 only in order."""
    make_plan(None, [
        rule("Kallelse", **IN_ORDER, outcome=Outcome.DISPOSE, period_years=1),
        rule("Protokoll", process_code="1", **KEEP),
        rule("Begäran om allmän handling", process_code="1.2"),
        rule("Protokoll", process_code="1.2", **IN_ORDER, **KEEP),
        rule("Ansökan om bygglov", process_code="2"),
    ], municipality=ks.municipality)  # fmt: skip
    make_plan(ks, [rule("Tjänsteskrivelse", process_code="1", **KEEP)])


def _case_in(ks: Authority, code: str) -> Case:
    process = ks.classifications.get(code=code)
    return make_case("Begäran om handlingar om parkbänkar", authority=ks, classification=process)


def _setup() -> tuple[Authority, Case]:
    ks = make_authority()
    for code, title in [("1", "Styra och leda"), ("1.2", "Lämna ut allmän handling"),
                        ("1.2.1", "Pröva begäran"), ("2", "Bygga")]:  # fmt: skip
        _process(ks, code, title)
    _plans(ks)
    return ks, _case_in(ks, "1.2.1")


def test_the_options_are_the_process_its_parents_and_every_process() -> None:
    ks, case = _setup()
    assert type_options(case) == [
        TypeOption("Begäran om allmän handling", True, _kind("Begäran om allmän handling")),
        TypeOption("Kallelse", False, _kind("Kallelse")),
        TypeOption("Protokoll", False, _kind("Protokoll")),  # 1.2's rule, not 1's
        TypeOption("Tjänsteskrivelse", True, _kind("Tjänsteskrivelse")),  # KS's own
    ]
    in_1 = type_options(_case_in(ks, "1")) or []
    assert [(o.name, o.handling) for o in in_1] == [
        ("Kallelse", "hålls ordnad"),
        ("Protokoll", "registreras"),
        ("Tjänsteskrivelse", "registreras"),
    ]
    # Unclassified: any type of the plan, registered if any process registers it.
    loose = type_options(make_case("Skrivelse", authority=ks)) or []
    assert [(o.name, o.must_register) for o in loose] == [
        ("Ansökan om bygglov", True), ("Begäran om allmän handling", True),
        ("Kallelse", False), ("Protokoll", True), ("Tjänsteskrivelse", True),
    ]  # fmt: skip
    # Another municipality's authority has no plan: free text.
    assert type_options(make_case(authority=_neighbour())) is None


def test_a_local_rule_overrides_the_shared_one() -> None:
    ks, case = _setup()
    make_plan(ks, [rule("Kallelse", process_code="", outcome=Outcome.KEEP)],
              valid_from=datetime.date(2025, 6, 1))  # fmt: skip
    options = {o.name: o.must_register for o in type_options(case) or []}
    assert options["Kallelse"] is True  # registered by KS's second version
    assert "Tjänsteskrivelse" not in options  # KS's first version no longer applies


def _kind(name: str) -> int:
    return DocumentType.objects.get(name=name).pk


def _neighbour() -> Authority:
    """An authority of another municipality, which has no plan."""
    place = org_actions.do_create_municipality("Grannkommun", actor=None)
    return org_actions.do_create_authority(
        place, Authority.Kind.BOARD, "GN", "Grannämnden", actor=None
    )


def test_a_type_the_plan_does_not_name_is_refused_in_swedish_and_nothing_is_saved() -> None:
    ks, case = _setup()
    registrar = make_registrar(ks)
    before = (Document.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        make_incoming(case, document_type="Ansökan om bygglov", actor=registrar)
    assert refused.value.message_dict == {
        "document_type": [
            "Handlingstypen Ansökan om bygglov finns inte i informationshanteringsplanen för "
            "processen 1.2.1 Pröva begäran. Välj en av planens handlingstyper (Arkivlagen 10 §)."
        ]
    }
    assert (Document.objects.count(), AuditEvent.objects.count()) == before
    document = make_incoming(case, document_type="  begäran  OM allmän handling", actor=registrar)
    assert document.document_type == "Begäran om allmän handling"  # the plan's spelling
    assert document.kind == DocumentType.objects.get(name="Begäran om allmän handling")
    # The system (an import, the disposal report) records what it was given.
    imported = make_incoming(case, document_type="Brev")
    assert (imported.document_type, imported.kind) == ("Brev", None)


def test_without_a_plan_the_type_is_free_text() -> None:
    registrar = make_registrar()
    document = make_incoming(document_type=" Brev ", actor=registrar)
    assert (document.document_type, document.kind) == ("Brev", None)


def test_a_correction_keeps_text_and_kind_in_step() -> None:
    ks, case = _setup()
    registrar = make_registrar(ks)
    old = make_incoming(case, document_type="Brev")  # registered before the plan
    actions.do_correct_document(old, "Fel datum", document_date=YESTERDAY, actor=registrar)
    with pytest.raises(ValidationError) as refused:
        actions.do_correct_document(old, "Typ", document_type="Bygglov", actor=registrar)
    assert "finns inte i informationshanteringsplanen" in refused.value.messages[0]
    actions.do_correct_document(old, "Typ", document_type="kallelse", actor=registrar)
    old.refresh_from_db()
    assert (old.document_type, old.kind_id) == ("Kallelse", _kind("Kallelse"))
    correction = old.corrections.get(reason="Typ")
    assert correction.after == {"document_type": "Kallelse", "kind": _kind("Kallelse")}


def test_the_form_offers_the_plans_types_with_their_handling() -> None:
    ks, case = _setup()
    client = signed_in(make_registrar(ks))
    page = client.get("/registrera/", {"arende": case.case_number}).content.decode()
    assert '<select name="document_type"' in page
    assert '<option value="" selected>Välj handlingstyp</option>' in page
    assert '<option value="Kallelse">Kallelse (hålls ordnad)</option>' in page
    assert (
        '<option value="Begäran om allmän handling">Begäran om allmän handling (registreras)'
        "</option>"
    ) in page
    assert "Ansökan om bygglov" not in page
    assert "Informationshanteringsplanens handlingstyper för ärendets process" in page
    # The field asked again for a new case in process 2 (htmx).
    field = client.post("/registrera/handlingstyp/", {
        "mode": "nytt", "authority": ks.pk, "classification": ks.classifications.get(code="2").pk,
    }).content.decode()  # fmt: skip
    assert '<option value="Ansökan om bygglov">Ansökan om bygglov (registreras)</option>' in field
    assert "Begäran om allmän handling" not in field
    # Registering without a type, or with one the process does not have, is refused.
    data = {"mode": "befintligt", "case_number": case.case_number, "direction": "inkommen",
            "document_date": YESTERDAY.isoformat(), "counterpart": "Anna Andersson",
            "description": "Begäran om protokoll"}  # fmt: skip
    refused = client.post("/registrera/", data).content.decode()
    assert "Välj handlingstyp ur informationshanteringsplanen." in refused
    other = client.post("/registrera/", data | {"document_type": "Ansökan om bygglov"})
    assert "Välj ett giltigt alternativ" in other.content.decode()
    assert not case.documents.exists()
    answer = client.post("/registrera/", data | {"document_type": "Begäran om allmän handling"})
    assert answer.status_code == 302
    assert case.documents.get().kind_id == _kind("Begäran om allmän handling")


def test_the_inbox_form_offers_the_types_of_its_authoritys_plan() -> None:
    ks, _case = _setup()
    client = signed_in(make_registrar(ks))
    item = actions.do_receive_in_inbox(
        ks, store_bytes(b"%PDF-1.4 brev", "brev.pdf"), "brev.pdf", actor=None
    )
    page = client.get(f"/registrera/inkorg/{item.pk}/").content.decode()
    # Not classified yet: any type of the plan; asked again for the item's authority.
    assert '<option value="Ansökan om bygglov">Ansökan om bygglov (registreras)</option>' in page
    assert f'hx-vals=\'{{"authority": "{ks.pk}", "fixed": "1"}}\'' in page
    field = client.post("/registrera/handlingstyp/", {
        "mode": "nytt", "authority": ks.pk, "fixed": "1",
        "classification": ks.classifications.get(code="1.2.1").pk,
    }).content.decode()  # fmt: skip
    assert "Ansökan om bygglov" not in field and '"fixed": "1"' in field


def test_without_a_plan_the_form_has_free_text() -> None:
    case = make_case()
    client = signed_in(make_registrar(case.authority))
    page = client.get("/registrera/", {"arende": case.case_number}).content.decode()
    assert '<input type="text" name="document_type"' in page
    assert '<select name="document_type"' not in page


def test_the_api_refuses_a_type_outside_the_plan_as_json() -> None:
    ks, case = _setup()
    client = api_client(make_registrar(ks))
    letter = {"direction": "inkommen", "document_date": YESTERDAY.isoformat(),
              "description": "Begäran", "counterpart": "Anna Andersson"}  # fmt: skip
    url = f"/api/v1/cases/{case.pk}/documents"
    refused = client.post(url, letter | {"document_type": "Brev"}, content_type="application/json")
    assert refused.status_code == 422
    message = (
        "Handlingstypen Brev finns inte i informationshanteringsplanen för processen 1.2.1 "
        "Pröva begäran. Välj en av planens handlingstyper (Arkivlagen 10 §)."
    )
    assert refused.json() == {"detail": message, "errors": {"document_type": [message]}}
    empty = client.post(url, letter, content_type="application/json")
    assert empty.json()["errors"] == {
        "document_type": ["Välj handlingstyp ur informationshanteringsplanen."]
    }
    kallelse = letter | {"document_type": "KALLELSE"}
    added = client.post(url, kallelse, content_type="application/json")
    assert added.status_code == 201 and added.json()["document_type"] == "Kallelse"


def test_link_types_links_what_the_plan_names_and_reports_the_rest(tmp_path: Any) -> None:
    ks = make_authority()
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    gn = _neighbour()
    cases = {a.code: make_case(authority=a) for a in (ks, bun, gn)}
    texts = {"KS": ["Beslut", "beslut ", "Brev", "Brev", "Brev", "Brev", "E-post", ""],
             "BUN": ["Elevakt", "Beslut"], "GN": ["Beslut"]}  # fmt: skip
    for code, types in texts.items():
        for text in types:
            make_incoming(cases[code], document_type=text)  # before any plan: free text
    make_plan(None, [rule("Beslut", **KEEP)], municipality=ks.municipality)
    make_plan(bun, [rule("Elevakt", **KEEP)])
    out = io.StringIO()
    call_command("retention", "link-types", "--dry-run", stdout=out)
    assert not Document.objects.filter(kind__isnull=False).exists()
    report = tmp_path / "typer.csv"
    call_command("retention", "link-types", "--csv", str(report), stdout=out)
    year = timezone.localdate().year
    assert out.getvalue().splitlines()[-6:] == [
        "Handlingstyper: 4 handlingar kopplade till planens typ, 6 utan matchning (3 typer).",
        "Myndighet\tHandlingstyp\tAntal\tExempel",
        f"GN\tBeslut\t1\tGN {year}/1-1",
        f"KS\tBrev\t4\tKS {year}/1-3, KS {year}/1-4, KS {year}/1-5",
        f"KS\tE-post\t1\tKS {year}/1-7",
        f"Rapporten sparades i {report}.",
    ]
    assert report.read_bytes().decode() == (
        "\ufeffMyndighet;Handlingstyp;Antal;Exempel\r\n"
        f"GN;Beslut;1;GN {year}/1-1\r\n"
        f"KS;Brev;4;KS {year}/1-3, KS {year}/1-4, KS {year}/1-5\r\n"
        f"KS;E-post;1;KS {year}/1-7\r\n"
    )
    linked = Document.objects.filter(kind__isnull=False).order_by("pk")
    assert [(d.document_type, str(d.kind)) for d in linked] == [
        ("Beslut", "Beslut"), ("beslut", "Beslut"), ("Elevakt", "Elevakt"), ("Beslut", "Beslut"),
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="retention.link_types")
    assert event.actor is None
    assert event.after == {"linked": 4, "unmatched": 6, "unmatched_types": 3}
