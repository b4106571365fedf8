"""Keeping the search index current.

The registry's actions call `index_document` and `index_case` inside their own
transaction, so the index commits or rolls back with the change. More text for a
document comes from text sources (`register_text_source`); whoever's data changes that
text calls `reindex_document(document_id)`. files.py does both for file text.

What is indexed for staff search, per document: the case number (as the municipality
writes it and as series, year and number), the case title, the parties' names, the
document's description, sender or recipient and document type, and the text of every
registered text source (file text). Secrecy-marked documents and withheld fields are
indexed like any other: staff search shows hits only to those who may see the
registration (visible_to), and a public diary will need its own index without withheld
fields. Names of parties with protected identity (skyddade personuppgifter) are NOT
indexed: a hit on such a name would tell where the person appears, which the
protection exists to hide.

Voided documents stay in the index and in the results, marked by `is_voided` (a
voided registration stays in the registry: what was registered can always be read);
search(include_voided=False) leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from django.db import connection

from kansli.access.protected import Hide
from kansli.public.record import Masks, PublicEntry, masks_from, public_entry
from kansli.registry.models import Case, Document
from kansli.rows import execute, execute_many
from kansli.search import schema, text

# More text for documents, by document id (a document without any may be left out);
# given all the documents at hand, so that a case or a batch costs one query, not one
# per document.
TextSource = Callable[[Sequence[Document]], Mapping[int, Iterable[str]]]

_text_sources: list[TextSource] = []

_RELATED = ("case__authority__municipality",)


def register_text_source(source: TextSource) -> None:
    """Add a function giving more text for a document (e.g. its files' extracted text).
    Documents indexed from then on include it; call reindex_document when it changes."""
    if source not in _text_sources:
        _text_sources.append(source)


def unregister_text_source(source: TextSource) -> None:
    if source in _text_sources:
        _text_sources.remove(source)


def case_parts(case: Case, party_names: Iterable[str]) -> list[str]:
    """A case's searchable text (text.case_words)."""
    return text.case_words(
        case.case_number, case.series_code, case.year, case.number, case.title, party_names
    )


def more_text(documents: Sequence[Document]) -> dict[int, list[str]]:
    """Every text source's text for each of the documents, by document id."""
    more: dict[int, list[str]] = {document.pk: [] for document in documents}
    for source in _text_sources:
        for document_id, parts in source(documents).items():
            more[document_id].extend(parts)
    return more


def document_parts(document: Document, more: list[str] | None = None) -> list[str]:
    """`more`: the text sources' text for it, when more_text has read it already."""
    if more is None:
        more = more_text([document])[document.pk]
    return text.document_words(
        document.description, document.counterpart, document.document_type, more
    )


def document_text(
    document: Document, party_names: Iterable[str] | None = None, more: list[str] | None = None
) -> str:
    """Everything a search finds a document by, as words joined by spaces."""
    if party_names is None:
        party_names = _party_names(document.case)
    parts = document_parts(document, more)
    return text.normalise([*case_parts(document.case, party_names), *parts])


def _party_names(case: Case) -> list[str]:
    return [name for name, _number, hidden in _parties(case) if not hidden]


def _parties(case: Case) -> list[tuple[str, str, bool]]:
    """The case's parties as (name, identity number, protected identity). Plain SQL,
    like _masks: asked on every registration."""
    found = execute(
        "SELECT name, identity_number, protected_identity FROM registry_party "
        "WHERE case_id = %s ORDER BY id",
        [case.pk],
    )
    return [(name, number, bool(hidden)) for name, number, hidden in found.fetchall()]


def _masks(case: Case, parties: list[tuple[str, str, bool]]) -> Masks:
    found = execute(
        "SELECT mask_private_names FROM public_diarypolicy WHERE authority_id = %s",
        [case.authority_id],
    ).fetchone()
    private = execute(
        "SELECT counterpart FROM registry_document WHERE case_id = %s AND counterpart_is_private",
        [case.pk],
    ).fetchall()
    return masks_from(parties, bool(found[0]) if found else True, [name for (name,) in private])


def public_text(entry: PublicEntry) -> str:
    """What the public e-diary's search finds a document by: its public entry only."""
    numbers = text.case_words(
        entry.case_number, entry.case_series, entry.case_year, entry.case_serial,
        entry.case_title, [],
    )  # fmt: skip
    return text.normalise([*numbers, entry.counterpart, entry.description, entry.document_type])


def without_protected(body: str, masks: Masks) -> str:
    """The staff's text (words, text.normalise) without the names of parties with
    protected identity (OSL 21 kap. 3 §): nobody finds a case by such a name, so a hit
    cannot give it away. The names are taken as written and as words ("Anna-Karin" is
    "anna karin" in the text)."""
    if not masks.protected:
        return body
    return Hide([*masks.protected, *(text.normalise([name]) for name in masks.protected)])(body)


def public_facets(facets: str, document_type: str, shown: str) -> str:
    """The facets of a document's public row: its staff row's, without the document
    type's token when the public e-diary does not show the type as stored (`shown`: a
    protected or private name, a personal identity number masked in it). Otherwise the
    type filter would answer for the stored type, and confirm a guessed name in it."""
    token = text.document_type_token(document_type)
    if shown == document_type or token is None:
        return facets
    return " ".join(facet for facet in facets.split() if facet != token)


def _write_both(document: Document, staff_body: str, facets: str, masks: Masks) -> None:
    staff, public = _rows_both(document, staff_body, facets, masks)
    write("search_document", *staff)
    write("search_public", *public, remember=False)


Row = tuple[int, str, str]  # an index table's row: rowid, body, facets


def _rows_both(document: Document, staff_body: str, facets: str, masks: Masks) -> tuple[Row, Row]:
    """The document's rows in the staff's index and in the public e-diary's."""
    staff = (document.pk, without_protected(staff_body, masks), facets)
    entry = public_entry(document, masks)  # the type as shown, masked, read once
    public = public_facets(facets, document.document_type, entry.document_type)
    return staff, (document.pk, public_text(entry), public)


def _case_facets(case: Case) -> list[str]:
    return text.case_facets(
        case.authority_id, case.year, case.number, case.classification_id, case.unit_id,
        case.series_id,
    )  # fmt: skip


def _document_facets(document: Document, case_facets: list[str]) -> str:
    return " ".join(
        text.document_facets(
            case_facets, document.direction, document.document_date, document.document_type
        )
    )


def index_document(document: Document) -> None:
    """Write a document's row (from the database's current values: callers may hold a
    stale copy of the case) and drop its case's own row, now found through it."""
    fresh = Document.objects.select_related(*_RELATED, "secrecy").get(pk=document.pk)
    parties = _parties(fresh.case)
    names = [name for name, _number, hidden in parties if not hidden]
    facets = _document_facets(fresh, _case_facets(fresh.case))
    _write_both(fresh, document_text(fresh, names), facets, _masks(fresh.case, parties))
    delete("search_case", fresh.case_id)


def index_new_document(document: Document) -> None:
    """Index a document its action has just registered, from the values the action
    holds instead of reading them back: next_document_number read the case row back
    locked (title, classification and unit are current), and a new document has no
    text from any source yet (a source calls reindex_document when it has some)."""
    case = document.case
    parties = _parties(case)
    names = [name for name, _number, hidden in parties if not hidden]
    own = text.document_words(document.description, document.counterpart, document.document_type)
    body = text.normalise([*case_parts(case, names), *own])
    facets = _document_facets(document, _case_facets(case))
    _write_both(document, body, facets, _masks(case, parties))
    delete("search_case", case.pk)


def index_new_case(case: Case, parties: list[tuple[str, str, bool]]) -> None:
    """Index a case its action has just opened, from the values the action holds (as
    index_case would, without reading them back): a new case has no documents, so its
    own row carries its text; `parties` as (name, identity number, protected identity)."""
    names = [name for name, _number, hidden in parties if not hidden]
    body = without_protected(text.normalise(case_parts(case, names)), masks_from(parties, False))
    write("search_case", case.pk, body, " ".join(_case_facets(case)))


def index_case(case: Case) -> None:
    """Write every row carrying the case's text (its documents', or its own while it
    has none): after its title, classification, unit or parties changed."""
    case = Case.objects.select_related("authority__municipality").get(pk=case.pk)
    parties = _parties(case)
    names = [name for name, _number, hidden in parties if not hidden]
    masks = _masks(case, parties)
    facets = _case_facets(case)
    documents = list(case.documents.select_related("secrecy").order_by("pk"))
    more = more_text(documents)
    staff: list[Row] = []
    public: list[Row] = []
    for document in documents:
        document.case = case
        rows = _rows_both(document, document_text(document, names, more[document.pk]),
                          _document_facets(document, facets), masks)  # fmt: skip
        staff.append(rows[0])
        public.append(rows[1])
    write_many("search_document", staff)
    write_many("search_public", public, remember=False)
    if documents:
        delete("search_case", case.pk)
    else:
        body = without_protected(text.normalise(case_parts(case, names)), masks)
        write("search_case", case.pk, body, " ".join(facets))


def reindex_document(document_id: int) -> None:
    """Index one document again, e.g. when its file's text has arrived."""
    index_document(Document.objects.get(pk=document_id))


def rebuild(batch: int = 1000) -> Iterator[int]:
    """Index every case and document again (after an upgrade or an import); yields the
    number of cases done so far after each batch. Run it in a transaction per batch or
    as a whole; the rows are replaced, never duplicated."""
    done = 0
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        for case in Case.objects.filter(pk__in=ids[start : start + batch]):
            index_case(case)
            done += 1
        yield done


# The statements on the index tables, per table (schema.TABLES and TERMS: constants).
_UPSERT_PG = (
    "INSERT INTO {t} (rowid, body, facets) VALUES "
    "(%s, to_tsvector('swedish', %s), to_tsvector('simple', %s)) "
    "ON CONFLICT (rowid) DO UPDATE SET body = EXCLUDED.body, facets = EXCLUDED.facets"
)
_INSERT = "INSERT INTO {t} (rowid, body, facets) VALUES (%s, %s, %s)"
_DELETE = "DELETE FROM {t} WHERE rowid = %s"
_COUNT = "SELECT count(*) FROM {t}"
_REMEMBER = "INSERT OR IGNORE INTO {t} (term) VALUES (%s)"


def _sql(template: str, table: str) -> str:
    if table not in (*schema.TABLES, schema.TERMS):
        raise ValueError(f"not an index table: {table}")
    return template.format(t=table)


def write(table: str, rowid: int, body: str, facets: str, *, remember: bool = True) -> None:
    """Replace one row of an index table (schema.TABLES); its words join the term list
    that type-ahead completes from, unless `remember` is False."""
    write_many(table, [(rowid, body, facets)], remember=remember)


def write_many(table: str, rows: Sequence[Row], *, remember: bool = True) -> None:
    """write() for several rows: one executemany for them all (the delete and the
    insert on SQLite), which the driver runs row by row without a round trip each."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        execute_many(_sql(_UPSERT_PG, table), rows)
        return
    execute_many(_sql(_DELETE, table), [(rowid,) for rowid, _body, _facets in rows])
    execute_many(_sql(_INSERT, table), rows)
    if remember:
        remember_terms(word for _rowid, body, _facets in rows for word in body.split())


def remember_terms(terms: Iterable[str]) -> None:
    """Add words to the SQLite term list that prefixes are completed from (schema.py).
    Words are never taken out: one no longer indexed completes to nothing."""
    execute_many(_sql(_REMEMBER, schema.TERMS), [(term,) for term in set(terms)])


def forget_terms(terms: Iterable[str] | None) -> int:
    """Take out of the SQLite term list the words no index row has any more (after
    disposal: a disposed name must not live on as a completion); None: check every
    word of the list. Returns how many went."""
    if connection.vendor != "sqlite":
        return 0
    if terms is None:
        terms = [row[0] for row in execute(_sql("SELECT term FROM {t}", schema.TERMS))]
    gone = [(term,) for term in set(terms) if not _indexed(term)]
    execute_many(_sql("DELETE FROM {t} WHERE term = %s", schema.TERMS), gone)
    return len(gone)


def _indexed(term: str) -> bool:
    phrase = '"' + term.replace('"', '""') + '"'
    for table in schema.TABLES:
        found = execute(_sql("SELECT 1 FROM {t} WHERE {t} MATCH %s LIMIT 1", table), [phrase])
        if found.fetchone():
            return True
    return False


def optimise() -> None:
    """Merge the SQLite index tables' segments, which also drops the entries of deleted
    and replaced rows that FTS5 otherwise keeps until a merge. PostgreSQL: VACUUM does."""
    if connection.vendor != "sqlite":
        return
    for table in schema.TABLES:
        execute(_sql("INSERT INTO {t} ({t}) VALUES ('optimize')", table))


def delete(table: str, rowid: int) -> None:
    execute(_sql(_DELETE, table), [rowid])


def counts() -> dict[str, int]:
    """How many rows each index table has (for `kansli search status`)."""
    result: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in schema.TABLES:
            cursor.execute(_sql(_COUNT, table))
            result[table] = cursor.fetchone()[0]
    return result
