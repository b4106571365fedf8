"""Authorisation: every URL of the project, as every kind of user, for every kind of object.

The URLs are not listed here: they are discovered from the URL configuration
(`get_resolver()`, recursing into every included resolver, the Ninja API under /api/v1/
included), so a new page or endpoint is walked as soon as it exists. Only SKIPPED (below,
with the reason for each) is left out, and a URL parameter that FILL does not know how to
fill makes test_every_url_parameter_can_be_filled fail: a new endpoint cannot escape by
having a new kind of parameter.

For each role (authorisation_fixtures.ROLES; those of MEETING_ONLY on the meetings' URLs
only) and each object (an open registration, a secrecy-marked one with sender and
description withheld, a case with a party with protected identity; and an item in the
registrar's inbox, and a meeting of KS with a secret attachment) every URL is fetched
with GET and with an empty POST as a signed-in browser session (or not signed in), API
endpoints also with GET and the user's bearer key; the links of an answer to its own
page with a query (`?format=csv`: the CSV exports, `?sida=2`) are followed. Every URL
without parameters (lists, searches, lookups, the public e-diary) is also fetched, GET
and POST, with every search parameter (SEARCH_KEYS) set to the prefix all markers share,
to a word that matches nothing and to each marker word the user may not see. Then:

1. Nothing answers 500. The public answers only the public pages (PUBLIC_ROUTES);
   elsewhere it gets a redirect to the login page, 401, 403, 404 or 405.
2. An object the user may not read answers exactly like one that does not exist: the
   same status and the same body as the same URL with a missing id, and never 2xx.
3. No marker word the user may not see appears anywhere in any answer (body, headers,
   the text of a PDF), and a search for such a word answers exactly like a search for a
   word that matches nothing (so not even a hit without text gives the object away).

The walk also notes which markers each user saw, and test_readers_see_the_markers
checks that those who may read an object do see all its markers somewhere: otherwise a
walk that fetched nothing useful would pass. On the meetings' pages (kansli.meetings),
whose users are not the registry's, it also checks that those who may use a page get it
(EXPECTED_GET, LIST_USERS).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from io import BytesIO
from typing import Any
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from tests import authorisation_fixtures as fx
from tests.authorisation_fixtures import Thing, World

try:  # the second factor (kansli.web.twofactor): force_login must pass it too
    from kansli.web.testing import mark_second_factor_passed
except ImportError:  # pragma: no cover - before two-factor login existed

    def mark_second_factor_passed(client: Client, user: Any) -> None:
        pass


# The data is built once for the module (fixture `world`, in a transaction rolled back at
# the module's end); the mark makes pytest-django set the test database up, and wraps
# each test in a savepoint of its own.
pytestmark = pytest.mark.django_db

# Left out of the walk, by the start of the route, with the reason.
SKIPPED = {
    # The Django admin (and its login page, which is the one login page under another
    # address): only for is_staff users with model permissions, that is system
    # administrators; its own rules are tested with the org app, and it is not where
    # case data is read.
    "admin/": "Django admin, own permission rules",
    # i18n/setlang/: only sets the language cookie (and would change the language of
    # every later answer of the walk).
    "i18n/": "language switch, no data",
}

# What the public may see: signing in (with its second factor) and out, the public
# e-diary and its API, the API's own description, and the meetings' notice board, the
# approved minutes on it and each body's meeting calendar. Everything else must refuse
# the public.
PUBLIC_ROUTES = {
    "login/",
    "login/kod/",
    "login/kod/ny/",
    "logout/",
    "diarium/",
    "diarium/<str:code>/<int:year>/<int:number>/",
    "diarium/filer/<int:pk>/<str:name>",
    "api/v1/",
    "api/v1/docs",
    "api/v1/openapi.json",
    "api/v1/public/diary",
    "api/v1/public/diary/<code>/<year>/<number>",
    "anslagstavla/",
    "anslagstavla/<int:pk>/",
    "anslagstavla/sammantrade/<int:pk>/",
    "anslagstavla/sammantrade/<int:pk>/kallelse.pdf",
    "anslagstavla/protokoll/",
    "moten/organ/<int:pk>/kalender.ics",
    # The citizens' e-services: the forms, a receipt by its signed link, an e-förslag's
    # page and the confirmation of a signature (kansli.eservices).
    "e-tjanster/",
    "e-tjanster/medborgarforslag/",
    "e-tjanster/synpunkt/",
    "e-tjanster/e-forslag/",
    "e-tjanster/e-forslag/<int:pk>/",
    "e-tjanster/e-forslag/bekrafta/<str:token>/",
    "e-tjanster/kvitto/<str:token>/",
    # Asking for public documents, and the receipt by its signed link (kansli.requests).
    "begaran/",
    "begaran/kvitto/<str:token>/",
    # The requester's copies behind a delivery's signed link, and each file of it.
    "begaran/hamta/<str:token>/",
    "begaran/hamta/<str:token>/<int:file_pk>/",
    # The public pages of the case handbook (kansli.handbook).
    "diarium/handbok/",
    "diarium/handbok/<int:pk>/",
    # Health checks for the load balancer, which say ok or fail and nothing more, and
    # the metrics, which answer the test client's loopback address (kansli.web.health).
    "health/live",
    "health/ready",
    "metrics",
}

# The API's description: the same for everyone whatever the query (and the OpenAPI
# schema takes a third of a second to make), so fetched once per user and method, not
# once per searched word.
DESCRIPTION_ROUTES = {"api/v1/", "api/v1/docs", "api/v1/openapi.json"}
# The health checks and the metrics take no query, and the metrics change with every
# request (they count them): nothing to search.
PROBE_ROUTES = {"health/live", "health/ready", "metrics"}

# How each URL parameter is filled, by (the route's first segment, the literal segment
# before the parameter, the parameter's name): what it addresses (its level), the value
# it takes (Thing.values, or the World's) and the value for "does not exist" (None:
# never replaced, the parameter does not address something one may be denied).
CASE, MEMBERSHIP, DOCUMENT, FILE, PUBLIC_FILE, INBOX, OPEN_LEVEL = (
    "case", "membership", "document", "file", "public file", "inbox", "open",
)  # fmt: skip
# The meetings': a meeting, § or body on the staff's pages, the minutes (also the
# approvers'), a meeting in the member portal and a document on its agenda there.
PREPARED, MINUTES, PORTAL, PORTAL_DOCUMENT = "prepared", "minutes", "portal", "portal document"
REPORT = "report"  # an officer's draft report (kansli.reports)
NEWS = "news"  # a body's snabbnytt, for the staff of its authority
DRAFT = "draft"  # the released draft of the minutes and its comments (e-justering)
MISSING = 999_999


@dataclass(frozen=True)
class Fill:
    level: str
    value: str
    missing: Any = None


FILL: dict[tuple[str, str, str], Fill] = {
    # Staff pages: /arenden/<case>/..., /arenden/<case>/handlingar/<document number>/...
    ("arenden", "arenden", "pk"): Fill(CASE, "case_pk", MISSING),
    ("arenden", "handlingar", "number"): Fill(DOCUMENT, "document_number", 999),
    ("arenden", "medlem", "membership"): Fill(MEMBERSHIP, "membership_pk", MISSING),
    # A version of a document's file (the DocumentFile's id) under its case and document.
    ("arenden", "filer", "file_id"): Fill(FILE, "file_pk", MISSING),
    # An item waiting in the registrar's inbox.
    ("registrera", "inkorg", "pk"): Fill(INBOX, "inbox_pk", MISSING),
    # A message in the quarantine of the functional mailbox: for the same readers.
    ("registrera", "karantan", "pk"): Fill(INBOX, "quarantine_pk", MISSING),
    # The read log of a person: who it is does not depend on what one may read.
    ("behorighet", "lasningar", "user_id"): Fill(OPEN_LEVEL, "reader_pk"),
    # The public e-diary: every case has a public page; only published files are there.
    ("diarium", "diarium", "code"): Fill(OPEN_LEVEL, "case_code"),
    ("diarium", "diarium", "year"): Fill(OPEN_LEVEL, "case_year"),
    ("diarium", "diarium", "number"): Fill(OPEN_LEVEL, "case_serial"),
    ("diarium", "filer", "pk"): Fill(PUBLIC_FILE, "file_pk", MISSING),
    ("diarium", "filer", "name"): Fill(OPEN_LEVEL, "file_name"),
    # Publishing a file (the registrar's; a file one may not read is not found).
    ("diarium", "publicera", "pk"): Fill(FILE, "file_pk", MISSING),
    # The API.
    ("api", "cases", "case_id"): Fill(CASE, "case_pk", MISSING),
    ("api", "documents", "document_id"): Fill(DOCUMENT, "document_pk", MISSING),
    ("api", "files", "file_id"): Fill(FILE, "file_pk", MISSING),
    ("api", "diary", "code"): Fill(OPEN_LEVEL, "case_code"),
    ("api", "diary", "year"): Fill(OPEN_LEVEL, "case_year"),
    ("api", "diary", "number"): Fill(OPEN_LEVEL, "case_serial"),
    # Committee administration (kansli.meetings): the staff's pages of a meeting
    # (moten/<meeting>/..., its PDFs by kind) and of a § (moten/paragraf/<§>/...).
    ("moten", "moten", "pk"): Fill(PREPARED, "meeting_pk", MISSING),
    ("moten", "moten", "kind"): Fill(OPEN_LEVEL, "meeting_file"),
    ("moten", "paragraf", "pk"): Fill(PREPARED, "paragraph_pk", MISSING),
    ("moten", "punkt", "pk"): Fill(PREPARED, "item_pk", MISSING),
    ("api", "meetings", "meeting_id"): Fill(PREPARED, "meeting_pk", MISSING),
    # An agenda item's details, and an appendix to the minutes (removing it): the staff's.
    ("api", "items", "item_id"): Fill(PREPARED, "item_pk", MISSING),
    ("api", "appendices", "number"): Fill(PREPARED, "appendix_number", MISSING),
    ("moten", "bilaga", "pk"): Fill(PREPARED, "appendix_pk", MISSING),
    # A § in the API (its motions and votes): as its page, the staff's.
    ("api", "paragraphs", "paragraph_id"): Fill(PREPARED, "paragraph_pk", MISSING),
    # The member portal: a dispatched meeting, and a document on its agenda.
    ("moten", "portal", "pk"): Fill(PORTAL, "meeting_pk", MISSING),
    ("moten", "handling", "document"): Fill(PORTAL_DOCUMENT, "portal_document_pk", MISSING),
    ("moten", "anteckning", "document"): Fill(PORTAL_DOCUMENT, "portal_document_pk", MISSING),
    # A body's pages (its measures) are the staff's; its calendar is public (below).
    ("moten", "organ", "pk"): Fill(PREPARED, "body_pk", MISSING),
    # An approver's comment on the draft minutes, answered by the secretary: the staff's.
    ("moten", "kommentar", "pk"): Fill(PREPARED, "comment_pk", MISSING),
    ("api", "draft-comments", "comment_id"): Fill(PREPARED, "comment_pk", MISSING),
    # A delegated decision of the KS delegation order (posting it): the staff's.
    ("moten", "delegation", "pk"): Fill(PREPARED, "delegated_pk", MISSING),
    ("api", "decisions", "decision_id"): Fill(PREPARED, "delegated_pk", MISSING),
    # The approved minutes of a notice on the board: public.
    ("anslagstavla", "anslagstavla", "pk"): Fill(OPEN_LEVEL, "notice_pk"),
    # A meeting whose notice went out, as announced (its agenda and notice): public.
    ("anslagstavla", "sammantrade", "pk"): Fill(OPEN_LEVEL, "meeting_pk"),
    # The snabbnytt after the meeting: the authority's staff's.
    ("snabbnytt", "snabbnytt", "pk"): Fill(NEWS, "news_pk", MISSING),
    # The e-services' public pages: an e-förslag (none in the world: any id is not
    # found), and the signed links of a receipt and a signature (any other is refused).
    ("e-tjanster", "e-forslag", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("e-tjanster", "bekrafta", "token"): Fill(OPEN_LEVEL, "reader_pk"),
    ("e-tjanster", "kvitto", "token"): Fill(OPEN_LEVEL, "reader_pk"),
    ("e-tjanster", "granskning", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    # A request for public documents (its own case: read as a case) and a document asked
    # for in it; an e-mail in the inbox registered as a request; a receipt's signed link.
    ("begaran", "begaran", "pk"): Fill(CASE, "request_pk", MISSING),
    ("begaran", "handling", "pk"): Fill(CASE, "request_item_pk", MISSING),
    # Redacting a document asked for (begaran/<request>/handling/<item>/maskera/...): for
    # those who may read the document; a page image by its number (1, as the world's
    # first appendix), a redaction by its id (none in the world: any id is not found).
    ("begaran", "handling", "item_pk"): Fill(DOCUMENT, "request_item_pk", MISSING),
    ("begaran", "sida", "page"): Fill(OPEN_LEVEL, "appendix_number"),
    ("begaran", "maskera", "redaction_pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("begaran", "inkorg", "pk"): Fill(INBOX, "inbox_pk", MISSING),
    ("begaran", "kvitto", "token"): Fill(OPEN_LEVEL, "reader_pk"),
    # A delivery's download link and its files: only a valid signed link opens them.
    ("begaran", "hamta", "token"): Fill(OPEN_LEVEL, "reader_pk"),
    ("begaran", "utlamnande", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("begaran", "hamta", "file_pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("api", "requests", "request_id"): Fill(CASE, "request_pk", MISSING),
    # A reorganisation (kansli.reorganisation): the system administrator's pages; an id
    # that names none, so that the walk's POST does not carry one out under the others.
    ("omorganisation", "omorganisation", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    # An officer's draft report (kansli.reports), and an authority's rule for them.
    ("tjansteskrivelser", "tjansteskrivelser", "pk"): Fill(REPORT, "report_pk", MISSING),
    ("tjansteskrivelser", "regler", "code"): Fill(OPEN_LEVEL, "case_code"),
    ("api", "reports", "report_id"): Fill(REPORT, "report_pk", MISSING),
    # The document templates (kansli.drafting): a kind is no secret; the case page's
    # documents made from the case are the case's readers'.
    ("mallar", "mallar", "kind"): Fill(OPEN_LEVEL, "template_kind"),
    ("arenden", "mallar", "kind"): Fill(OPEN_LEVEL, "template_kind"),
    # Sändlistor (kansli.distribution): a list is the municipality's staff's and holds
    # nothing secret; a send's record by an id that names none (tested in the app).
    # Sending to a list: a meeting, a §, a document and a snabbnytt, each as its page.
    ("sandlistor", "sandlistor", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("sandlistor", "utskick", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("sandlistor", "arende", "pk"): Fill(CASE, "case_pk", MISSING),
    ("sandlistor", "kallelse", "pk"): Fill(PREPARED, "meeting_pk", MISSING),
    ("sandlistor", "beslut", "pk"): Fill(PREPARED, "paragraph_pk", MISSING),
    ("sandlistor", "remiss", "pk"): Fill(DOCUMENT, "document_pk", MISSING),
    ("sandlistor", "snabbnytt", "pk"): Fill(NEWS, "news_pk", MISSING),
    ("api", "distribution-lists", "list_id"): Fill(OPEN_LEVEL, "reader_pk"),
    ("api", "members", "member_id"): Fill(OPEN_LEVEL, "reader_pk"),
    ("api", "dispatches", "dispatch_id"): Fill(OPEN_LEVEL, "reader_pk"),
    # Surveys (kansli.surveys): a survey, a round to answer and a follow-up action by an
    # id that names none; who reads and answers what is tested in the app.
    ("enkater", "enkater", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("enkater", "omgang", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("enkater", "atgard", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    # The case handbook (kansli.handbook): a page and its version by an id that names
    # none; who reads an internal page is tested in the app.
    ("handbok", "handbok", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("handbok", "versioner", "number"): Fill(OPEN_LEVEL, "reader_pk"),
    ("diarium", "handbok", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    # Saved searches (kansli.search): a person's own, by an id that names none; that
    # another's answers 404 is tested in the app.
    ("sok", "sparade", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("api", "saved-searches", "saved_id"): Fill(OPEN_LEVEL, "reader_pk"),
    # The document management plans (kansli.retention): no secret, read by the
    # municipality's staff; by an id that names none, who reads is tested in the app.
    ("informationshanteringsplan", "informationshanteringsplan", "pk"): Fill(
        OPEN_LEVEL, "reader_pk"
    ),
    ("api", "plans", "plan_id"): Fill(OPEN_LEVEL, "reader_pk"),
    # Disposal lists and legal holds (kansli.retention): by an id that names none, so
    # the walk's POSTs do not review, dispose or lift under the other roles; who reads
    # and acts on them is tested in the app.
    ("gallring", "gallring", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("gallring", "undanta", "item"): Fill(OPEN_LEVEL, "reader_pk"),
    ("bevarande", "bevarande", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
    ("api", "disposal-runs", "run_id"): Fill(OPEN_LEVEL, "reader_pk"),
    # Transfers to the e-archive (kansli.archive): by an id that names none, so the
    # walk's POSTs register no receipt; who reads them is tested in the app.
    ("e-arkiv", "e-arkiv", "pk"): Fill(OPEN_LEVEL, "reader_pk"),
}

# Where the route's name, not its path, tells what a parameter addresses (looked up
# before FILL): the minutes are at their meeting's id (moten/<meeting>/protokoll/), but
# the chair and the approvers use them too; a body's calendar feed is public.
FILL_BY_NAME: dict[tuple[str, str], Fill] = {
    ("meetings:minutes", "pk"): Fill(MINUTES, "meeting_pk", MISSING),
    ("meetings:approve", "pk"): Fill(MINUTES, "meeting_pk", MISSING),
    # A correction of approved minutes: the staff's and the approvers', as the minutes.
    ("meetings:approve-correction", "pk"): Fill(MINUTES, "correction_pk", MISSING),
    ("meetings:correction-file", "pk"): Fill(MINUTES, "correction_pk", MISSING),
    ("meetings:calendar", "pk"): Fill(OPEN_LEVEL, "body_pk"),
    # The draft minutes and their comments: the approvers' and the staff's who read the
    # non-public part (kansli.access.rules.may_read_draft).
    ("meetings:draft", "pk"): Fill(DRAFT, "meeting_pk", MISSING),
    ("meetings:draft-file", "pk"): Fill(DRAFT, "meeting_pk", MISSING),
    ("meetings:comment-draft", "pk"): Fill(DRAFT, "meeting_pk", MISSING),
    ("api-v1:draft_comments", "meeting_id"): Fill(DRAFT, "meeting_pk", MISSING),
    ("api-v1:draft_comment", "meeting_id"): Fill(DRAFT, "meeting_pk", MISSING),
    # Signing a § approved immediately: the chair's and the approvers', as the minutes.
    ("meetings:approve-paragraph", "pk"): Fill(MINUTES, "paragraph_pk", MISSING),
    # Förhinder through the API (POST and DELETE on one route): the body's members', as
    # the member portal.
    ("api-v1:absence_report", "meeting_id"): Fill(PORTAL, "meeting_pk", MISSING),
    # A document asked for in a request (api/v1/requests/<id>/items/<id>/review).
    ("api-v1:review_item", "item_id"): Fill(CASE, "request_item_pk", MISSING),
    # An item of a disposal run (none in the world: by an id that names none).
    ("api-v1:exclude_item", "item_id"): Fill(OPEN_LEVEL, "reader_pk"),
}

# What a GET of a meetings' page answers those who may use it (the walk does not
# replace its ids; the public on the public pages included): the page, or 405 where
# only POST is answered. Everyone else gets what the same URL with a missing id gets.
EXPECTED_GET = {
    "meetings:meeting": 200,
    "meetings:preregister": 200,
    "meetings:file": 200,
    "meetings:minutes": 200,
    "meetings:paragraph": 200,
    "meetings:expedite": 200,
    "meetings:portal_meeting": 200,
    "meetings:portal_file": 200,
    "meetings:portal_pack": 200,
    "meetings:calendar": 200,
    "meetings:measures": 200,
    "meetings:members": 200,
    "meetings:measures-csv": 200,
    "meetings:public-minutes": 200,
    "meetings:public-meeting": 200,
    "meetings:public-notice": 200,
    "meetings:correction-file": 200,
    "meetings:draft": 200,
    "meetings:draft-file": 200,
    "meetings:letters": 200,
    "meetings:news-item": 200,
    "meetings:arrange": 405,
    "meetings:dispatch": 405,
    "meetings:open-minutes": 405,
    "meetings:approve": 405,
    "meetings:approve-correction": 405,
    "meetings:comment-draft": 405,
    "meetings:release-draft": 405,
    "meetings:remind-approvers": 405,
    "meetings:answer-comment": 405,
    "meetings:mark-immediate": 405,
    "meetings:remove-appendix": 405,
    "meetings:approve-paragraph": 405,
    "meetings:report-absence": 405,
    "meetings:withdraw-absence": 405,
    "meetings:note": 405,
    "meetings:report-decisions": 405,
    "meetings:post-delegated-decision": 405,
    "meetings:paragraph-votes": 405,
    "api-v1:list_items": 200,
}
# Who gets the meetings' lists (200 to a GET); everyone else signed in gets 404 (the
# public: the login page). The portal lists only the user's own bodies' meetings.
LIST_USERS = {
    "meetings:list": fx.MEETING_STAFF,
    "meetings:delegation": fx.MEETING_STAFF,
    "meetings:news": fx.NEWS_LIST_USERS,
    "meetings:portal": fx.SIGNED_IN,
    "meetings:board": frozenset(fx.ROLES),
}

# Pages that address a document the user may not read, on purpose: the read log of a
# secrecy-marked document is for the authority's managers and its data protection
# officer (GDPR art. 39), who see who opened it without reading it. They get the page
# (and the marker check still applies to it); everyone else must get the same answer as
# for a missing document.
OVERSIGHT = {"access:document-reads": {fx.MANAGER, fx.DPO}}

# The names searches, lookups and forms read their text from.
SEARCH_KEYS = ("q", "counterpart", "description", "title", "case_number", "arende")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
# The CSRF token and the public forms' signed time stamp (kansli.web.spam) differ per answer.
CSRF = re.compile(r'(name="(?:csrfmiddlewaretoken|formular_visat)" value=")[^"]*(")')
OWN_LINK = re.compile(r'href="(\?[^"]*)"')
FOLLOWED_LINKS = 3  # per answer
REFUSED_STATUSES = {401, 403, 404, 405}
FORBIDDEN_STATUSES = REFUSED_STATUSES | {400, 422}


@dataclass(frozen=True)
class Route:
    route: str  # as Django writes it: "arenden/<int:pk>/handlingar/<int:number>/"
    name: str  # namespaced URL name
    params: tuple[str, ...]
    methods: frozenset[str]  # to send besides GET and POST (from the OpenAPI schema)
    regex: bool = False  # made with re_path(): its parameters cannot be filled here

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def first(self) -> str:
        return self.route.split("/", 1)[0]

    @property
    def is_meetings(self) -> bool:
        """Committee administration's (kansli.meetings): its pages and its API."""
        return self.name.startswith("meetings:") or self.route.startswith("api/v1/meetings")


