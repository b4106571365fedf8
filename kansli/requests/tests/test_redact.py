"""Redacting a document asked for: the copy is made from the document's current file,
checked, and registered open in the request's case only when no marked text survives;
the original and its file are untouched; who may not read the document cannot redact
it; bad areas are refused with nothing saved."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pymupdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from kansli.access.testing import make_access_group
from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.redaction.find import find_personal_numbers, find_text
from kansli.redaction.verify import pdftotext_text
from kansli.registry.actions import do_attach_file
from kansli.registry.models import Document, DocumentFile
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.requests.actions.redact import do_redact_item, not_verified_message, source_pdf
from kansli.requests.models import Redaction, RequestedItem
from kansli.requests.testing import make_request

pytestmark = pytest.mark.django_db

NAME, NUMBER = "Bertil Holm", "19811218-9876"
PROVISION = "OSL 26 kap. 1 §"


def letter() -> bytes:
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 100), f"Klient: {NAME}, personnummer {NUMBER}.", fontsize=11)
    page.insert_text((72, 130), "Ansökan om försörjningsstöd för december.", fontsize=11)
    return document.tobytes()


@pytest.fixture
def registrar() -> Any:
    ks = make_authority("KS")
    user = make_user("registratorn", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [user])
    return user


def item_with(data: bytes, name: str) -> RequestedItem:
    ks = make_authority("KS")
    make_provision(PROVISION)
    secret = make_incoming(make_case(authority=ks), secrecy=make_provision(PROVISION),
                           description="Ansökan om försörjningsstöd")  # fmt: skip
    do_attach_file(secret, store_bytes(data, name), name, actor=None)
    return make_request(ks, documents=[secret]).items.get()


def areas_of(pdf: bytes, *names: str) -> list[dict[str, Any]]:
    found = find_personal_numbers(pdf) + find_text(pdf, names)
    return [{"page": a.page, "rect": list(a.rect), "provision": PROVISION} for a in found]


def current_bytes(document: Document) -> bytes:
    document_file = document.files.get()
    with document_file.stored.open() as opened:
        return opened.read()


def test_a_verified_redaction_is_registered_open_in_the_request_case(registrar: Any) -> None:
    pdf = letter()
    item = item_with(pdf, "ansokan.pdf")
    original = item.document
    assert original is not None
    redaction = do_redact_item(item, areas_of(pdf, NAME), needles=[NAME], actor=registrar)
    assert redaction.verified and redaction.made_by == registrar
    assert [a["provision"] for a in redaction.areas] == [PROVISION, PROVISION]
    assert redaction.checked["checked"] == 2
    assert {n: e["found"] for n, e in redaction.checked["extractors"].items()} == {
        "pypdf": 0, "pdftotext": 0}  # fmt: skip
    assert NAME not in str(redaction.checked) and "19811218" not in str(redaction.checked)
    item.refresh_from_db()
    copy = item.redacted
    assert copy is not None and copy.case == item.request.case
    assert item.review == "redact" and [str(p) for p in item.provisions.all()] == [PROVISION]
    assert copy.secrecy is None and copy.direction == "upprattad"
    assert copy.description == f"Maskerad kopia av {original.document_number}"
    result = current_bytes(copy)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result)).pages)
    for reader in (text, pdftotext_text(result)):
        assert NAME not in reader and "19811218" not in reader and "försörjningsstöd" in reader
    # The original is untouched: the same one file with the same bytes.
    assert original.files.count() == 1
    assert hashlib.sha256(current_bytes(original)).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert redaction.source == original.files.get().stored
    event = AuditEvent.objects.get(action="requests.redact_item")
    after = event.after or {}
    assert (after["verified"], after["copy"]) == (True, copy.document_number)
    assert NAME not in str(after)
    assert "Holm" not in " ".join(item.request.case.timeline.values_list("text", flat=True))


def test_a_redaction_that_misses_a_marked_string_is_not_registered(registrar: Any) -> None:
    pdf = letter()
    item = item_with(pdf, "ansokan.pdf")
    documents = Document.objects.count()
    redaction = do_redact_item(item, areas_of(pdf), needles=[NAME], actor=registrar)
    assert not redaction.verified
    assert redaction.checked["extractors"]["pdftotext"]["found"] == 1
    item.refresh_from_db()
    assert item.redacted is None and item.review == "pending"
    assert Document.objects.count() == documents
    message = not_verified_message(redaction)
    assert "finns kvar" in message and "lämnas ut" in message and NAME not in message
    assert item.request.case.timeline.filter(text__contains="underkändes").exists()


def test_who_may_not_read_the_document_cannot_redact_it(registrar: Any) -> None:
    pdf = letter()
    item = item_with(pdf, "ansokan.pdf")
    outside_group = make_user(roles=[(Role.OFFICER, item.request.authority)])
    other = make_user(roles=[(Role.REGISTRAR, make_authority("BN", "Byggnadsnämnden"))])
    for actor in (outside_group, other, None):
        with pytest.raises(PermissionDenied):
            do_redact_item(item, areas_of(pdf, NAME), actor=actor)
    assert not Redaction.objects.exists()


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ({"page": 2, "rect": [0, 0, 50, 50], "provision": PROVISION}, "Sidan 2 finns inte"),
        ({"page": 1, "rect": [900, 900, 950, 950], "provision": PROVISION}, "utanför sidan"),
        ({"page": 1, "rect": [0, 0, 50, 50], "provision": "OSL 99 kap."}, "bestämmelse"),
        ({"page": 1, "rect": [0, 0, "x", 50], "provision": PROVISION}, "kunde inte läsas"),
        ({"page": 1, "rect": [0, 0, float("nan"), 50], "provision": PROVISION}, "kunde inte"),
        ({"page": 1}, "kunde inte läsas"),
    ],
)
def test_bad_areas_are_refused_and_nothing_is_saved(
    registrar: Any, area: dict[str, Any], message: str
) -> None:
    item = item_with(letter(), "ansokan.pdf")
    with pytest.raises(ValidationError, match=message):
        do_redact_item(item, [area], actor=registrar)
    with pytest.raises(ValidationError, match="minst ett område"):
        do_redact_item(item, [], actor=registrar)
    assert not Redaction.objects.exists()
    assert not AuditEvent.objects.filter(action="requests.redact_item").exists()


def test_a_word_document_is_converted_and_redacted(registrar: Any) -> None:
    word = samples.word(paragraph=f"Klienten {NAME} har personnummer {NUMBER}.")
    item = item_with(word, "utredning.docx")
    assert item.document is not None
    source = item.document.files.get().stored
    pdf = source_pdf(DocumentFile.objects.get(stored=source))
    redaction = do_redact_item(item, areas_of(pdf, NAME), needles=[NAME], actor=registrar)
    assert redaction.verified and redaction.source.content_type == "application/pdf"
    item.refresh_from_db()
    assert item.redacted is not None
    assert "Holm" not in pdftotext_text(current_bytes(item.redacted))
    assert item.document.files.get().stored == source  # the Word file stays


def urls(item: RequestedItem) -> dict[str, str]:
    base = f"/begaran/{item.request.pk}/handling/{item.pk}/maskera/"
    return {"page": base, "png": base + "sida/1.png", "search": base + "sok/"}


def test_the_page_marks_by_search_and_redacts_through_the_form(client: Any, registrar: Any) -> None:
    pdf = letter()
    item = item_with(pdf, "ansokan.pdf")
    client.force_login(registrar)
    url = urls(item)
    page = client.get(url["page"])
    assert page.status_code == 200 and "Markera alla personnummer" in page.content.decode()
    image = client.get(url["png"])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert image["Cache-Control"] == "private, no-store"
    assert client.get(url["page"] + "sida/2.png").status_code == 404
    numbers = client.post(url["search"], {"personal_numbers": True},
                          content_type="application/json").json()["areas"]  # fmt: skip
    names = client.post(url["search"], {"needles": [NAME]},
                        content_type="application/json").json()["areas"]  # fmt: skip
    assert [a["page"] for a in numbers + names] == [1, 1]
    for body in ("{", "[1]", '{"needles": "Holm"}', '{"needles": [1]}', "x=1"):
        bad = client.post(url["search"], body, content_type="application/json")
        assert bad.status_code == 400 and bad.json() == {"error": "Sökningen kunde inte läsas."}
    form = client.post(url["search"], {"needles": NAME})  # multipart: no JSON body to read
    assert form.status_code == 400
    areas = [a | {"provision": PROVISION} for a in numbers + names]
    sent = client.post(url["page"], {"areas": json.dumps(areas), "needles": json.dumps([NAME])})
    redaction = Redaction.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"/maskera/{redaction.pk}/")
    shown = client.get(sent["Location"]).content.decode()
    assert "Ingen markerad text finns kvar i kopian" in shown and NAME not in shown
    assert client.get(sent["Location"] + "sida/1.png").content.startswith(b"\x89PNG")


def test_bad_areas_from_the_form_are_refused_in_swedish(client: Any, registrar: Any) -> None:
    item = item_with(letter(), "ansokan.pdf")
    client.force_login(registrar)
    for areas in ("[", '{"page": 1}', "[]"):
        answer = client.post(urls(item)["page"], {"areas": areas})
        assert answer.status_code == 400
        assert "Maskeringen gjordes inte" in answer.content.decode()
    assert not Redaction.objects.exists()


def test_who_may_not_read_the_document_gets_404_everywhere(client: Any, registrar: Any) -> None:
    item = item_with(letter(), "ansokan.pdf")
    client.force_login(make_user(roles=[(Role.OFFICER, item.request.authority)]))
    for url in urls(item).values():
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {}, content_type="application/json").status_code == 404
    assert (
        client.get(f"/begaran/{item.request.pk}/handling/{item.pk + 99}/maskera/").status_code
        == 404
    )


def test_a_turned_page_is_marked_as_shown_and_redacted(client: Any, registrar: Any) -> None:
    document = pymupdf.open()
    page = document.new_page()  # A4 upright, turned a quarter to lie landscape
    page.insert_text((72, 100), f"Klient: {NAME}", fontsize=11)
    page.insert_text((72, 300), "Ansökan om försörjningsstöd.", fontsize=11)
    page.set_rotation(90)
    pdf = document.tobytes()
    item = item_with(pdf, "vriden.pdf")
    client.force_login(registrar)
    url = urls(item)
    assert 'data-width="842.0" data-height="595.0"' in client.get(url["page"]).content.decode()
    (found,) = client.post(url["search"], {"needles": [NAME]},
                           content_type="application/json").json()["areas"]  # fmt: skip
    x0, _y0, _x1, y1 = found["rect"]
    assert x0 > 595 and y1 < 595  # where the name is seen: on the right of the landscape
    area = found | {"provision": PROVISION}
    client.post(url["page"], {"areas": json.dumps([area]), "needles": json.dumps([NAME])})
    redaction = Redaction.objects.get()
    assert redaction.verified
    with redaction.result.open() as opened:
        text = pdftotext_text(opened.read())
    assert "Holm" not in text and "försörjningsstöd" in text


def test_a_crafted_pdf_costs_the_redaction_pages_no_more_than_their_limits(
    client: Any, registrar: Any, settings: Any
) -> None:
    # An outsider's PDF that every renderer draws for hours (samples.nested_forms): the
    # web process renders, searches and redacts it only in a child within the limits,
    # and the reviewer is told so.
    settings.REQUEST_SECONDS = 3  # a request's deadline (SandboxDeadlineMiddleware)
    item = item_with(samples.nested_forms(30), "ansokan.pdf")
    client.force_login(registrar)
    url = urls(item)
    assert client.get(url["page"]).status_code == 200  # its page sizes are read at once
    assert client.get(url["png"]).status_code == 404
    searched = client.post(url["search"], {"needles": ["Storgatan"]},
                           content_type="application/json")  # fmt: skip
    assert searched.status_code == 422
    assert searched.json() == {
        "error": "Filen kunde inte läsas för maskering (hann inte bli klart inom sidans "
                 "tidsgräns på 3 s)."}  # fmt: skip
    area = {"page": 1, "rect": [72, 80, 300, 110], "provision": PROVISION}
    sent = client.post(url["page"], {"areas": json.dumps([area]), "needles": "[]"})
    assert sent.status_code == 400
    assert "Filen kunde inte läsas för maskering (hann inte bli klart" in sent.content.decode()
    assert not Redaction.objects.exists()
