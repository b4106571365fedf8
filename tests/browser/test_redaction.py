"""Issue 14's redaction in the browser: the reviewer marks every personal identity
number with the search button and a name by drawing a rectangle with the mouse; the
redacted copy registered in the request's case holds none of them for pypdf, pdftotext,
PyMuPDF or OCR of the rendered page."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pymupdf
import pytest
from pypdf import PdfReader

from kansli.access.testing import make_access_group
from kansli.files.store import store_bytes
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.redaction.find import find_text
from kansli.redaction.verify import pdftotext_text
from kansli.registry.actions import do_attach_file
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.requests.models import RequestedItem
from kansli.requests.testing import make_request
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Bertil Holm"
NUMBERS = ("19811218-9876", "900101-1239")


def letter() -> bytes:
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 100), f"Klient: {NAME}", fontsize=14)
    page.insert_text((72, 140), f"Personnummer {NUMBERS[0]}, ombud {NUMBERS[1]}.", fontsize=11)
    page.insert_text((72, 180), "Ansökan om försörjningsstöd för december.", fontsize=11)
    return document.tobytes()


def test_a_reviewer_redacts_two_numbers_and_a_name(live_server: Any, page: Any) -> None:
    ks = make_authority("KS", "Kommunstyrelsen")
    reviewer = make_user("registrator", password="kansli-demo", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [reviewer])
    provision = make_provision("OSL 26 kap. 1 §")
    secret = make_incoming(make_case(authority=ks), secrecy=provision,
                           description="Ansökan om försörjningsstöd")  # fmt: skip
    pdf = letter()
    do_attach_file(secret, store_bytes(pdf, "ansokan.pdf"), "ansokan.pdf", actor=None)
    item = make_request(ks, documents=[secret]).items.get()
    (name_area,) = find_text(pdf, [NAME])

    log_in(page, live_server.url, "registrator")
    page.goto(f"{live_server.url}/begaran/{item.request.pk}/handling/{item.pk}/maskera/")
    areas = page.locator("#redact-areas li")
    page.get_by_role("button", name=sv("Mark all personal identity numbers")).click()
    page.wait_for_function("() => document.querySelectorAll('#redact-areas li').length === 2")

    # A rectangle drawn by mouse a little larger than the name.
    image = page.get_by_alt_text(sv("Page %(number)s of the document", number=1))
    image.wait_for()
    box = image.bounding_box()
    scale = box["width"] / 595
    x0, y0, x1, y1 = name_area.rect
    page.mouse.move(box["x"] + (x0 - 3) * scale, box["y"] + (y0 - 3) * scale)
    page.mouse.down()
    page.mouse.move(box["x"] + (x1 + 3) * scale, box["y"] + (y1 + 3) * scale, steps=5)
    page.mouse.up()
    assert areas.count() == 3
    assert axe_violations(page) == []

    page.get_by_role("button", name=sv("Redact and check")).click()
    page.wait_for_url("**/maskera/*/")
    assert "Ingen markerad text finns kvar" in page.get_by_role("status").first.inner_text()

    item = RequestedItem.objects.select_related("redacted").get(pk=item.pk)
    assert item.review == "redact" and item.redacted is not None
    with item.redacted.files.get().stored.open() as opened:
        result = opened.read()
    with pymupdf.open(stream=result, filetype="pdf") as document:
        mupdf = document[0].get_text()
        png = document[0].get_pixmap(dpi=200).tobytes("png")
    pypdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result)).pages)
    ocr = subprocess.run(["tesseract", "stdin", "stdout", "-l", "swe"], input=png,
                         capture_output=True, check=True).stdout.decode()  # fmt: skip
    for text in (pypdf, pdftotext_text(result), mupdf, ocr):
        assert "Holm" not in text and "9876" not in text and "1239" not in text
        assert "försörjningsstöd" in text
