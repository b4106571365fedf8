"""The public pages' cache is passed over only by changes that may touch what they show
(kansli.public.changes): at once by a correction, voiding, secrecy marking, protected
identity or private counterpart, and by a pure addition (a new registration or case)
once the kept answer is KANSLI_PUBLIC_NEW_SECONDS old, never later; in the per-process
cache and in Redis alike. With Redis an answer from the cache runs no SQL at all, the
middleware of an anonymous request included."""

from __future__ import annotations

import ast
import datetime
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
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
from kansli.audit.chain import Mark, latest_marks, latest_seq
from kansli.audit.models import AuditEvent
from kansli.org.actions import do_create_api_token
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.public import pagecache
from kansli.public.changes import ADDITIONS, QUIET_ACTIONS, QUIET_APPS, public_mark
from kansli.public.pagecache import ADDED, GENERATION
from kansli.public.record import PRIVATE, PROTECTED, WITHHELD
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
    before = latest_marks()
    do_log_in(registrar, actor=registrar)
    do_log_read(secret, "registration", actor=registrar)
    do_create_api_token(registrar, "Skanner", actor=registrar)
    assert latest_marks() == before and before[0] < latest_seq()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time the page cache reads, pinned: a test moves it by hand (clock[0])."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    return now


@pytest.fixture(params=["per process", "redis"])
def shared(request: pytest.FixtureRequest, settings: Any) -> Iterator[bool]:
    """Both kinds of the public pages' cache: the per-process one, and Redis."""
    if request.param == "per process":
        yield False
        return
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        yield True


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager]:
    """A block whose on-commit work runs at its end, as after a real commit (Redis's
    tokens are renewed only then)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_answer_is_kept_across_events_that_cannot_touch_it(
    document: Document, registrar: User
) -> None:
    url = url_of(document)
    computed, first = asked(url)
    assert computed > 1
    quiet_events(document, registrar)
    # Not computed again: only the generation (the chain head's marks) is read.
    assert asked(url) == (1, first)
    # Changes and additions rolled back leave the generation as it was.
    before = latest_marks()
    with pytest.raises(Undone), transaction.atomic():
        registry.do_register_document(
            document.case, "upprattad", YESTERDAY, "Återkallad", actor=registrar
        )
        registry.do_void_document(document, "Registrerad av misstag", actor=registrar)
        raise Undone
    assert latest_marks() == before
    assert asked(url) == (1, first)


class Undone(Exception):
    """Raised to roll a transaction back."""


# Each change: what it does, a text the page shows after it and one it no longer shows.
CHANGES: dict[str, tuple[Callable[[Document, User], Any], str, str]] = {
    "corrected": (
        lambda document, registrar: registry.do_correct_document(
            document, "Fel beskrivning", description="Ansökan om lokalbidrag", actor=registrar
        ),
        "Ansökan om lokalbidrag",
        "Ansökan om bidrag",
    ),
    "voided": (
        lambda document, registrar: registry.do_void_document(
            document, "Registrerad av misstag", actor=registrar
        ),
        'class="badge voided"',
        "",
    ),
    "marked secret": (
        lambda document, registrar: registry.do_mark_secrecy(
            document,
            make_provision("OSL 21 kap. 1 §"),
            withhold_description=True,
            actor=registrar,
        ),
        WITHHELD.format(reference="OSL 21 kap. 1 §"),
        "Ansökan om bidrag",
    ),
    "protected identity": (
        lambda document, registrar: registry.do_add_party(
            document.case, "Vallens IF", protected_identity=True, actor=registrar
        ),
        PROTECTED,
        "Vallens IF",
    ),
    # A registration, but not a pure addition: the private person's name is masked in
    # the case's other entries too (kansli.public.changes.hides_names).
    "registered with a private counterpart": (
        lambda document, registrar: registry.do_register_document(
            document.case,
            "inkommen",
            YESTERDAY,
            "Komplettering",
            counterpart="Vallens IF",
            counterpart_is_private=True,
            actor=registrar,
        ),
        PRIVATE,
        "Vallens IF",
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_of_a_registration_is_never_hidden_by_the_cache(
    document: Document,
    registrar: User,
    change: str,
    shared: bool,
    clock: list[float],
    committed: Callable[[], AbstractContextManager],
) -> None:
    """At once: the clock stands still, so no answer is ever too old here."""
    url = url_of(document)
    api = f"/api/v1/public/diary/KS/{document.case.year}/{document.case.number}"
    _computed, first = asked(url)
    first_json = Client().get(api).content.decode()
    assert asked(url) == (0 if shared else 1, first)
    make, shown, gone = CHANGES[change]
    assert shown not in first and gone in first
    with committed():
        make(document, registrar)
    computed, after = asked(url)
    assert computed > 1 and shown in after
    assert not gone or gone not in after
    assert Client().get(api).content.decode() != first_json


def test_a_registration_is_shown_within_the_bound(
    document: Document,
    registrar: User,
    settings: Any,
    shared: bool,
    clock: list[float],
    committed: Callable[[], AbstractContextManager],
) -> None:
    settings.PUBLIC_NEW_SECONDS = 10
    url = url_of(document)
    api = f"/api/v1/public/diary?q={document.case.case_number}"
    _computed, first = asked(url)
    first_json = Client().get(api).json()
    before = latest_marks()
    clock[0] += 3
    with committed():
        registry.do_register_document(
            document.case, "upprattad", YESTERDAY, "Beslut om bidrag", actor=registrar
        )
    assert latest_marks()[0] == before[0] < latest_marks()[1]  # an addition, not a change
    # Within the bound the kept answer may still be given (it is here: not guaranteed).
    clock[0] += 6
    assert asked(url) == (0 if shared else 1, first)
    assert Client().get(api).json() == first_json
    # Ten seconds after the answer was computed (so at most ten after the commit): shown.
    clock[0] += 1
    computed, after = asked(url)
    assert computed > 1 and "Beslut om bidrag" in after
    assert "Beslut om bidrag" in str(Client().get(api).json())
    # And the new answer is kept in its turn, with nothing registered since.
    clock[0] += 30
    assert asked(url) == (0 if shared else 1, after)


def test_without_a_bound_a_registration_is_shown_at_once(
    document: Document,
    registrar: User,
    settings: Any,
    shared: bool,
    clock: list[float],
    committed: Callable[[], AbstractContextManager],
) -> None:
    settings.PUBLIC_NEW_SECONDS = 0
    url = url_of(document)
    asked(url)
    with committed():
        registry.do_register_document(
            document.case, "upprattad", YESTERDAY, "Beslut om bidrag", actor=registrar
        )
    computed, after = asked(url)
    assert computed > 1 and "Beslut om bidrag" in after


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

        added = caches["public-pages"].get(ADDED)
        with django_capture_on_commit_callbacks(execute=True):
            registry.do_register_document(
                document.case, "upprattad", YESTERDAY, "Beslut om bidrag", actor=registrar
            )
        assert caches["public-pages"].get(GENERATION) == token  # an addition: not a change
        assert caches["public-pages"].get(ADDED) != added
        with django_assert_num_queries(0):  # within KANSLI_PUBLIC_NEW_SECONDS
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


def test_a_transaction_renews_each_part_once_however_many_events(
    document: Document, registrar: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        with django_capture_on_commit_callbacks() as waiting, transaction.atomic():
            for number in range(3):
                registry.do_register_document(
                    document.case, "upprattad", YESTERDAY, f"Beslut {number}", actor=registrar
                )
            for number in range(2):
                registry.do_correct_document(
                    document, "Rättelse", description=f"Ansökan {number}", actor=registrar
                )
        renewals = [f.args for f in waiting if getattr(f, "func", None) is pagecache.renew]
        assert sorted(renewals) == sorted([(ADDED,), (GENERATION,)])


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
    # Only a new registration or case may lag, and anything else Kansli writes that may
    # touch the public pages is a change.
    assert {"registry.register_case", "registry.register_document"} == ADDITIONS
    for action in actions - QUIET_ACTIONS:
        if action.split(".")[0] not in QUIET_APPS and action not in ADDITIONS:
            assert public_mark(AuditEvent(action=action)) == Mark.CHANGE, action


def test_a_registration_is_an_addition_only_when_it_hides_no_name() -> None:
    def mark(action: str, after: dict[str, Any] | None) -> Mark:
        return public_mark(AuditEvent(action=action, after=after))

    registered = "registry.register_document"
    assert mark(registered, {"counterpart_is_private": False}) == Mark.ADDITION
    assert mark(registered, {"counterpart_is_private": True}) == Mark.CHANGE
    assert mark(registered, {"description": "Ansökan"}) == Mark.CHANGE  # not said: a change
    assert mark(registered, None) == Mark.CHANGE
    assert mark("registry.register_case", {"parties": ["Bo Berg"]}) == Mark.ADDITION
    assert mark("registry.import_document", {"counterpart_is_private": False}) == Mark.CHANGE
    assert mark("web.log_in", None) == Mark.NONE
    # What the registration writes says it.
    case = make_case("Bidrag till föreningen")
    for private in (False, True):
        registry.do_register_document(
            case, "inkommen", YESTERDAY, "Ansökan", counterpart="Bo Berg",
            counterpart_is_private=private, actor=None,
        )  # fmt: skip
        event = AuditEvent.objects.filter(action=registered).latest("seq")
        assert public_mark(event) == (Mark.CHANGE if private else Mark.ADDITION)
