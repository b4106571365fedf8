"""The e-archive pages in a real browser: the archivist finds them in the menu, starts an
export (run here as `kansli worker` would), reads the packages, registers the
e-archive's receipt and opens the checklist for retiring the system; each page passes
axe."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from kansli.archive.models import Transfer
from kansli.archive.tasks import export_transfer
from kansli.archive.testing import make_archivable_case
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_archivist_exports_and_registers_the_receipt(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    bn = make_authority("BN", "Byggnadsnämnden")
    case = make_archivable_case(bn, datetime.date(2023, 5, 17))
    user = make_user("arkivarie", password="kansli-demo", roles=[(Role.ARCHIVIST, bn)])
    log_in(page, live_server.url, "arkivarie")

    page.get_by_role("navigation").get_by_role("link", name=sv("E-archive")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Transfers to the e-archive"))
    assert axe_violations(page) == []
    page.get_by_label(sv("Cases closed before")).fill("2024-01-01")
    with override_settings(DATA_DIR=tmp_path):
        page.get_by_role("button", name=sv("Export")).click()
        expect(page.locator("#export-progress")).to_be_visible()
    assert axe_violations(page) == []
    transfer = Transfer.objects.get()
    export_transfer.call(transfer.pk, user.pk)  # what `kansli worker` does

    page.reload()
    expect(page.locator("main")).to_contain_text(case.case_number)
    assert axe_violations(page) == []
    page.get_by_label(sv("The e-archive's receipt")).fill("EA-2026-7")
    page.get_by_role("button", name=sv("Register the receipt")).click()
    expect(page.locator("main")).to_contain_text("EA-2026-7")
    assert Transfer.objects.get().status == Transfer.Status.RECEIVED

    page.get_by_role("link", name=sv("Transfers to the e-archive")).click()
    page.get_by_role("link", name=sv("Checklist for retiring the system")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        sv("Checklist for retiring the system")
    )
    assert axe_violations(page) == []
