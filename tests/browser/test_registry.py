import re
import time
from typing import Any

import pytest
from django.utils import timezone, translation

from kansli.files.extract import extract_file_text
from kansli.files.models import StoredFile
from kansli.files.tests import samples
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Case
from kansli.registry.testing import make_incoming
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page: Any) -> None:
    """Let the form's checks and suggestions (htmx, after a short delay) finish first:
    the live server and the test share one SQLite database."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_a_registrar_registers_a_letter_with_the_keyboard(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    registrar = make_user(
        "registrator", password="kansli-demo", first_name="Eva", last_name="Lindqvist",
        roles=[(Role.REGISTRAR, ks)],
    )  # fmt: skip
    log_in(page, live_server.url, "registrator")
    page.get_by_role("link", name=sv("Register"), exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/registrera/")
    assert axe_violations(page) == []

    # Sent empty: the errors are listed at the top and shown at the fields.
    page.get_by_role("button", name=sv("Register"), exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert sv("Enter the case title.") in alert.inner_text()
    title = page.get_by_label(sv("Case title"), exact=True)
    assert title.get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

    # The summary's link takes the keyboard to the field.
    alert.get_by_role("link", name=sv("Enter the case title."), exact=False).focus()
    page.keyboard.press("Enter")
    assert title.evaluate("el => el === document.activeElement")
    title.fill("Medborgarförslag om fler parkbänkar")
    page.keyboard.press("Tab")
    sender = page.get_by_label(sv("Sender or recipient"), exact=True)
    sender.fill("Anna Andersson")
    page.keyboard.press("Tab")
    description = page.get_by_label(sv("Document description"), exact=True)
    description.fill("Medborgarförslag")
    page.keyboard.press("Tab")
    description.press("Enter")

    page.wait_for_url(re.compile(r"/arenden/\d+/"))
    case = Case.objects.get()
    number = f"KS {timezone.localdate().year}/1-1"
    with translation.override("sv"):
        message = translation.gettext("Registered as %(number)s") % {"number": number}
    assert page.get_by_role("status").inner_text().strip() == message
    assert page.get_by_role("heading", level=1).inner_text() == case.title
    assert case.documents.get().counterpart == "Anna Andersson"
    assert case.documents.get().registered_by == registrar
    assert axe_violations(page) == []

    # ... and finds it again from the search page.
    page.get_by_role("link", name="Sök", exact=True).click()
    page.get_by_label("Ord eller diarienummer").fill("Medborgarförslag")
    page.get_by_label("Ord eller diarienummer").press("Enter")
    assert page.get_by_role("link", name=number).is_visible()
    assert axe_violations(page) == []


def test_a_pdf_letter_is_registered_and_found_by_its_text_in_a_minute(live_server, page) -> None:  # type: ignore[no-untyped-def]
    """A registrar registers an incoming letter with a PDF in under a minute from an
    empty form and finds it again by a word from the PDF's text: from the empty form to
    the case page, and from the search page to the hit, by a word that is only in the
    PDF (its text extracted by the worker, here by the test)."""
    title_text = "Klagomål på buller från fläktaggregat"
    ks = make_authority("KS", "Kommunstyrelsen")
    make_user("registrator", password="kansli-demo", roles=[(Role.REGISTRAR, ks)])
    letter = samples.pdf(
        title_text,
        "Fläkten på taket till Hamnkrogen brummar hela nätterna.",
        "Ljudet hörs tydligast från vindskupan mot gården.",
    )
    log_in(page, live_server.url, "registrator")

    started = time.monotonic()
    page.get_by_role("link", name=sv("Register"), exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/registrera/")
    title = page.get_by_label(sv("Case title"), exact=True)
    title.focus()
    page.keyboard.type(title_text)
    page.get_by_label(sv("Sender or recipient"), exact=True).focus()
    page.keyboard.type("Åsa Öberg")
    page.get_by_label(sv("Document description"), exact=True).focus()
    page.keyboard.type("Klagomål")
    page.get_by_label(sv("Files")).set_input_files(
        {"name": "klagomal.pdf", "mimeType": "application/pdf", "buffer": letter}
    )
    settle(page)
    page.get_by_role("button", name=sv("Register"), exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/arenden/\d+/"))
    number = f"KS {timezone.localdate().year}/1-1"
    assert page.get_by_role("heading", level=1).inner_text() == title_text
    assert page.get_by_text("klagomal.pdf").first.is_visible()
    registered = time.monotonic() - started

    # The background worker's job, done here: the PDF's text into the search index.
    stored = Case.objects.get().documents.get().files.get().stored
    assert extract_file_text.call(stored.pk) == StoredFile.Extraction.DONE

    started = time.monotonic()
    page.get_by_role("link", name="Sök", exact=True).click()
    search = page.get_by_label(sv("Words or a case number"))
    search.focus()
    page.keyboard.type("vindskupan")  # only in the PDF, not in the registration
    page.keyboard.press("Enter")
    page.get_by_role("link", name=number).wait_for()
    found = time.monotonic() - started
    elapsed = registered + found
    print(f"registered with a PDF in {registered:.1f} s, found by its text in {found:.1f} s")
    assert elapsed < 60
    assert axe_violations(page) == []


def test_the_case_page_and_my_cases_are_accessible(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, ks)])
    make_user(
        "handlaggare", password="kansli-demo", first_name="Johan", last_name="Berg",
        roles=[(Role.OFFICER, ks)],
    )  # fmt: skip
    document = make_incoming()
    case = document.case
    actions.do_add_party(case, "Bo Bengtsson", protected_identity=True, actor=None)
    actions.do_correct_document(document, "Stavfel", counterpart="Anna Andersén", actor=None)
    voided = make_incoming(case, description="Fel ärende")
    actions.do_void_document(voided, "Registrerad i fel ärende", actor=None)
    officer = case.authority.role_assignments.get(role=Role.OFFICER).user
    actions.do_assign_officer(case, officer, actor=registrar)

    log_in(page, live_server.url, "handlaggare")
    page.get_by_role("link", name=sv("My cases")).first.click()
    page.wait_for_url(f"{live_server.url}/arenden/mina/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=case.case_number).click()
    page.wait_for_url(f"{live_server.url}/arenden/{case.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == case.title
    with translation.override("sv"):
        corrections = translation.ngettext(
            "%(counter)s correction", "%(counter)s corrections", 1
        ) % {"counter": 1}
    page.get_by_text(corrections).click()  # open the correction history
    assert axe_violations(page) == []