def _patterns(
    patterns: Iterable[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if any(route.startswith(skip) for skip in SKIPPED):
            continue
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, ":".join(n for n in (namespace, entry.name or "") if n), entry


def api_operations() -> dict[str, set[str]]:
    """The API's own list of paths and methods (its OpenAPI schema), as Django routes."""
    from kansli.api import api

    operations = {}
    for path, item in api.get_openapi_schema()["paths"].items():
        route = re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/"))
        operations[route] = {method.lower() for method in item}
    return operations


def discover() -> list[Route]:
    """Every route of the project outside SKIPPED, once each."""
    operations = api_operations()
    routes: dict[str, Route] = {}
    for route, name, entry in _patterns(get_resolver().url_patterns):
        if route in routes:  # Ninja: one pattern per operation on the same path
            continue
        params = tuple(m.group("name") for m in PARAMETER.finditer(route))
        extra = operations.get(route, set()) - {"get", "post"}
        regex = isinstance(entry.pattern, RegexPattern)
        routes[route] = Route(route, name, params, frozenset(extra), regex)
    return list(routes.values())


def _anchors(route: str) -> dict[str, str]:
    """Each parameter's nearest literal path segment before it."""
    anchors, literal = {}, ""
    for segment in route.split("/"):
        found = PARAMETER.search(segment)
        if found is None:
            literal = segment
        else:
            anchors[found.group("name")] = literal
    return anchors


def fills(route: Route) -> dict[str, Fill | None]:
    anchors = _anchors(route.route)
    return {
        name: FILL_BY_NAME.get((route.name, name))
        or FILL.get((route.first, anchors.get(name, ""), name))
        for name in route.params
    }


def unfillable(routes: Iterable[Route]) -> list[str]:
    problems = []
    for route in routes:
        if route.regex:
            problems.append(f"{route.route} ({route.name}): re_path() route; write it as path()")
            continue
        for name, fill in fills(route).items():
            if fill is None:
                key = (route.first, _anchors(route.route).get(name, ""), name)
                problems.append(f"{route.route} ({route.name}): no FILL for {name!r}, key {key}")
    return problems


# -- Fetching -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    text: str  # the body (and a PDF's text), then every header


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    except Exception as error:
        return f"(unreadable PDF: {error})"


def _answer(response: HttpResponseBase) -> Answer:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        data = response.content  # type: ignore[attr-defined]
    # Not response.close(): the test client has closed it (a streaming one once read), with
    # request_finished kept from closing the database connection, as it would here.
    text = data.decode("utf-8", errors="replace")
    if data.startswith(b"%PDF"):
        text += "\n" + _pdf_text(data)
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    return Answer(response.status_code, response.get("Location", ""), text + "\n" + headers)


class Fetcher:
    """Requests as one user (by session, by bearer key, or not signed in), each in a
    savepoint rolled back afterwards, so that an empty POST that happens to do
    something (end a membership, register a letter, sign out) changes nothing for the
    rest of the walk. The same request twice is answered from memory."""

    def __init__(self, user: Any, key: str | None = None) -> None:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        self.client = Client(raise_request_exception=False, **headers)
        if user is not None and key is None:
            self.client.force_login(user)
            mark_second_factor_passed(self.client, user)
        self.answers: dict[tuple[str, str, str], Answer] = {}

    def __call__(self, method: str, path: str, data: dict[str, str]) -> Answer:
        key = (method, path, urlencode(sorted(data.items())))
        if key not in self.answers:
            cookies = copy.deepcopy(self.client.cookies)
            with transaction.atomic():
                if method == "get":
                    response = self.client.get(path, data)
                elif method == "post":
                    response = self.client.post(path, data)
                else:
                    response = self.client.generic(
                        method.upper(), path, urlencode(data),
                        content_type="application/x-www-form-urlencoded",
                    )  # fmt: skip
                self.answers[key] = _answer(response)
                transaction.set_rollback(True)
            self.client.cookies = cookies
        return self.answers[key]


# -- The walk ---------------------------------------------------------------------------


@dataclass
class Walk:
    # (role, the kind of object it is about or "-", the route's name, description)
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (role, kind, route) combinations checked
    checked: set[tuple[str, str, str]] = field(default_factory=set)
    requests: int = 0
    seen: set[tuple[str, str]] = field(default_factory=set)  # (role, marker)

    def leaks(self, role: str | None = None, kind: str | None = None, *,
              name: str | None = None, known: bool = False) -> list[str]:  # fmt: skip
        """The problems found (those of KNOWN_LEAKS only if `known`, else all others)."""
        return [
            text
            for r, k, n, text in self.problems
            if (role is None or r == role) and (kind is None or k == kind)
            and (name is None or n == name) and ((r, n) in KNOWN_LEAKS) == known
        ]  # fmt: skip


def _excerpt(text: str, word: str, width: int = 80) -> str:
    at = text.casefold().find(word.casefold())
    return text[max(0, at - width) : at + len(word) + width].replace("\n", " ")


def _normal(answer: Answer, path: str, words: Iterable[str]) -> tuple[int, str, str]:
    """An answer as compared with another: the path, searched words and CSRF tokens,
    and the headers that differ per request, out."""
    location, text = answer.location, CSRF.sub(r"\1-\2", answer.text)
    for old in (quote(path, safe=""), path, *words):
        if old:
            location = location.replace(old, "<…>")
            text = re.sub(re.escape(old), "<…>", text, flags=re.IGNORECASE)
    # The body is compared as it is, so its length need not be; the rest differ per request.
    varying = ("Date:", "Expires:", "X-Request-ID:", "Content-Length:")
    lines = [line for line in text.splitlines() if not line.startswith(varying)]
    return answer.status, location, "\n".join(lines)


class Walker:
    def __init__(self, world: World, routes: list[Route], walk: Walk, kinds: list[str]) -> None:
        self.world, self.routes, self.walk = world, routes, walk
        self.guarded = {
            marker: guard for marker, guard in world.guarded().items()
            if guard[0] in kinds or guard[0] in (fx.INBOX, fx.MEETING)
        }  # fmt: skip
        self.login = resolve_url(settings.LOGIN_URL)

    def forbidden(self, role: str) -> list[str]:
        return [m for m, (_kind, readers) in self.guarded.items() if role not in readers]

    def refused(self, answer: Answer) -> bool:
        """Turned away before anything was read (not signed in, no role, wrong method)."""
        to_login = answer.status == 302 and answer.location.startswith(self.login)
        return to_login or answer.status in REFUSED_STATUSES

    def problem(self, role: str, kind: str, route: Route, text: str) -> None:
        self.walk.problems.append((role, kind, route.name, text))

    def check(self, role: str, kind: str, route: Route, request: tuple[str, str, dict[str, str]],
              answer: Answer, via: str) -> None:  # fmt: skip
        """Statuses, and no marker the role may not see."""
        method, path, data = request
        query = "?" + urlencode(data) if data else ""
        where = f"{method.upper()} {path}{query} [{via}]"
        if answer.status >= 500:
            self.problem(role, kind, route, f"{where}: answered {answer.status}")
        if role == fx.ANONYMOUS and route.route not in PUBLIC_ROUTES and not self.refused(answer):
            self.problem(role, kind, route, f"{where}: the public got {answer.status} "
                                            f"{answer.location}")  # fmt: skip
        visible = answer.text
        for word in set(data.values()):  # a searched word, echoed by the form
            if word != fx.PREFIX and word.startswith(fx.PREFIX):
                visible = re.sub(re.escape(word), "", visible, flags=re.IGNORECASE)
        folded = visible.casefold()
        forbidden = self.forbidden(role)
        for marker, (owner, _readers) in self.guarded.items():
            if marker.casefold() not in folded:
                continue
            self.walk.seen.add((role, marker))
            if marker in forbidden:
                excerpt = _excerpt(visible, marker)
                self.problem(role, owner, route,
                             f"{where}: shows {marker!r} ({owner}): …{excerpt}…")  # fmt: skip

    def same(self, role: str, kind: str, route: Route, where: str, first: tuple[Any, ...],
             second: tuple[Any, ...], why: str) -> None:  # fmt: skip
        if first == second:
            return
        lines_a, lines_b = first[2].splitlines(), second[2].splitlines()
        differ = next(
            (f"{a!r} / {b!r}" for a, b in zip(lines_a, lines_b, strict=False) if a != b),
            f"{len(lines_a)} / {len(lines_b)} lines",
        )
        self.problem(role, kind, route, f"{where}: {why}: {first[0]} {first[1]!r} vs "
                     f"{second[0]} {second[1]!r}; first difference: {differ[:300]}")  # fmt: skip

    def path(self, route: Route, thing: Thing, hidden: Iterable[str] = ()) -> str:
        values = thing.values | {
            "membership_pk": self.world.membership_pk,
            "reader_pk": self.world.reader_pk,
            "inbox_pk": self.world.inbox_pk,
            "quarantine_pk": self.world.quarantine_pk,
        }
        if self.world.meetings is not None:
            values |= self.world.meetings.values(thing.kind)
        filled = fills(route)

        def value(match: re.Match[str]) -> str:
            fill = filled[match.group("name")]
            assert fill is not None, route  # test_every_url_parameter_can_be_filled
            if fill.level in hidden and fill.missing is not None:
                return str(fill.missing)
            return quote(str(values[fill.value]), safe="")

        return "/" + PARAMETER.sub(value, route.route)

    def hidden(self, role: str, thing: Thing, route: Route) -> set[str]:
        """The levels the role may not see here, whose ids are replaced by missing ones
        for the answer this one must equal; empty when the role may see it all."""
        levels = {fill.level for fill in fills(route).values() if fill is not None}
        if levels & {CASE, MEMBERSHIP} and role not in fx.CASE_READERS:
            return {CASE, MEMBERSHIP, DOCUMENT, FILE}
        overseen = role in OVERSIGHT.get(route.name, set())
        if levels & {DOCUMENT, FILE} and role not in thing.document_readers and not overseen:
            return {DOCUMENT, FILE}
        if INBOX in levels and role not in fx.INBOX_READERS:
            return {INBOX}
        # No file here is in the e-diary (the protected case's was, until its party
        # was protected): the public file's route answers as for a missing one.
        if PUBLIC_FILE in levels:
            return {PUBLIC_FILE}
        if PREPARED in levels and role not in fx.MEETING_STAFF:
            return {PREPARED}
        if MINUTES in levels and role not in fx.MEETING_STAFF | fx.APPROVERS:
            return {MINUTES}
        if PORTAL in levels and role not in fx.BODY_MEMBERS:
            return {PORTAL, PORTAL_DOCUMENT}
        if PORTAL_DOCUMENT in levels and role not in fx.PORTAL_READERS[thing.kind]:
            return {PORTAL_DOCUMENT}
        if NEWS in levels and role not in fx.NEWS_READERS:
            return {NEWS}
        if DRAFT in levels and role not in fx.DRAFT_READERS:
            return {DRAFT}
        if REPORT in levels and role not in fx.REPORT_READERS[thing.kind]:
            return {REPORT}
        return set()

    def run(self, roles: list[str], things: list[Thing]) -> None:
        for role in roles:
            user, key = self.world.users[role], self.world.tokens.get(role, "not-a-key")
            self.session, self.bearer = Fetcher(user), Fetcher(None, key)
            for route in routes_of(role, self.routes):
                for thing in things:
                    self.walk.checked.add((role, thing.kind, route.route))
                if route.params:
                    for thing in things:
                        self.object_route(role, thing, route)
                else:
                    self.list_route(role, route)
            self.walk.requests += len(self.session.answers) + len(self.bearer.answers)

    def ways(self, role: str, route: Route) -> list[tuple[str, Fetcher, list[str]]]:
        """Who asks, and with which methods: the session (or nobody) with GET, POST and
        whatever else the API offers there; the bearer key with GET."""
        methods = ["get", "post", *sorted(route.methods)]
        found = [("anonymous" if role == fx.ANONYMOUS else "session", self.session, methods)]
        if route.is_api:
            found.append(("bearer key", self.bearer, ["get"]))
        return found

    def fetch(self, role: str, kind: str, route: Route, fetcher: Fetcher, via: str,
              request: tuple[str, str, dict[str, str]]) -> Answer:  # fmt: skip
        answer = fetcher(*request)
        self.check(role, kind, route, request, answer, via)
        method, path, data = request
        if method == "get" and not data:  # follow the page's links to itself with a query
            links = dict.fromkeys(unescape(m) for m in OWN_LINK.findall(answer.text))
            for link in list(links)[:FOLLOWED_LINKS]:
                self.fetch(role, kind, route, fetcher, via, ("get", path + link, {}))
        return answer

    def object_route(self, role: str, thing: Thing, route: Route) -> None:
        hidden = self.hidden(role, thing, route)
        path = self.path(route, thing)
        missing_path = self.path(route, thing, hidden)
        for via, fetcher, methods in self.ways(role, route):
            for method in methods:
                answer = self.fetch(role, thing.kind, route, fetcher, via, (method, path, {}))
                expected = EXPECTED_GET.get(route.name)
                if method == "get" and not hidden and expected not in (None, answer.status):
                    self.problem(role, thing.kind, route, f"GET {path} [{via}]: may be used, "
                                 f"yet answered {answer.status}, not {expected}")  # fmt: skip
                if not hidden:
                    continue
                where = f"{method.upper()} {path} [{via}]"
                if answer.status not in FORBIDDEN_STATUSES and not self.refused(answer):
                    self.problem(role, thing.kind, route, f"{where}: may not be read, yet "
                                 f"answered {answer.status}")  # fmt: skip
                missing = self.fetch(role, thing.kind, route, fetcher, via,
                                     (method, missing_path, {}))  # fmt: skip
                self.same(role, thing.kind, route, where, _normal(answer, path, []),
                          _normal(missing, missing_path, []),
                          f"answers otherwise than for a missing one ({missing_path})")  # fmt: skip

    def expect_list(self, role: str, route: Route, where: str, answer: Answer) -> None:
        """A list of LIST_USERS answers them, and 404 to everyone else signed in."""
        users = LIST_USERS.get(route.name)
        if users is None or (role == fx.ANONYMOUS and role not in users):
            return  # the public is turned away (PUBLIC_ROUTES)
        expected = 200 if role in users else 404
        if answer.status != expected:
            self.problem(role, "-", route, f"{where}: answered {answer.status}, not {expected}")

    def list_route(self, role: str, route: Route) -> None:
        path = "/" + route.route
        for via, fetcher, methods in self.ways(role, route):
            for method in methods:
                plain = self.fetch(role, "-", route, fetcher, via, (method, path, {}))
                if method == "get":
                    self.expect_list(role, route, f"GET {path} [{via}]", plain)
                if self.refused(plain) or route.route in DESCRIPTION_ROUTES | PROBE_ROUTES:
                    continue  # turned away (or the same for everyone): nothing to search
                searched = {word: dict.fromkeys(SEARCH_KEYS, word)
                            for word in (fx.PREFIX, fx.NOTHING)}  # fmt: skip
                for data in searched.values():
                    self.fetch(role, "-", route, fetcher, via, (method, path, data))
                if via == "bearer key":
                    continue  # each word once, by session: the key is only who asks
                nothing = fetcher(method, path, searched[fx.NOTHING])
                for marker in self.forbidden(role):
                    kind = self.guarded[marker][0]
                    data = dict.fromkeys(SEARCH_KEYS, marker)
                    answer = self.fetch(role, kind, route, fetcher, via, (method, path, data))
                    self.same(
                        role, kind, route, f"{method.upper()} {path}?q={marker} [{via}]",
                        _normal(answer, path, [marker]), _normal(nothing, path, [fx.NOTHING]),
                        f"finds something for {marker!r} ({kind})",
                    )  # fmt: skip


def routes_of(role: str, routes: list[Route]) -> list[Route]:
    """The routes walked as the role (fx.MEETING_ONLY: the meetings' only)."""
    return [r for r in routes if role not in fx.MEETING_ONLY or r.is_meetings]


def walk(
    world: World,
    roles: Iterable[str] = fx.ROLES,
    kinds: Iterable[str] = fx.KINDS,
    routes: list[Route] | None = None,
) -> Walk:
    """Walk the routes as the roles for the objects; `.problems` lists what was found
    (empty: no leak)."""
    result = Walk()
    kinds = list(kinds)
    routes = routes if routes is not None else discover()
    walker = Walker(world, routes, result, kinds)
    # The walk is not a flood (no rate limit), and its many 404s need not be logged.
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    try:
        for logger in quiet:
            logger.setLevel(logging.ERROR)
        with override_settings(PUBLIC_REQUESTS_PER_MINUTE=0):
            walker.run(list(roles), [world.things[kind] for kind in kinds])
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return result


# -- Fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back at its end."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield fx.build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def walked(world: World, django_db_blocker: Any) -> Walk:
    with django_db_blocker.unblock():
        return walk(world)


# -- Tests --------------------------------------------------------------------------------


def test_every_url_parameter_can_be_filled() -> None:
    """A route with a parameter FILL does not know fails here: add it to FILL (and so to
    the walk) rather than let it go unchecked."""
    assert unfillable(discover()) == []


def test_the_api_is_walked_with_every_operation() -> None:
    """The Ninja API is mounted as a resolver, so its endpoints are among the routes
    walked; its OpenAPI schema names no path that is not."""
    routes = {route.route for route in discover()}
    assert sorted(set(api_operations()) - routes) == []
    assert {"api/v1/documents/<document_id>", "arenden/<int:pk>/", "diarium/"} <= routes


def test_the_table_agrees_with_the_rules(world: World) -> None:
    assert fx.check_rules(world) == []


# Leaks (and other departures from the rules) the walk found in the product, recorded
# by role and route name with the reason: left out of the tests below and reported as
# expected failures by test_known_leaks_are_still_there, which fails once one is gone
# (then its line here is to be removed).
KNOWN_LEAKS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(
    ("role", "kind"),
    [pytest.param(role, kind, id=f"{role}-{kind}")
     for role in fx.ROLES for kind in (*fx.KINDS, fx.INBOX, fx.MEETING)],
)  # fmt: skip
def test_nothing_leaks(walked: Walk, role: str, kind: str) -> None:
    assert walked.leaks(role, kind) == []


@pytest.mark.parametrize(
    ("role", "name"), [pytest.param(*known, id="-".join(known)) for known in KNOWN_LEAKS]
)
def test_known_leaks_are_still_there(walked: Walk, role: str, name: str) -> None:
    found = walked.leaks(role, name=name, known=True)
    assert found, f"({role!r}, {name!r}) no longer happens: remove it from KNOWN_LEAKS"
    pytest.xfail(f"{KNOWN_LEAKS[role, name]} (e.g. {found[0]})")


def test_nothing_else_goes_wrong(walked: Walk) -> None:
    """Problems of the lists and searches not about one object (statuses)."""
    assert walked.leaks(kind="-") == []


def test_readers_see_the_markers(walked: Walk, world: World) -> None:
    """Who may see an object sees each of its markers somewhere: the walk reaches the
    pages where they are (and so would notice them where they must not be)."""
    unseen = [
        f"{role} never saw {marker!r} ({kind})"
        for marker, (kind, readers) in world.guarded().items()
        for role in sorted(readers)
        if (role, marker) not in walked.seen
    ]
    assert unseen == []


def test_walked_combinations(walked: Walk) -> None:
    routes = discover()
    meetings = [route for route in routes if route.is_meetings]
    full = [role for role in fx.ROLES if role not in fx.MEETING_ONLY]
    print(
        f"\nAuthorisation walk: {len(walked.checked)} (role × object × URL) combinations "
        f"checked ({len(full)} roles × {len(fx.KINDS)} objects × {len(routes)} URL patterns, "
        f"{len(fx.MEETING_ONLY)} roles × {len(fx.KINDS)} objects × {len(meetings)} meetings' "
        f"URL patterns), {walked.requests} requests."
    )
    expected = sum(len(routes_of(role, routes)) for role in fx.ROLES) * len(fx.KINDS)
    assert len(walked.checked) == expected
    assert {role for role, _kind, _route in walked.checked} == set(fx.ROLES)


# -- The test of the test --------------------------------------------------------------


def test_the_walk_notices_a_read_gate_that_ignores_secrecy(world: World) -> None:
    """With the read gate letting every staff member read secret documents, the walk
    reports the secret markers on the pages of an officer outside the access group."""
    from kansli.access import rules

    def ignoring_secrecy(documents: Any, user: Any, prefix: str = "") -> Any:
        who = rules.reader(user)
        if who.user_id is None:
            return documents.none()
        if who.municipalities is not None:
            key = f"{prefix}case__authority__municipality_id__in"
            documents = documents.filter(**{key: who.municipalities})
        return documents

    with mock.patch.object(rules, "visible_documents", ignoring_secrecy):
        found = walk(world, roles=[fx.OFFICER], kinds=[fx.SECRET])
    leaks = found.leaks(fx.OFFICER, fx.SECRET)
    assert any(fx.SECRET_DESCRIPTION in leak for leak in leaks), leaks
    assert any("answers otherwise than for a missing one" in leak for leak in leaks), leaks


def test_the_walk_notices_an_unmasked_public_record(world: World) -> None:
    """With the public e-diary showing a withheld description, the walk reports it."""
    from kansli.public import record

    def unmasked(document: Any, masks: Any) -> str:
        return str(document.description)

    with mock.patch.object(record, "description", unmasked):
        found = walk(world, roles=[fx.ANONYMOUS], kinds=[fx.SECRET])
    leaks = found.leaks(fx.ANONYMOUS, fx.SECRET)
    assert any(fx.SECRET_DESCRIPTION in leak and "/diarium/" in leak for leak in leaks), leaks


def _meeting_routes() -> list[Route]:
    return [route for route in discover() if route.is_meetings]


def test_the_walk_notices_a_member_portal_that_ignores_secrecy(world: World) -> None:
    """With the member portal giving every substitute the secret documents, the walk
    reports the secret attachment's marker on the substitute's pages, and its file
    served where the substitute should get what a missing one gets."""
    from kansli.meetings.views import portal

    with mock.patch.object(portal, "member_reads_secrets", lambda *args: True):
        found = walk(world, roles=[fx.SUBSTITUTE], kinds=[fx.SECRET], routes=_meeting_routes())
    leaks = found.leaks(fx.SUBSTITUTE, fx.MEETING)
    assert any(fx.MEETING_SECRET in leak and "/handling/" in leak for leak in leaks), leaks
    assert any(fx.MEETING_SECRET in leak and "/moten/portal/" in leak for leak in leaks), leaks
    refused = found.leaks(fx.SUBSTITUTE, fx.SECRET)
    assert any("may not be read, yet answered 200" in leak for leak in refused), refused


def test_the_walk_notices_meetings_shown_to_the_wrong_staff(world: World) -> None:
    """With the data protection officer taken for one who prepares meetings, the walk
    reports the meetings' pages answered to them; with the body's own staff refused,
    that a secretary does not get the pages they work in."""
    from kansli.access import rules
    from kansli.org.models import Role

    roles = [*rules.PREPARING_ROLES, Role.DATA_PROTECTION_OFFICER]
    with mock.patch.object(rules, "PREPARING_ROLES", roles):
        found = walk(world, roles=[fx.DPO], kinds=[fx.OPEN], routes=_meeting_routes())
    assert world.meetings is not None
    page = f"/moten/{world.meetings.meeting_pk}/ "
    leaks = found.leaks(fx.DPO, fx.OPEN)
    assert any(page in leak and "yet answered 200" in leak for leak in leaks), leaks
    assert any("/moten/ " in leak and "answered 200, not 404" in leak
               for leak in found.leaks(fx.DPO, "-")), found.problems  # fmt: skip

    with mock.patch.object(rules, "PREPARING_ROLES", []):
        found = walk(world, roles=[fx.SECRETARY], kinds=[fx.OPEN], routes=_meeting_routes())
    leaks = found.leaks(fx.SECRETARY, fx.OPEN)
    assert any("may be used, yet answered 404, not 200" in leak for leak in leaks), leaks
