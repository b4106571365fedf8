"""A database out of reach gives 503 with Retry-After, a Swedish page or JSON, and
leaves nothing half saved (kansli.web.faults.server_error).

The session, the user and an API key are read from the database before any view runs,
so the fault is met in the middleware as often as in a view. On PostgreSQL the
database is really taken away (the connection pointed at a closed port); on both
databases the driver's own error is raised at the driver boundary (a connection lost
in the middle of a registration), which in-memory SQLite cannot be made to do."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from kansli import rows
from kansli.org.actions import do_create_api_token
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry.models import Case
from kansli.registry.models.cases import CaseCounter

pytestmark = pytest.mark.django_db

LOST = "server closed the connection unexpectedly"


@pytest.fixture
def registrar() -> User:
    return make_user("reg", roles=[(Role.REGISTRAR, make_authority("KS"))])


def signed_in(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@contextmanager
def connection_lost(when: Callable[[str], bool] = lambda sql: True) -> Iterator[None]:
    """The driver reports a lost connection for the statements `when` picks: those sent
    through Django's cursor and kansli.rows' plain ones (the registration's hot path,
    on the driver's own cursor) alike."""

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if when(sql):
            raise OperationalError(LOST)
        return execute(sql, params, many, context)

    class Losing:
        """The driver's cursor, whose statements `when` picks fail as the driver's do."""

        def __init__(self, cursor: Any) -> None:
            self.cursor = cursor

        def execute(self, sql: str, params: Any = ()) -> Any:
            if when(sql):
                raise connection.Database.OperationalError(LOST)  # type: ignore[attr-defined]
            return self.cursor.execute(sql, params)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.cursor, name)

    driver_cursor = rows._cursor
    with (
        connection.execute_wrapper(wrapper),
        mock.patch.object(rows, "_cursor", lambda db: Losing(driver_cursor(db))),
    ):
        yield


def is_503_page(answer: Any) -> None:
    assert answer.status_code == 503
    assert "Databasen går inte att nå" in answer.content.decode()
    assert int(answer["Retry-After"]) > 0


def test_a_lost_connection_mid_registration_saves_nothing(registrar: User) -> None:
    client = signed_in(registrar)
    form = {
        "mode": "nytt", "authority": registrar.roles.get().authority_id, "title": "Ansökan",
        "direction": "inkommen", "document_date": timezone.localdate().isoformat(),
        "counterpart": "Anna", "description": "Ansökan om bygglov",
    }  # fmt: skip
    # Lost after the case number was taken: the number goes back with the rest.
    with connection_lost(lambda sql: sql.startswith('INSERT INTO "registry_case" ')):
        answer = client.post("/registrera/", form)
    is_503_page(answer)
    assert not Case.objects.exists()
    assert not CaseCounter.objects.filter(last_number__gt=0).exists()


def test_every_surface_answers_503_while_the_database_is_gone(registrar: User) -> None:
    _token, key = do_create_api_token(registrar, "test", actor=None)
    api = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {key}"})
    client = signed_in(registrar)
    with connection_lost():
        is_503_page(client.get("/arenden/mina/"))
        is_503_page(Client(raise_request_exception=False).get("/diarium/"))
        answer = api.get("/api/v1/cases")
    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/json"
    assert "Databasen går inte att nå" in answer.json()["detail"]
    assert int(answer["Retry-After"]) > 0
    # Back again: the same requests are answered.
    assert client.get("/arenden/mina/").status_code == 200


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_server_out_of_reach_gives_503(registrar: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("in-memory SQLite cannot be taken away; the driver test above covers it")
    client = signed_in(registrar)
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        is_503_page(client.get("/arenden/mina/"))
        is_503_page(Client(raise_request_exception=False).get("/diarium/"))
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert client.get("/arenden/mina/").status_code == 200


def wrapped(driver: BaseException) -> OperationalError:
    """The driver's error as Django raises it (django.db.utils.DatabaseErrorWrapper)."""
    error = OperationalError(str(driver))
    error.__cause__ = driver
    return error


def test_an_outage_is_told_from_a_fault_of_the_schema() -> None:
    import sqlite3

    import psycopg

    from kansli.web.faults import database_fault

    try:
        sqlite3.connect("/nonexistent-kansli/kansli.sqlite3")
    except sqlite3.OperationalError as error:
        cannot_open = error
    try:
        sqlite3.connect(":memory:").execute("SELECT * FROM no_such_table")
    except sqlite3.OperationalError as error:
        no_table = error
    try:
        psycopg.connect(f"host=127.0.0.1 port={closed_port()} dbname=x connect_timeout=2")
    except psycopg.OperationalError as error:
        refused = error
    assert database_fault(wrapped(cannot_open)) and database_fault(wrapped(refused))
    assert database_fault(wrapped(psycopg.errors.DeadlockDetected()))
    assert database_fault(wrapped(psycopg.errors.TooManyConnections()))
    assert not database_fault(wrapped(no_table))  # migrations not run: a 500, not a wait
    assert not database_fault(ValueError("no database"))


def test_a_missing_table_is_a_server_error_not_an_outage(registrar: User) -> None:
    import sqlite3

    try:
        sqlite3.connect(":memory:").execute("SELECT * FROM no_such_table")
    except sqlite3.OperationalError as error:
        missing = error

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raise wrapped(missing)

    client = signed_in(registrar)
    with connection.execute_wrapper(wrapper):
        answer = client.get("/arenden/mina/")
    assert answer.status_code == 500 and "Retry-After" not in answer
