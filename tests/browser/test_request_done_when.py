"""Issue 14's first "done when": an anonymous citizen asks for a secret document from
the public form; the registrar links it, redacts two personal identity numbers and a
name in the browser and delivers a download link; the citizen downloads a PDF from
which none of the three can be read by pypdf, pdftotext, PyMuPDF or OCR of the rendered
page; the request's case holds the review and the delivery; and nothing in the
database, the logs, the cache or the stored files holds the citizen's address or
browser (TF 2 kap. 18 §)."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from kansli.access.testing import make_access_group
from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.redaction.verify import pdftotext_text
from kansli.registry.actions import do_attach_file
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.requests.models import AccessRequest, Review
from tests.browser.conftest import log_in, status, sv
from tests.browser.test_redaction import NUMBERS, letter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "127.0.0.1"  # where both the citizen's and the staff's browser connect from


def texts_of(pdf: bytes) -> dict[str, str]:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        mupdf = "".join(page.get_text() for page in document)
        png = document[0].get_pixmap(dpi=200).tobytes("png")
    ocr = subprocess.run(["tesseract", "stdin", "stdout", "-l", "swe"], input=png,
                         capture_output=True, check=True).stdout.decode()  # fmt: skip
    return {
        "pypdf": "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages),
        "pdftotext": pdftotext_text(pdf),
        "PyMuPDF": mupdf,
        "OCR": ocr,
    }


def test_an_anonymous_citizen_receives_a_redacted_copy_and_leaves_no_trace(
    live_server: Any, browser: Any, page: Any, settings: Any, caplog: Any
) -> None:
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    caplog.set_level(logging.DEBUG)
    ks = make_authority("KS", "Kommunstyrelsen")
    registrar = make_user("registrator", password="kansli-demo", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [registrar])
    secret = make_incoming(make_case(authority=ks), secrecy=make_provision("OSL 26 kap. 1 §"),
                           description="Ansökan om försörjningsstöd")  # fmt: skip
    do_attach_file(secret, store_bytes(letter(), "ansokan.pdf"), "ansokan.pdf", actor=None)
    number = secret.document_number

    # The citizen asks, without a name or an address.
    user_agent = "Medborgarens webbläsare/1.0"
    citizen_context = browser.new_context(locale="sv-SE", user_agent=user_agent)
    citizen = citizen_context.new_page()
    citizen.goto(f"{live_server.url}/begaran/")
    citizen.get_by_label(sv("Which authority has the documents?")).select_option(label=str(ks))
    citizen.get_by_label(sv("Which documents do you want?")).fill(f"Handling {number}.")
    citizen.get_by_role("button", name=sv("Send the request")).click()
    citizen.wait_for_url("**/begaran/kvitto/**")
    made = AccessRequest.objects.get()
    assert made.case.case_number in citizen.content()
    assert made.name == made.contact == ""

    # The registrar finds it oldest first, links the document and redacts it.
    log_in(page, live_server.url, "registrator")
    page.goto(f"{live_server.url}/begaran/oversikt/")
    page.get_by_role("link", name=made.case.case_number).first.click()
    page.get_by_role("link", name=sv("Link to a document")).click()
    page.get_by_label(sv("Document number")).fill(number)
    page.get_by_role("button", name=sv("Link")).click()
    item = made.items.get()
    page.goto(f"{live_server.url}/begaran/{made.pk}/handling/{item.pk}/maskera/")
    page.get_by_role("button", name=sv("Mark all personal identity numbers")).click()
    page.wait_for_function("() => document.querySelectorAll('#redact-areas li').length === 2")
    image = page.get_by_alt_text(sv("Page %(number)s of the document", number=1))
    image.wait_for()
    box = image.bounding_box()
    scale = box["width"] / 595  # an A4 page drawn at the image's width
    page.mouse.move(box["x"] + 70 * scale, box["y"] + 82 * scale)
    page.mouse.down()
    page.mouse.move(box["x"] + 200 * scale, box["y"] + 106 * scale, steps=5)
    page.mouse.up()
    assert page.locator("#redact-areas li").count() == 3
    page.get_by_role("button", name=sv("Redact and check")).click()
    page.wait_for_url("**/maskera/*/")

    # Delivered by a download link, the fee shown first (one page: free).
    page.goto(f"{live_server.url}/begaran/{made.pk}/leverera/")
    page.get_by_label(number).check()
    page.get_by_label(sv("download link")).check()
    page.get_by_role("button", name=sv("Show pages and fee")).click()
    # The same address answers the post: wait for the new page, not the old one's text.
    expect(page.locator("main")).to_contain_text(sv("Fee: %(fee)s kr.", fee="0"))
    page.get_by_role("button", name=sv("Deliver")).click()
    # The link (e-mailed, or given by phone to whoever left no address) names the
    # site's address from KANSLI_BASE_URL; here the test's server answers it.
    link = re.search(r"/begaran/hamta/[^/\s<\"]+/", status(page) + page.content())
    assert link is not None

    # The citizen downloads the copy.
    citizen.goto(live_server.url + link.group(0))
    with citizen.expect_download() as download:
        citizen.get_by_role("link").filter(has_text=".pdf").first.click()
    copy = Path(download.value.path()).read_bytes()
    for extractor, text in texts_of(copy).items():
        for marked in ("Holm", *NUMBERS, "9876", "1239"):
            assert marked not in text, (extractor, marked)
        assert "försörjningsstöd" in text, extractor

    # The request's case holds the review, the redacted copy and the delivery.
    item.refresh_from_db()
    assert item.review == Review.REDACT and item.reviewed_by == registrar
    assert item.redacted is not None and item.redacted.case_id == made.case_id
    made.refresh_from_db()
    assert made.deliveries.get().downloads == 1
    assert made.case.documents.count() == 3  # the request, the redacted copy, the delivery

    # Nothing holds the citizen's address or browser. The staff's own events keep the
    # address they worked from (the same loopback address here), and only those.
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", stdout=out)
    rows = json.loads(out.getvalue())
    for row in rows:
        text = json.dumps(row, ensure_ascii=False)
        assert user_agent not in text, row["model"]
        if ADDRESS in text and row["model"] == "audit.auditevent":
            assert row["fields"]["actor"] is not None, row
        elif ADDRESS in text:  # the sign-in log (django-axes) of the registrar
            assert row["model"].startswith("axes.") and "registrator" in text, row
    citizen_events = AuditEvent.objects.filter(actor=None, action__startswith="requests.")
    assert citizen_events.exists()
    assert not citizen_events.exclude(client_ip=None).exists()
    assert not any(user_agent in record.getMessage() for record in caplog.records)
    assert not any(ADDRESS in str(key) for key in cache._cache)  # type: ignore[attr-defined]
    for path in Path(settings.DATA_DIR).rglob("*"):
        if path.is_file() and ".sqlite3" not in path.name:  # the database is checked above
            data = path.read_bytes()
            assert ADDRESS.encode() not in data and user_agent.encode() not in data, path
    citizen_context.close()
