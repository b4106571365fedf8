import pytest
from django.test import Client

from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org import actions as org_actions
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_municipality, make_user
from kansli.registry import actions
from kansli.registry.testing import make_incoming, make_registrar

pytestmark = pytest.mark.django_db


def test_a_letter_is_found_by_a_word_in_its_pdf() -> None:
    registrar = make_registrar(make_authority("KS"))
    document = make_incoming(description="Skrivelse")
    stored = store_bytes(samples.pdf("Begäran om hastighetsdämpande åtgärder"), "brev.pdf")
    actions.do_attach_file(document, stored, "brev.pdf", actor=registrar)
    extract_file_text.call(stored.pk)
    client = Client()
    client.force_login(registrar)
    html = client.get("/sok/", {"q": "hastighetsdämpande"}).content.decode()
    assert document.document_number in html
    assert "Inget hittades." in client.get("/sok/", {"q": "rondell"}).content.decode()


def test_search_shows_nothing_from_another_municipality() -> None:
    document = make_incoming(description="Bygglov för carport")
    other = org_actions.do_create_authority(
        make_municipality("Annan kommun"), "board", "ANN", "Annan nämnd", actor=None
    )
    outsider = make_user("utomstaende", roles=[(Role.REGISTRAR, other)])
    client = Client()
    client.force_login(outsider)
    html = client.get("/sok/", {"q": "carport"}).content.decode()
    assert document.document_number not in html and "Bygglov för carport" not in html
    assert "Inget hittades." in html
