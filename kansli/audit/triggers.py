"""Database triggers that make the audit log append-only.

Audit events are part of the authority's archive, which Arkivlagen (1990:782)
requires it to preserve and protect against alteration and destruction, and the log
is only worth anything as evidence if no one can quietly change or remove an event
afterwards. The hash chain makes tampering detectable;
these triggers make the ordinary ways of tampering (UPDATE, DELETE, TRUNCATE) fail
outright in the database itself, whatever code or SQL client issues them. The one
update let through is forgetting: emptying an event's details or address together
with their salt, every other column unchanged (kansli.audit.forget).

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
_LASTING = (
    "id", "seq", "created_at", "actor_id", "action", "object_type", "object_id",
    "request_id", "details_digest", "address_digest", "prev_hash", "hash",
)  # fmt: skip
_DETAILS = ("details_salt", "actor_label", "object_label", "before", "after")
_ADDRESS = ("address_salt", "client_ip")


def _only_forgetting(same: str) -> str:
    """The SQL condition an update must meet: the lasting columns unchanged, and the
    details and the address each either unchanged or emptied with their salt. `same` is
    the dialect's null-safe equality."""

    def unchanged(columns: tuple[str, ...]) -> str:
        return " AND ".join(f'NEW."{c}" {same} OLD."{c}"' for c in columns)

    details_gone = (
        "NEW.details_salt = '' AND NEW.actor_label = '' AND NEW.object_label = '' "
        'AND NEW."before" IS NULL AND NEW."after" IS NULL'
    )
    address_gone = "NEW.address_salt = '' AND NEW.client_ip IS NULL"
    return (
        f"({unchanged(_LASTING)}) AND (({unchanged(_DETAILS)}) OR ({details_gone})) "
        f"AND (({unchanged(_ADDRESS)}) OR ({address_gone}))"
    )


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
    CREATE OR REPLACE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate()
    """,
]
_PG_ROW_TRIGGERS = [
    """
    CREATE OR REPLACE TRIGGER audit_auditevent_append_only
    BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
    f"""
    CREATE OR REPLACE TRIGGER audit_auditevent_only_forgetting
    BEFORE UPDATE ON audit_auditevent FOR EACH ROW
    WHEN (NOT ({_only_forgetting("IS NOT DISTINCT FROM")}))
    EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]
# Before migration 0003 there are no salts to forget with: every update is refused.
_PG_ROW_TRIGGERS_BEFORE_FORGETTING = [
    """
    CREATE OR REPLACE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]

_PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_only_forgetting ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
    "DROP FUNCTION IF EXISTS audit_auditevent_no_truncate()",
]


def _sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]


def _sqlite_install(*, forgetting: bool) -> list[str]:
    # Dropped and created again rather than IF NOT EXISTS, so that a changed body
    # replaces the old one. SQLite has no TRUNCATE: DELETE without WHERE fires the
    # row trigger like any other DELETE.
    only_forgetting = f"WHEN NOT ({_only_forgetting('IS')}) " if forgetting else ""
    when = {"UPDATE": only_forgetting, "DELETE": ""}
    return [
        *_sqlite_drop(),
        *(
            f"CREATE TRIGGER {name} BEFORE {event} ON audit_auditevent {when[event]}"
            f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            for name, event in _SQLITE_TRIGGERS.items()
        ),
    ]


def install(connection: BaseDatabaseWrapper, *, forgetting: bool = True) -> None:
    """Create (or replace) the triggers that refuse UPDATE, DELETE and TRUNCATE, but
    let forgetting through. Migrations before 0003 (which adds the salts) pass
    forgetting=False: then every UPDATE is refused."""
    if connection.vendor == "postgresql":
        rows = _PG_ROW_TRIGGERS if forgetting else _PG_ROW_TRIGGERS_BEFORE_FORGETTING
        statements = [*_PG_DROP, *_PG_INSTALL, *rows]
    elif connection.vendor == "sqlite":
        statements = _sqlite_install(forgetting=forgetting)
    else:
        raise NotImplementedError(f"no append-only triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers (and on PostgreSQL their functions) if they exist."""
    statements = _PG_DROP if connection.vendor == "postgresql" else _sqlite_drop()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def installed(connection: BaseDatabaseWrapper) -> bool:
    """Whether all the triggers are in place (for checks and tests)."""
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
        expected = {
            "audit_auditevent_append_only",
            "audit_auditevent_only_forgetting",
            "audit_auditevent_no_truncate",
        }
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
        expected = set(_SQLITE_TRIGGERS)
    with connection.cursor() as cursor:
        cursor.execute(sql, [TABLE])
        return expected <= {row[0] for row in cursor.fetchall()}
