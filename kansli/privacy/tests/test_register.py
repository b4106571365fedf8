"""The record of processing activities (GDPR art. 30) drawn from the plan: the rows a
plan gives, worked out by hand; for the authority's registrars, archivists, data
protection officers and managers only; CSV formulas guarded; the PDF holds the
processes."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from kansli.org.models import Authority, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_provision
from kansli.retention.models import Event
from kansli.retention.testing import DEFAULT_RULES, make_plan, rule

pytestmark = pytest.mark.django_db

URL = "/personuppgifter/registerforteckning/"


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def ks() -> Authority:
    ks = make_authority("KS")
    make_provision("OSL 26 kap. 1 §")
    make_plan(ks, [*DEFAULT_RULES,
                   rule("Orosanmälan", process_code="1.2", process_title="Lämna ut allmän handling",
                        secrecy="OSL 26 kap. 1 §", legal_basis="=SUM(A1)",
                        kept_where="Ärendesystemet"),
                   rule("Minnesanteckningar", starting_event=Event.OBSOLETE)])  # fmt: skip
    make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)], first_name="Dag", last_name="Ek")
    return ks


# By hand from the plan above: the rules of every process (no code) first, then 1.1 and
# 1.2; the controller is the authority in its municipality; the officer by name.
EXPECTED = [
    ["Alla processer", "Kommunstyrelsen, Provkommun", "Dag Ek", "Minnesanteckningar", "Nej",
     "Minnesanteckningar: vid inaktualitet", "", ""],
    ["1.1 Styra verksamheten", "Kommunstyrelsen, Provkommun", "Dag Ek", "Beslut", "Nej",
     "Beslut: bevaras", "", ""],
    ["1.2 Lämna ut allmän handling", "Kommunstyrelsen, Provkommun", "Dag Ek",
     "Begäran om allmän handling, Orosanmälan", "Orosanmälan: OSL 26 kap. 1 §",
     "Begäran om allmän handling: 2 år efter ärendets avslut; "
     "Orosanmälan: 2 år efter ärendets avslut", "Ärendesystemet", "=SUM(A1)"],
]  # fmt: skip


def test_the_record_has_one_processing_per_process_of_the_plan(ks: Authority) -> None:
    archivist = client_for(make_user("ark", roles=[(Role.ARCHIVIST, ks)]))

    page = archivist.get(URL)

    assert page.status_code == 200
    assert page.context["rows"] == EXPECTED


def test_the_csv_guards_formulas(ks: Authority) -> None:
    registrar = client_for(make_user("reg", roles=[(Role.REGISTRAR, ks)]))

    csv = registrar.get(URL + "?format=csv").content.decode("utf-8-sig")

    assert csv.splitlines()[0].startswith("Process;Personuppgiftsansvarig;")
    assert ";'=SUM(A1)" in csv and ";=SUM(A1)" not in csv
    assert "1.2 Lämna ut allmän handling" in csv


def test_the_pdf_holds_the_processes(ks: Authority) -> None:
    manager = client_for(make_user("chef", roles=[(Role.MANAGER, ks)]))

    answer = manager.get(URL + f"?myndighet={ks.pk}&format=pdf")

    assert answer["Content-Type"] == "application/pdf"
    assert "registerforteckning-KS-" in answer["Content-Disposition"]
    reader = PdfReader(io.BytesIO(answer.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for process in ("Styra verksamheten", "Lämna ut allmän handling", "Alla processer"):
        assert process in text
    assert "Registerförteckning" in text and "Dag Ek" in text


def test_only_those_who_keep_the_record_read_it(ks: Authority) -> None:
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    make_plan(bun)
    readers = [make_user(f"u-{role}", roles=[(role, ks)]) for role in (
        Role.REGISTRAR, Role.ARCHIVIST, Role.DATA_PROTECTION_OFFICER, Role.MANAGER)]  # fmt: skip
    for user in readers:
        assert client_for(user).get(URL).status_code == 200, user

    officer_elsewhere = client_for(make_user("bun", roles=[(Role.OFFICER, bun)]))
    registrar_elsewhere = client_for(make_user("bunreg", roles=[(Role.REGISTRAR, bun)]))
    others = [
        officer_elsewhere,
        client_for(make_user("ledamot", roles=[(Role.ELECTED, ks)])),
        client_for(make_user("handl", roles=[(Role.OFFICER, ks)])),
        client_for(make_user("ingen")),
    ]
    for client in others:
        for query in ("", "?format=csv", "?format=pdf", f"?myndighet={ks.pk}"):
            assert client.get(URL + query).status_code == 404
    assert Client().get(URL).status_code == 302  # to the login page
    # Another authority's registrar reads BUN's record, never KS's.
    assert registrar_elsewhere.get(URL).context["chosen"] == bun
    assert registrar_elsewhere.get(URL + f"?myndighet={ks.pk}").status_code == 404
    assert registrar_elsewhere.get(URL + f"?myndighet={ks.pk}&format=csv").status_code == 404
    assert registrar_elsewhere.post(URL).status_code == 405
