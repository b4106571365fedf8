"""The extraction task run again after its worker was killed between saving the text
and telling whoever waits for it (kansli.web.taskrecovery runs it again): the text is
not read again, but the search index is told, so the document is found by it."""

from __future__ import annotations

import pytest

from kansli.files.extract import extract_file_text, extract_text
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_incoming
from kansli.search.query import search

pytestmark = pytest.mark.django_db

WORD = "Kvarnbäcksbron"


def test_text_saved_by_a_killed_run_is_indexed_by_the_next() -> None:
    authority = make_authority("KS")
    document = make_incoming(make_case("Broar", authority=authority), description="Utredning")
    stored = store_bytes(samples.pdf("Utredning", f"Om {WORD} och dess underhåll"), "u.pdf")
    registry.do_attach_file(document, stored, "u.pdf", actor=None)
    # What the killed run left: the text saved, the index not told.
    StoredFile.objects.filter(pk=stored.pk).update(
        extraction=StoredFile.Extraction.DONE, text=extract_text(stored)
    )
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, authority)])
    assert search(registrar, WORD).hits == []

    assert extract_file_text.call(stored.pk) == StoredFile.Extraction.DONE

    assert [hit.pk for hit in search(registrar, WORD).hits] == [document.pk]
    assert extract_file_text.call(stored.pk) == StoredFile.Extraction.DONE  # and again
    assert [hit.pk for hit in search(registrar, WORD).hits] == [document.pk]
