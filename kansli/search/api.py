"""Saved searches in the API: the caller's own, listed, saved and removed; another
person's answers 404 as a missing one. `query` is the staff search page's query string
(words and filters); run it with GET /api/v1/search or open /sok/?<query>."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.inputs import Id
from kansli.org.api import ERRORS, ApiRequest
from kansli.search.actions import do_delete_saved_search, do_save_search
from kansli.search.models import SavedSearch

router = Router(tags=["saved searches"])


class SavedIn(Schema):
    name: str = Field(max_length=100)
    query: str = Field(max_length=4000, description="e.g. q=bygglov&authority=3")


class SavedOut(Schema):
    id: int
    name: str
    query: str
    created_at: datetime.datetime


def _out(saved: SavedSearch) -> SavedOut:
    return SavedOut(id=saved.pk, name=saved.name, query=saved.query, created_at=saved.created_at)


@router.get("/saved-searches", response={200: list[SavedOut], **ERRORS}, summary="My searches")
def saved_list(request: ApiRequest) -> list[SavedOut]:
    return [_out(saved) for saved in SavedSearch.objects.filter(owner=request.auth)]


@router.post("/saved-searches", response={201: SavedOut, **ERRORS}, summary="Save a search")
def saved_create(request: ApiRequest, payload: SavedIn) -> Status[SavedOut]:
    return Status(201, _out(do_save_search(payload.name, payload.query, actor=request.auth)))


@router.delete(
    "/saved-searches/{saved_id}", response={204: None, **ERRORS}, summary="Remove a search"
)
def saved_delete(request: ApiRequest, saved_id: Id) -> Status[None]:
    saved = SavedSearch.objects.filter(owner=request.auth, pk=saved_id).first()
    if saved is None:
        raise Http404
    do_delete_saved_search(saved, actor=request.auth)
    return Status(204, None)
