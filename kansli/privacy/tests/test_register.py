"""The record of processing activities (GDPR art. 30) drawn from the plan: the rows a
plan gives, worked out by hand; staff of the authority only; CSV formulas guarded."""

from __future__ import annotations

import pytest
from django.test import Client

from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_provision
from kansli.retention.testing import DEFAULT_RULES, make_plan, rule

pytestmark = pytest.mark.django_db

URL = "/personuppgifter/registerforteckning/"


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_record_has_one_processing_per_process_of_the_plan() -> None:
    ks = make_authority("KS")
    make_provision("OSL 26 kap. 1 §")
    make_plan(ks, [*DEFAULT_RULES, rule("Orosanmälan", process_code="1.2",
                                        process_title="Lämna ut allmän handling",
                                        secrecy="OSL 26 kap. 1 §", legal_basis="=SUM(A1)",
                                        kept_where="Ärendesystemet")])  # fmt: skip
    make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)], first_name="Dag", last_name="Ek")
    officer = client_for(make_user("handl", roles=[(Role.OFFICER, ks)]))

    page = officer.get(URL)
    rows = page.context["rows"]
    csv = officer.get(URL + "?format=csv").content.decode("utf-8-sig")

    assert rows == [
        ["1.1 Styra verksamheten", "Kommunstyrelsen", "Dag Ek", "Beslut", "",
         "Beslut: bevaras", "", ""],
        ["1.2 Lämna ut allmän handling", "Kommunstyrelsen", "Dag Ek",
         "Begäran om allmän handling, Orosanmälan", "OSL 26 kap. 1 §",
         "Begäran om allmän handling: 2 år efter ärendets avslut; "
         "Orosanmälan: 2 år efter ärendets avslut", "Ärendesystemet", "=SUM(A1)"],
    ]  # fmt: skip
    assert ";'=SUM(A1)" in csv


def test_only_staff_of_an_authority_read_it() -> None:
    ks = make_authority("KS")
    make_plan(ks)
    elected = client_for(make_user("ledamot", roles=[(Role.ELECTED, ks)]))
    nobody = client_for(make_user("ingen"))
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    other = client_for(make_user("bun", roles=[(Role.OFFICER, bun)]))

    assert elected.get(URL).status_code == 404
    assert nobody.get(URL).status_code == 404
    answer = other.get(URL + f"?myndighet={ks.pk}")
    assert answer.context["chosen"] == bun  # not KS's, which it does not work in
