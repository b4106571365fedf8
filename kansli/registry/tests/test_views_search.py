import datetime

import pytest
from django.test import Client

from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org import actions as org_actions
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_municipality, make_user
from kansli.registry import actions
from kansli.registry.testing import make_case, make_incoming, make_registrar

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


def test_filters_narrow_the_search_and_work_without_words() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN")
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, ks), (Role.REGISTRAR, bun)])
    early = make_incoming(make_case(authority=ks), description="Ansökan om bygglov",
                          document_date=datetime.date(2026, 1, 10))  # fmt: skip
    late = actions.do_register_document(
        make_case(authority=bun), "utgaende", datetime.date(2026, 3, 1), "Beslut om bygglov",
        counterpart="Anna Andersson", actor=None,
    )  # fmt: skip
    client = Client()
    client.force_login(registrar)

    def found(**query: str) -> set[str]:
        html = client.get("/sok/", query).content.decode()
        return {d.document_number for d in (early, late) if d.document_number in html}

    assert found(q="bygglov") == {early.document_number, late.document_number}
    assert found(q="bygglov", authority=str(ks.pk)) == {early.document_number}
    assert found(q="bygglov", direction="utgaende") == {late.document_number}
    assert found(date_from="2026-02-01") == {late.document_number}  # no words: filters only
    assert found(date_to="2026-01-31", direction="inkommen") == {early.document_number}
    refused = client.get("/sok/", {"q": "bygglov", "date_from": "2026-03-01",
                                   "date_to": "2026-01-01"}).content.decode()  # fmt: skip
    assert (
        "Till-datumet ligger före från-datumet." in refused and "Beslut om bygglov" not in refused
    )
    bad = client.get("/sok/", {"date_from": "2026-02-30"}).content.decode()
    assert "Från datum: Ange ett datum som ÅÅÅÅ-MM-DD" in bad


def test_the_filters_offer_only_the_user_s_own_municipality() -> None:
    make_authority("KS")
    other = org_actions.do_create_authority(
        make_municipality("Annan kommun"), "board", "ANN", "Annan nämnd", actor=None
    )
    elsewhere = make_incoming(make_case("Annans ärende", authority=other), description="Annans")
    client = Client()
    client.force_login(make_registrar(make_authority("KS")))
    html = client.get("/sok/").content.decode()
    assert "Annan nämnd" not in html
    listed = client.get("/sok/", {"date_from": "1900-01-01"}).content.decode()  # no words
    assert elsewhere.document_number not in listed and "Annans" not in listed
    refused = client.get("/sok/", {"q": "x", "authority": str(other.pk)}).content.decode()
    assert "error-summary" in refused


def test_the_officer_filter_lists_the_own_municipality_s_officers_by_name() -> None:
    ks = make_authority("KS")
    olle = make_user("olle", roles=[(Role.OFFICER, ks)], first_name="Olle", last_name="Berg")
    nameless = make_user("u4711", roles=[(Role.MANAGER, ks)])
    other = org_actions.do_create_authority(
        make_municipality("Annan kommun"), "board", "ANN", "Annan nämnd", actor=None
    )
    stranger = make_user("stina", roles=[(Role.OFFICER, other)], first_name="Stina")
    mine = make_incoming(make_case("Olles ärende", authority=ks), description="Bygglov")
    actions.do_assign_officer(mine.case, olle, actor=None)
    theirs = make_incoming(make_case("Annat ärende", authority=ks), description="Bygglov")
    client = Client()
    client.force_login(make_registrar(ks))
    html = client.get("/sok/").content.decode()
    assert f'<option value="{olle.pk}">Olle Berg</option>' in html
    assert f'<option value="{nameless.pk}">u4711</option>' in html  # no name: the username
    assert "Stina" not in html
    found = client.get("/sok/", {"q": "bygglov", "officer": str(olle.pk)}).content.decode()
    assert mine.document_number in found and theirs.document_number not in found
    for wrong in (str(stranger.pk), "abc", "<b>9</b>"):
        refused = client.get("/sok/", {"q": "bygglov", "officer": wrong}).content.decode()
        assert "Välj ett giltigt alternativ." in refused and mine.document_number not in refused
        assert "<b>9</b>" not in refused


def test_the_words_searched_for_are_marked_and_nothing_else_is_trusted() -> None:
    registrar = make_registrar(make_authority("KS"))
    make_incoming(description="Bygglovet för <script>alert(1)</script> Ekbacken",
                  counterpart="Bygg & Co")  # fmt: skip
    client = Client()
    client.force_login(registrar)
    html = client.get("/sok/", {"q": "bygg script"}).content.decode()
    assert "<mark>Bygglovet</mark> för &lt;<mark>script</mark>&gt;alert(1)&lt;/" in html
    assert "<mark>Bygg</mark> &amp; Co" in html
    assert "<script>alert" not in html and "Ekbacken" in html
