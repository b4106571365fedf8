"""After a disposal run: make sure what it removed is gone from every store, not only
from the rows the application reads (issue 16's "really gone").

- The caches are emptied (a public diary answer may hold a description); on Redis only
  their own keys (kansli.web.sharedcache), not RQ's queue.
- SQLite: deleted rows are zeroed as they go (PRAGMA secure_delete in settings); the
  full-text tables are merged, so their segments drop the old entries; words no row has
  any more leave the term list; the WAL is checkpointed and truncated, so no earlier
  page image is left in it.
- PostgreSQL: VACUUM FULL rewrites the touched tables and their indexes into new files
  (a plain VACUUM only marks the space free). It locks each table while it runs, which
  a monthly run can afford."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from kansli.search import index as search_index
from kansli.web.sharedcache import clear_caches

# The tables a disposal changes or deletes rows of.
TOUCHED = [
    "registry_document",
    "registry_documentfile",
    "registry_documentcorrection",
    "registry_inboxitem",
    "files_storedfile",
    "audit_auditevent",
    "search_document",
    "search_public",
    "search_case",
]


def scrub(terms: Iterable[str] | None, tables: Iterable[str] = TOUCHED) -> None:
    """Empty the caches and scrub the stores; `terms`: the words the removed rows were
    indexed by (None: check the whole term list); `tables`: those rows' tables (an
    erasure touches others than a disposal)."""
    clear_caches()
    search_index.forget_terms(terms)
    search_index.optimise()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")
