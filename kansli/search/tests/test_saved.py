"""Saved searches: saved from the search page with only its words and filters, listed
there for their owner only, re-run through the gate, removed by the owner only; the
same in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.org.models import User
from kansli.registry.testing import make_case, make_incoming
from kansli.search.actions import do_save_search, kept_query
from kansli.search.models import SavedSearch
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db


def test_only_the_searchs_own_parameters_are_kept() -> None:
    assert kept_query("q=bygglov&fran=50&evil=1&who=%20Anna%20") == ("q=bygglov&who=Anna")
    assert kept_query("q=" + "x" * 500) == "q=" + "x" * 200
    assert kept_query("fran=50") == ""


def test_save_list_rerun_and_remove_from_the_search_page(staff: User, officer: User) -> None:
    document = make_incoming(make_case("Snöröjning Storgatan"), description="Klagomål")
    page = signed_in(staff)
    shown = page.get("/sok/", {"q": "snöröjning", "direction": "inkommen"}).content.decode()
    assert "Spara sökningen" in shown
    saved = page.post(
        "/sok/spara/", {"name": "  Snö  ", "query": "q=snöröjning&direction=inkommen&fran=50"}
    )
    assert saved.status_code == 302
    one = SavedSearch.objects.get(owner=staff)
    assert (one.name, one.query) == ("Snö", "q=sn%C3%B6r%C3%B6jning&direction=inkommen")
    assert AuditEvent.objects.filter(action="search.save", actor=staff).exists()
    listed = page.get("/sok/").content.decode()
    assert f'href="/sok/?{one.query}"' in listed.replace("&amp;", "&")
    rerun = page.get(f"/sok/?{one.query}").content.decode()
    assert document.document_number in rerun
    # Another person neither sees it nor removes it.
    assert "Snö" not in signed_in(officer).get("/sok/").content.decode()
    assert signed_in(officer).post(f"/sok/sparade/{one.pk}/ta-bort/").status_code == 404
    same_name = page.post("/sok/spara/", {"name": "snö", "query": "q=x"}, follow=True)
    assert SavedSearch.objects.filter(owner=staff).count() == 1
    assert "Du har redan en sparad sökning som heter ”snö”." in same_name.content.decode()
    assert page.post(f"/sok/sparade/{one.pk}/ta-bort/").status_code == 302
    assert not SavedSearch.objects.exists()


def test_nothing_to_save_and_signed_out_are_refused(staff: User) -> None:
    page = signed_in(staff)
    page.post("/sok/spara/", {"name": "Tom", "query": "fran=50"})
    assert not SavedSearch.objects.exists()
    assert Client().post("/sok/spara/", {"name": "X", "query": "q=x"}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_saved_searches_in_the_api(staff: User, officer: User) -> None:
    mine, other = api_client(staff), api_client(officer)
    made = mine.post("/api/v1/saved-searches", {"name": "Bygglov", "query": "q=bygglov&x=1"},
                     content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["query"] == "q=bygglov"
    assert [s["name"] for s in mine.get("/api/v1/saved-searches").json()] == ["Bygglov"]
    assert other.get("/api/v1/saved-searches").json() == []
    saved_id = made.json()["id"]
    assert other.delete(f"/api/v1/saved-searches/{saved_id}").status_code == 404
    empty = mine.post("/api/v1/saved-searches", {"name": "", "query": ""},
                      content_type="application/json")  # fmt: skip
    assert empty.status_code == 422 and set(empty.json()["errors"]) == {"name", "query"}
    assert mine.delete(f"/api/v1/saved-searches/{saved_id}").status_code == 204
    assert not SavedSearch.objects.exists()


def test_a_person_keeps_at_most_fifty(staff: User) -> None:
    for number in range(50):
        do_save_search(f"S{number}", f"q=ord{number}", actor=staff)
    with pytest.raises(ValidationError, match="högst 50"):
        do_save_search("S50", "q=ord50", actor=staff)
