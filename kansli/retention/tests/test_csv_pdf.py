"""The plan as CSV and PDF, and the pages and API: an export imports again to the same
rules; a bad file is refused with a Swedish message per row and nothing is saved; the
PDF holds the rules; only the authority's archivist adopts (404 for anyone else, as for
a page that does not exist); staff read plans, the API too."""

from __future__ import annotations

import datetime
import io
import subprocess
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.legacy_csv import FileRefused
from kansli.registry.testing import make_provision
from kansli.retention.actions import do_import_plan
from kansli.retention.csvplan import HEADER, read_plan_csv
from kansli.retention.models import Event, Handling, Medium, Outcome, Plan, PlanRule
from kansli.retention.testing import make_archivist, make_plan, rule
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db
D = datetime.date
DECISION = {"valid_from": "2026-01-01", "adopted_by": "Barn- och utbildningsnämnden",
            "decision_reference": "BUN 2025/40 § 112", "decision_date": "2025-11-20"}  # fmt: skip


@pytest.fixture(autouse=True)
def swedish(settings: Any) -> None:
    settings.LANGUAGE_CODE = "sv"


def _bun() -> Any:
    return make_authority("BUN", "Barn- och utbildningsnämnden")


def _rich_rules() -> list[Any]:
    make_provision("OSL 23 kap. 2 §")
    return [
        rule("Kallelse", outcome=Outcome.KEEP, medium=Medium.PAPER, kept_where="Närarkivet"),
        rule("Elevakt", process_code="3.1.2", process_title="Ge undervisning",
             outcome=Outcome.KEEP, secrecy="OSL 23 kap. 2 §", transfer_years=10,
             legal_basis="Skollagen 3 kap.; SKR:s gallringsråd", note="Även digitala bilagor"),
        rule("Ansökan om skolskjuts", process_code="3.2.1", process_title="Ge skolskjuts",
             period_years=2, starting_event=Event.CASE_CLOSED, kept_where="Ärendesystemet"),
        rule("Minnesanteckning", process_code="3.2.1", handling=Handling.KEPT_IN_ORDER,
             starting_event=Event.OBSOLETE),
        rule("Personalakt", process_code="2.4", process_title="Personal", period_years=5,
             starting_event=Event.EMPLOYMENT_ENDED, legal_basis="-SKR rekommenderar"),
        rule("Frånvaroanmälan", process_code="3.1.2", period_years=1, period_months=6,
             starting_event=Event.YEAR_END, note="=HYPERLINK(\"http://x\")"),
    ]  # fmt: skip


def _fields(plan: Plan) -> list[tuple[Any, ...]]:
    return list(
        plan.rules.order_by("position").values_list(
            "process_code", "process_title", "document_type", "handling", "outcome",
            "period_years", "period_months", "starting_event", "medium", "transfer_years",
            "kept_where",
            "legal_basis", "secrecy__reference", "note",
        )
    )  # fmt: skip


def _upload(client: Client, content: bytes, owner: str, **extra: str) -> Any:
    data = {**DECISION, "owner": owner, "do": "adopt", **extra}
    data["file"] = SimpleUploadedFile("plan.csv", content, content_type="text/csv")  # type: ignore[assignment]
    return client.post("/informationshanteringsplan/importera/", data)


