"""The search index as Django sees it: just enough to join it to the registry and to
have it emptied with the other tables when tests flush the database. The tables
themselves are the databases' own full-text tables (schema.py); their rows are written
by index.py, never through these models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.registry.models import Case, Document


class DocumentEntry(models.Model):
    """A registered document's row in the index (table `search_document`, rowid = the
    document's id). `body` and `facets` are full-text columns (FTS5 on SQLite,
    tsvector on PostgreSQL): filter on them with the lookups in lookups.py, never read
    them as text. No foreign key in the database: an FTS5 table cannot have one, and
    registrations are never deleted."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.DO_NOTHING, db_column="rowid",
        db_constraint=False, related_name="search_entry",
    )  # fmt: skip
    body = models.TextField()
    facets = models.TextField()

    class Meta:
        db_table = "search_document"

    def __str__(self) -> str:
        return f"search entry for document {self.pk}"


class CaseEntry(models.Model):
    """The row of a case that has no document yet (table `search_case`, rowid = the
    case's id), so that a newly opened case is found by its number, title and parties.
    It is removed when the case's first document is indexed: from then on the case is
    found through its documents, whose rows carry the case's text."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.DO_NOTHING, db_column="rowid",
        db_constraint=False, related_name="search_entry",
    )  # fmt: skip
    body = models.TextField()
    facets = models.TextField()

    class Meta:
        db_table = "search_case"

    def __str__(self) -> str:
        return f"search entry for case {self.pk}"


class PublicEntry(models.Model):
    """A registered document's row in the public e-diary's index (table
    `search_public`, rowid = the document's id): only what the public e-diary shows
    (kansli.public.record), so a search there never matches a withheld field or a
    masked name."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.DO_NOTHING, db_column="rowid",
        db_constraint=False, related_name="public_entry",
    )  # fmt: skip
    body = models.TextField()
    facets = models.TextField()

    class Meta:
        db_table = "search_public"

    def __str__(self) -> str:
        return f"public entry for document {self.pk}"


class SavedSearch(models.Model):
    """En sparad sökning: a staff member's own search (words and filters, as the search
    page's address has them) under a name, to run again. It keeps no hits: run again,
    it finds what the person may read that day."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("words and filters"), max_length=1000)
    created_at = models.DateTimeField(_("saved"))

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["owner", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name")]

    def __str__(self) -> str:
        return self.name
