"""The public pages' cache is passed over only by changes that may touch what they show
(kansli.public.changes), never kept across a registration, correction, voiding or
secrecy marking, and with a shared cache (Redis) an answer from it runs no SQL at all,
the middleware of an anonymous request included."""

from __future__ import annotations

import ast
import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import kansli
from kansli.access.actions import do_log_read
from kansli.audit.chain import latest_marked_seq, latest_seq
from kansli.org.actions import do_create_api_token
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.public.changes import QUIET_ACTIONS, QUIET_APPS
from kansli.public.pagecache import GENERATION
from kansli.public.record import WITHHELD
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.registry.testing import make_case, make_provision
from kansli.web.actions import do_log_in
from kansli.web.testing_redis import redis_caches, running_redis

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def registrar() -> User:
    return make_user("reg", roles=[(Role.REGISTRAR, make_authority("KS"))])


@pytest.fixture
def document(registrar: User) -> Document:
    case = make_case("Bidrag till föreningen", authority=registrar.roles.get().authority)
    registry.do_register_document(
        case, "inkommen", YESTERDAY, "Läkarintyg", counterpart="Vårdcentralen",
        secrecy=make_provision(), withhold_description=True, actor=registrar,
    )  # fmt: skip
    return registry.do_register_document(
        case, "inkommen", YESTERDAY, "Ansökan om bidrag", counterpart="Vallens IF",
        actor=registrar,
    )  # fmt: skip


def url_of(document: Document) -> str:
    return f"/diarium/KS/{document.case.year}/{document.case.number}/"


def asked(url: str) -> tuple[int, str]:
    """The SQL statements an anonymous GET ran, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def quiet_events(document: Document, registrar: User) -> None:
    """What staff do all day without changing the public pages: sign in, open a secret
    document of the case (its read logged), make an API key."""
    secret = document.case.documents.get(description="Läkarintyg")
    before = latest_marked_seq()
    do_log_in(registrar, actor=registrar)
    do_log_read(secret, "registration", actor=registrar)
    do_create_api_token(registrar, "Skanner", actor=registrar)
    assert latest_marked_seq() == before < latest_seq()


def test_the_answer_is_kept_across_events_that_cannot_touch_it(
    document: Document, registrar: User
) -> None:
    url = url_of(document)
    computed, first = asked(url)
    assert computed > 1
    quiet_events(document, registrar)
    # Not computed again: only the generation (the chain head's marked_seq) is read.
    assert asked(url) == (1, first)
    # A change rolled back leaves the generation as it was.
    before = latest_marked_seq()
    with pytest.raises(Undone), transaction.atomic():
        registry.do_register_document(
            document.case, "upprattad", YESTERDAY, "Återkallad", actor=registrar
        )
        raise Undone
    assert latest_marked_seq() == before
    assert asked(url) == (1, first)


class Undone(Exception):
    """Raised to roll a transaction back."""


CHANGES: dict[str, tuple[Callable[[Document, User], Any], str]] = {
    "registered": (
        lambda document, registrar: registry.do_register_document(
            document.case, "upprattad", YESTERDAY, "Beslut om bidrag", actor=registrar
        ),
        "Beslut om bidrag",
    ),
    "corrected": (
        lambda document, registrar: registry.do_correct_document(
            document, "Fel beskrivning", description="Ansökan om lokalbidrag", actor=registrar
        ),
        "Ansökan om lokalbidrag",
    ),
    "voided": (
        lambda document, registrar: registry.do_void_document(
            document, "Registrerad av misstag", actor=registrar
        ),
        'class="badge voided"',
    ),
    "marked secret": (
        lambda document, registrar: registry.do_mark_secrecy(
            document,
            make_provision("OSL 21 kap. 1 §"),
            withhold_description=True,
            actor=registrar,
        ),
        WITHHELD.format(reference="OSL 21 kap. 1 §"),
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_of_a_registration_is_never_hidden_by_the_cache(
    document: Document, registrar: User, change: str
) -> None:
    url = url_of(document)
    _computed, first = asked(url)
    assert asked(url) == (1, first)
    make, shown = CHANGES[change]
    assert shown not in first
    make(document, registrar)
    computed, after = asked(url)
    assert computed > 1 and shown in after


def test_with_redis_an_answer_from_the_cache_runs_no_sql(
    document: Document,
    registrar: User,
    settings: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = url_of(document)
    api = f"/api/v1/public/diary/KS/{document.case.year}/{document.case.number}"
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)  # the rate limit's counts there too
        _computed, first = asked(url)
        answer = Client().get(api).json()
        # Sessions, authentication, two-factor, django-axes, the rate limit and the
        # page: nothing of an anonymous request from the cache asks the database.
        with django_assert_num_queries(0):
            assert Client().get(url).content.decode() == first
        with django_assert_num_queries(0):
            assert Client().get(api).json() == answer
        token = caches["public-pages"].get(GENERATION)
        assert token

        with django_capture_on_commit_callbacks(execute=True):
            quiet_events(document, registrar)
        assert caches["public-pages"].get(GENERATION) == token
        with django_assert_num_queries(0):
            assert Client().get(url).content.decode() == first

        with django_capture_on_commit_callbacks(execute=True) as committed:
            registry.do_correct_document(
                document, "Fel beskrivning", description="Ansökan om lokalbidrag",
                actor=registrar,
            )  # fmt: skip
        assert committed  # the token is replaced only once the change has committed
        assert caches["public-pages"].get(GENERATION) != token
        computed, after = asked(url)
        assert computed > 1 and "Ansökan om lokalbidrag" in after
        assert "Ansökan om lokalbidrag" in str(Client().get(api).json())

        server.restart()  # the token lost with Redis: a new one, nothing kept is used
        computed, again = asked(url)
        assert computed > 1 and again == after


def written_actions() -> set[str]:
    """Every audit action named in Kansli's code: the string constants "app.verb" whose
    app is one of Kansli's, outside the tests."""
    root = Path(kansli.__file__).parent
    apps = {path.parent.name for path in root.glob("*/apps.py")}
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                app, dot, verb = node.value.partition(".")
                if dot and app in apps and verb.replace("_", "").isalpha() and verb.islower():
                    found.add(node.value)
    return found


def test_what_the_cache_passes_over_is_what_kansli_really_writes() -> None:
    actions = written_actions()
    assert {"registry.register_document", "web.log_in", "access.read"} <= actions
    assert actions >= QUIET_ACTIONS, sorted(QUIET_ACTIONS - actions)
    for app in QUIET_APPS:
        assert any(action.startswith(f"{app}.") for action in actions), app
    # The changes the public pages show are never passed over.
    shown = {
        "registry.register_case", "registry.register_document", "registry.correct_document",
        "registry.void_document", "registry.mark_secrecy", "registry.add_party",
        "registry.change_case", "public.publish_file", "public.set_policy",
        "meetings.approve_minutes", "meetings.dispatch_meeting", "retention.dispose",
        "privacy.erasure_decision", "backup.restored", "eservices.submit",
    }  # fmt: skip
    assert shown <= actions, sorted(shown - actions)
    assert not {a for a in shown if a in QUIET_ACTIONS or a.split(".")[0] in QUIET_APPS}
