"""Database triggers that make the audit log append-only.

Audit events are part of the authority's archive, which Arkivlagen (1990:782)
requires it to preserve and protect against alteration and destruction, and the log
is only worth anything as evidence if no one can quietly change or remove an event
afterwards. The hash chain makes tampering detectable;
these triggers make the ordinary ways of tampering (UPDATE, DELETE, TRUNCATE) fail
outright in the database itself, whatever code or SQL client issues them.

Both functions are idempotent and run inside the caller's transaction; the
migration, the post_migrate handler and the test helpers use them.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"  # as written out in the SQL below

_SQLITE_TRIGGERS = {
    "audit_auditevent_no_update": "UPDATE",
    "audit_auditevent_no_delete": "DELETE",
}

# SQLSTATE 23000 (integrity_constraint_violation) so that PostgreSQL raises the same
# django.db.IntegrityError as SQLite's RAISE(ABORT) in a trigger.
_PG_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only'
            USING ERRCODE = '23000',
                  HINT = 'The audit log is evidence to be preserved (Arkivlagen).';
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_no_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        found boolean;
    BEGIN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO found;
        IF found THEN
            RAISE EXCEPTION 'audit events are append-only'
                USING ERRCODE = '23000',
                      HINT = 'The audit log is evidence to be preserved (Arkivlagen).';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
    """
    CREATE OR REPLACE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate()
    """,
]

_PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
    "DROP FUNCTION IF EXISTS audit_auditevent_no_truncate()",
]


def _sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]


def _sqlite_install() -> list[str]:
    # Dropped and created again rather than IF NOT EXISTS, so that a changed body
    # replaces the old one. SQLite has no TRUNCATE: DELETE without WHERE fires the
    # row trigger like any other DELETE.
    return [
        *_sqlite_drop(),
        *(
            f"CREATE TRIGGER {name} BEFORE {event} ON audit_auditevent "
            f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            for name, event in _SQLITE_TRIGGERS.items()
        ),
    ]


def _statements(connection: BaseDatabaseWrapper, *, installing: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return _PG_INSTALL if installing else _PG_DROP
    if connection.vendor == "sqlite":
        return _sqlite_install() if installing else _sqlite_drop()
    raise NotImplementedError(f"no append-only triggers for {connection.vendor}")


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) the triggers that refuse UPDATE, DELETE and TRUNCATE."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, installing=True):
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers (and on PostgreSQL their functions) if they exist."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, installing=False):
            cursor.execute(sql)


def installed(connection: BaseDatabaseWrapper) -> bool:
    """Whether all the triggers are in place (for checks and tests)."""
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
        expected = {"audit_auditevent_append_only", "audit_auditevent_no_truncate"}
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
        expected = set(_SQLITE_TRIGGERS)
    with connection.cursor() as cursor:
        cursor.execute(sql, [TABLE])
        return expected <= {row[0] for row in cursor.fetchall()}
