"""Saved searches: a person saves the search page's words and filters under a name and
runs them again from the page; only they see and delete their own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from kansli.audit.chain import record
from kansli.search.models import SavedSearch

# What a saved search keeps of the page's address: the words and the filters (the
# staff search form's fields), nothing else; each value at most this long.
KEPT = ["q", "authority", "direction", "status", "officer", "document_type", "who",
        "date_from", "date_to", "order"]  # fmt: skip
MAX_VALUE = 200
MAX_PER_PERSON = 50


def kept_query(query: str) -> str:
    """The query string with only the search's own parameters, each value trimmed."""
    given = QueryDict(query[:4000])
    kept = QueryDict(mutable=True)
    for name in KEPT:
        value = given.get(name, "").strip()[:MAX_VALUE]
        if value:
            kept[name] = value
    return kept.urlencode()


@transaction.atomic
def do_save_search(name: str, query: str, *, actor: Any) -> SavedSearch:
    """Save the search (a query string of the search page) under a name for the actor."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Logga in för att spara sökningar.")
    name = " ".join(name.split())
    kept = kept_query(query)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Ge sökningen ett namn."
    elif SavedSearch.objects.filter(owner=actor, name__iexact=name).exists():
        errors["name"] = f"Du har redan en sparad sökning som heter ”{name}”."
    if not kept:
        errors["query"] = "Det finns inga sökord eller filter att spara."
    if SavedSearch.objects.filter(owner=actor).count() >= MAX_PER_PERSON:
        errors["name"] = f"Du kan spara högst {MAX_PER_PERSON} sökningar. Ta bort någon först."
    if errors:
        raise ValidationError(errors)
    saved = SavedSearch(owner=actor, name=name, query=kept, created_at=timezone.now())
    saved.full_clean()
    saved.save()
    record(actor=actor, action="search.save", obj=saved, label=name, after={"query": kept})
    return saved


@transaction.atomic
def do_delete_saved_search(saved: SavedSearch, *, actor: Any) -> None:
    """Remove one of the actor's own saved searches."""
    if actor is None or saved.owner_id != actor.pk:
        raise PermissionDenied("Du kan bara ta bort dina egna sparade sökningar.")
    record(actor=actor, action="search.delete_saved", obj=saved, label=saved.name,
           before={"query": saved.query})  # fmt: skip
    saved.delete()
