"""The registration form's document type follows the process chosen (issue 16 part 2):
with a plan in force, the choice offers the plan's types for that process, each marked
registered or kept in order, and stays accessible."""

from typing import Any

import pytest

from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.models import Case, Classification
from kansli.retention.models import Handling, Outcome
from kansli.retention.testing import make_plan, rule
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _options(page: Any) -> list[str]:
    return page.locator("#id_document_type option").all_inner_texts()


def test_the_types_follow_the_process_chosen(live_server, page) -> None:
    ks = make_authority("KS", "Kommunstyrelsen")
    for code, title in [("1", "Samverka"), ("2", "Bygga")]:
        Classification.objects.create(authority=ks, code=code, title=title)
    make_plan(None, [
        rule("Remiss", process_code="1", outcome=Outcome.KEEP),
        rule("Ansökan om bygglov", process_code="2", outcome=Outcome.KEEP),
        rule("Kallelse", handling=Handling.KEPT_IN_ORDER),
    ], municipality=ks.municipality)  # fmt: skip
    make_user("registrator", password="kansli-demo", roles=[(Role.REGISTRAR, ks)])
    log_in(page, live_server.url, "registrator")
    page.goto(f"{live_server.url}/registrera/")
    assert _options(page) == [
        "Välj handlingstyp", "Ansökan om bygglov (registreras)", "Kallelse (hålls ordnad)",
        "Remiss (registreras)",
    ]  # fmt: skip
    page.locator("#id_classification").select_option(label="1 Samverka")
    page.wait_for_function("() => !document.querySelector('#id_document_type option[value^=Ans]')")
    assert _options(page) == [
        "Välj handlingstyp",
        "Kallelse (hålls ordnad)",
        "Remiss (registreras)",
    ]
    assert axe_violations(page) == []
    page.get_by_label(sv("Case title"), exact=True).fill("Remiss om översiktsplan")
    page.get_by_label(sv("Sender or recipient"), exact=True).fill("Länsstyrelsen")
    page.get_by_label(sv("Document description"), exact=True).fill("Remiss")
    page.locator("#id_document_type").select_option("Remiss")
    page.get_by_role("button", name=sv("Register"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/arenden/**")
    document = Case.objects.get().documents.get()
    assert (document.document_type, str(document.kind)) == ("Remiss", "Remiss")