def test_the_export_imports_again_to_the_same_rules() -> None:
    bun = _bun()
    archivist = make_archivist(bun, "arkivarien")
    first = make_plan(bun, _rich_rules(), actor=archivist)
    client = signed_in(archivist)
    exported = client.get(f"/informationshanteringsplan/{first.pk}/csv/")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    content = exported.content
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(HEADER)
    assert "gallras;2;;efter ärendets avslut;digitalt" in text
    assert "'=HYPERLINK" in text and "'-SKR" in text  # guarded against formulas
    response = _upload(client, content, str(bun.pk))
    second = Plan.objects.get(authority=bun, version=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/{second.pk}/")
    assert _fields(second) == _fields(first)
    assert _fields(second)[5][-1] == '=HYPERLINK("http://x")'
    assert second.decision_reference == "BUN 2025/40 § 112"
    assert second.valid_from == D(2026, 1, 1) and second.created_by == archivist


def _csv(*rows: str, header: str = ";".join(HEADER)) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


GOOD = ";;Kallelse;registreras;bevaras;;;;digitalt;;;;"


@pytest.mark.parametrize(
    ("content", "messages"),
    [
        (
            _csv(GOOD, header="Processkod;Process;Handlingstyp;Bevaras/gallras;Medium"),
            ["Kolumner saknas i rubrikraden: Hantering. Rubrikraden ska ha kolumnerna "
             f"{', '.join(HEADER)}."],
        ),
        (
            _csv(GOOD, "1.2;;Ansökan;registreras;slängs;2;;efter ärendets avslut;digitalt;;;;",
                 "1.3;;Beslut;registreras;gallras;två;;efter ärendets avslut;papper;;;;",
                 "1.4;;Protokoll;registreras;gallras;2;;efter mötet;digitalt;;;;",
                 "1.5;;Yttrande;registreras;bevaras;3;;;digitalt;;;;"),
            ["Rad 3: Bevaras/gallras: 'slängs' känns inte igen. Skriv bevaras eller gallras.",
             "Rad 4: Gallringsfrist år: 'två' är inte ett heltal.",
             "Rad 5: Räknas från: 'efter mötet' känns inte igen. Skriv efter ärendets avslut, "
             "efter handlingens datum, efter registrering, efter årets utgång, efter "
             "anställningens upphörande, vid inaktualitet.",
             "Rad 6: En handling som bevaras har ingen gallringsfrist."],
        ),
        (
            _csv(GOOD).replace(b"Kallelse", b"Kalle\xed\xa0\x80lse"),
            ["Rad 2 innehåller ett halvt teckenpar (en ensam surrogat), som inte är text. "
             "Spara filen som UTF-8 och försök igen."],
        ),
        (
            b"\xff\xfe" + _csv(GOOD).decode().encode("utf-16-le")[:40] + b"\x00\xd8"
            + _csv(GOOD).decode().encode("utf-16-le")[40:],
            ["Filen börjar som UTF-16 men byte 43 är inte giltig UTF-16."],
        ),
        (
            _csv(*[GOOD] * 240_000),  # 10 MB
            ["Filen är för stor: högst 2 MB."],
        ),
    ],
    ids=["missing-column", "bad-rows", "lone-surrogate", "utf16-surrogate", "10-mb"],
)  # fmt: skip
def test_a_bad_file_is_refused_in_swedish_and_nothing_is_saved(
    content: bytes, messages: list[str]
) -> None:
    bun = _bun()
    archivist = make_archivist(bun, "arkivarien")
    with pytest.raises(Exception) as caught:
        do_import_plan(
            bun, content, actor=archivist, valid_from=D(2026, 1, 1), adopted_by="BUN",
            decision_reference="BUN § 1", decision_date=D(2025, 1, 1),
        )  # fmt: skip
    assert caught.value.message_dict == {"file": messages}  # type: ignore[attr-defined]
    response = _upload(signed_in(archivist), content, str(bun.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rätta följande" in page or "Please correct" in page
    assert messages[0].replace("'", "&#x27;") in page
    assert not Plan.objects.exists() and not PlanRule.objects.exists()
    assert not AuditEvent.objects.filter(action="retention.plan_adopted").exists()


def test_a_file_without_utf8_is_read_as_windows_1252() -> None:
    sheet = read_plan_csv(_csv(GOOD.replace("Kallelse", "Närvarolista")).decode().encode("cp1252"))
    assert [row.document_type for row in sheet.rows] == ["Närvarolista"] and not sheet.errors


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FileRefused):
        read_plan_csv(b"")
    assert read_plan_csv(_csv()).errors == ["Filen har inga regler under rubrikraden."]


def _pdftotext(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def _in_order(phrase: str, text: str) -> bool:
    """The phrase's words in the text in their order: a cell's text wraps in its column,
    and pdftotext may put the next cell's first line between its lines."""
    words, at = text.split(), 0
    for word in phrase.split():
        try:
            at = words.index(word, at) + 1
        except ValueError:
            return False
    return True


def test_the_pdf_holds_the_rules_and_the_decision() -> None:
    bun = _bun()
    plan = make_plan(bun, _rich_rules(), decision_reference="BUN 2024/40 § 112")
    response = signed_in(make_user("handl", roles=[(Role.OFFICER, bun)])).get(
        f"/informationshanteringsplan/{plan.pk}/pdf/"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdftotext(response.content)
    for expected in [
        "Informationshanteringsplan för Barn- och utbildningsnämnden",
        "BUN 2024/40 § 112", "Gäller från 2025-01-01", "3.1.2 Ge undervisning", "Elevakt",
        "OSL 23 kap. 2 §", "Ansökan om skolskjuts", "Gallras 2 år efter ärendets avslut",
        "Gallras vid inaktualitet", "Gallras 5 år efter anställningens upphörande",
        "Hålls ordnad", "Närarkivet",
    ]:  # fmt: skip
        assert _in_order(expected, text), expected
    assert text.index("Kallelse") < text.index("2.4 Personal") < text.index("3.1.2")


def test_the_proposal_is_printed_without_saving() -> None:
    bun = _bun()
    archivist = make_archivist(bun, "arkivarien")
    content = _csv(GOOD, "2.1;Nämndadministration;Protokoll;registreras;bevaras;;;;papper;;;;")
    response = _upload(signed_in(archivist), content, str(bun.pk), do="pdf", adopted_by="")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdftotext(response.content)
    assert "Förslag" in text and "2.1 Nämndadministration" in text and "Protokoll" in text
    assert not Plan.objects.exists()


def test_only_the_archivist_finds_the_import() -> None:
    bun = _bun()
    ks = make_authority()
    content = _csv(GOOD)
    officer = signed_in(make_user("handl", roles=[(Role.OFFICER, bun)]))
    assert officer.get("/informationshanteringsplan/importera/").status_code == 404
    assert _upload(officer, content, str(bun.pk)).status_code == 404
    # KS's archivist adopts the shared plan and KS's own, never BUN's.
    ks_archivist = signed_in(make_archivist(ks, "ks-ark"))
    page = ks_archivist.get("/informationshanteringsplan/importera/")
    assert [key for key, _label in page.context["form"].fields["owner"].choices] == [
        "shared",
        str(ks.pk),
    ]
    refused = _upload(ks_archivist, content, str(bun.pk))
    assert refused.status_code == 200 and refused.context["form"].errors["owner"]
    assert not Plan.objects.exists()
    assert _upload(ks_archivist, content, "shared").status_code == 302
    assert Plan.objects.get().authority is None


def test_staff_read_plans_and_others_do_not() -> None:
    bun = _bun()
    plan = make_plan(bun, _rich_rules())
    shared = make_plan(None, valid_from=D(2024, 1, 1))
    officer = make_user("handl", roles=[(Role.OFFICER, bun)])
    page = signed_in(officer).get("/informationshanteringsplan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/informationshanteringsplan/{plan.pk}/" in html
    assert f"/informationshanteringsplan/{shared.pk}/" in html
    detail = signed_in(officer).get(f"/informationshanteringsplan/{plan.pk}/")
    assert "Ansökan om skolskjuts" in detail.content.decode()
    member = make_user("ledamot", roles=[(Role.ELECTED, bun)])
    for url in ["/informationshanteringsplan/", f"/informationshanteringsplan/{plan.pk}/",
                f"/informationshanteringsplan/{plan.pk}/csv/"]:  # fmt: skip
        assert signed_in(member).get(url).status_code == 404
        assert Client().get(url).status_code == 302  # to the login page


def test_the_api_lists_and_reads_plans() -> None:
    bun = _bun()
    plan = make_plan(bun, _rich_rules())
    shared = make_plan(None, valid_from=D(2024, 1, 1))
    client = api_client(make_user("handl", roles=[(Role.OFFICER, bun)]))
    listed = client.get("/api/v1/retention/plans").json()
    assert {(p["authority"], p["version"], p["in_force"]) for p in listed} == {
        (None, 1, True),
        ("BUN", 1, True),
    }
    assert client.get("/api/v1/retention/plans?authority=bun").json()[0]["id"] == plan.pk
    assert [p["id"] for p in client.get("/api/v1/retention/plans?shared=true").json()] == [
        shared.pk
    ]
    read = client.get(f"/api/v1/retention/plans/{plan.pk}").json()
    assert read["decision_reference"] == "KS 2024/14 § 23"
    skolskjuts = next(r for r in read["rules"] if r["document_type"] == "Ansökan om skolskjuts")
    assert skolskjuts["period"] == "2 år efter ärendets avslut"
    assert skolskjuts["outcome"] == "dispose" and skolskjuts["starting_event"] == "case_closed"
    member = api_client(make_user("ledamot", roles=[(Role.ELECTED, bun)]))
    assert member.get("/api/v1/retention/plans").json() == []
    assert member.get(f"/api/v1/retention/plans/{plan.pk}").status_code == 404
    assert client.get("/api/v1/retention/plans/999999").status_code == 404
    assert Client().get("/api/v1/retention/plans").status_code == 401


def test_io_is_not_needed_for_reading() -> None:
    # read_plan_csv takes bytes, as an upload and a command give them.
    assert read_plan_csv(io.BytesIO(_csv(GOOD)).getvalue()).rows[0].document_type == "Kallelse"
