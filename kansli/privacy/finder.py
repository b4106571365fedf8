"""Finding one person in what an authority holds, for a request under GDPR art. 15 (the
data subject's right of access): the parties of its cases, the senders and recipients
of its documents, the documents' text (kansli.search), its meetings' attendance,
absences and elected members (kansli.meetings), and the audit log's details of its
cases, documents, parties and files (kansli.audit).

Every source is read through the access gate as the one who searches sees it
(kansli.access.rules): what that person may not read is neither listed nor counted, and
a party with protected identity (skyddade personuppgifter, OSL 21 kap. 3 §) is matched
against what the searcher is shown ("Skyddad identitet"), not the name. A hit that may
not simply be handed over is marked for a secrecy review (sekretessprövning), not left
out: the right of access does not cover what secrecy forbids disclosing (lag
(2018:218) 5 kap. 1 §, OSL 21 kap. 7 §), and that is for the authority to try before
the extract is sent.

A name matches a text when every word of it is in the text (any case, any order); a
personal identity number when the number is in the text with or without its century
and separator. Given both, either matches."""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.access.protected import NOTHING, Hide, hiders
from kansli.access.rules import may_see_protected_identities
from kansli.audit.models import AuditEvent
from kansli.meetings.models import Absence, Attendance, Meeting
from kansli.org.models import Authority, Role, RoleAssignment
from kansli.registry.models import Case, Document, DocumentFile, Party
from kansli.search.query import DocumentHit, search

# At most this many hits per source; the page says when there were more.
LIMIT = 200
# The audit log is read newest first, at most this many candidate events (matched by
# the database before the gate and the exact match are applied).
AUDIT_SCAN = 5000

PARTIES, COUNTERPARTS, TEXTS, MEETINGS, AUDIT = (
    "parties", "counterparts", "texts", "meetings", "audit",
)  # fmt: skip
SOURCES = {
    PARTIES: _("Parties in cases"),
    COUNTERPARTS: _("Senders and recipients of documents"),
    TEXTS: _("Text of documents"),
    MEETINGS: _("Meetings and elected members"),
    AUDIT: _("Audit log"),
}

_DIGITS = re.compile(r"\D")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class Person:
    """Who is searched for: a name (words) and/or a personal identity number, checked
    (kansli.privacy.forms) as YYYYMMDD-NNNN or YYMMDD-NNNN."""

    name: str = ""
    personal_number: str = ""

    @property
    def words(self) -> list[str]:
        return [w for w in _fold(self.name).split() if w]

    @property
    def ten(self) -> str:
        digits = _DIGITS.sub("", self.personal_number)
        return digits[-10:] if len(digits) >= 10 else ""

    @property
    def centuries(self) -> list[str]:
        """The twelve-digit forms' first two digits: as given, else both possible."""
        digits = _DIGITS.sub("", self.personal_number)
        return [digits[:2]] if len(digits) == 12 else ["19", "20"]

    def number_forms(self) -> list[str]:
        """The number as it may be written in a text (a twelve-digit form holds one of
        these): 850612-1234, 850612+1234, 850612 1234, 8506121234."""
        ten = self.ten
        if not ten:
            return []
        return [f"{ten[:6]}-{ten[6:]}", f"{ten[:6]}+{ten[6:]}", f"{ten[:6]} {ten[6:]}", ten]

    def matches(self, text: str) -> bool:
        folded = _fold(text)
        words = self.words
        if words and all(word in folded for word in words):
            return True
        return any(form in folded for form in self.number_forms())

    def phrases(self) -> list[str]:
        """The staff search's queries (kansli.search.querylang) that find the person: the
        name as a phrase, the number's spellings as the index splits them."""
        found = []
        if self.words:
            found.append('"' + " ".join(self.words) + '"')
        ten = self.ten
        if ten:
            found += [f'"{ten[:6]} {ten[6:]}"', f'"{ten}"']
            for century in self.centuries:
                found += [f'"{century}{ten[:6]} {ten[6:]}"', f'"{century}{ten}"']
        return found


@dataclass
class Hit:
    """One place the person was found. `review` says why it needs a secrecy review
    before it is handed over ("" when it does not)."""

    source: str
    reference: str
    what: str
    found_in: str
    day: datetime.date | None = None
    review: str = ""
    url: str = ""


@dataclass
class Found:
    """The hits of one search, by source (in SOURCES' order); `more`: the sources that
    had more than LIMIT hits."""

    person: Person
    authority: Authority
    groups: dict[str, list[Hit]]
    more: set[str] = field(default_factory=set)
    made_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def total(self) -> int:
        return sum(len(hits) for hits in self.groups.values())

    @property
    def to_review(self) -> int:
        return sum(1 for hits in self.groups.values() for hit in hits if hit.review)

    def counts(self) -> dict[str, int]:
        return {source: len(hits) for source, hits in self.groups.items()}

    def sections(self) -> list[tuple[str, str, list[Hit], bool]]:
        """(source, its heading, its hits, whether there were more) for a template."""
        return [(s, str(SOURCES[s]), self.groups[s], s in self.more) for s in SOURCES]

    def hits(self) -> Iterator[Hit]:
        for hits in self.groups.values():
            yield from hits


def find_person(user: Any, authority: Authority, person: Person) -> Found:
    """Every hit for `person` at `authority` that `user` may read."""
    finder = _Finder(user, authority, person)
    groups: dict[str, list[Hit]] = {}
    more: set[str] = set()
    for source, run in [
        (PARTIES, finder.parties),
        (COUNTERPARTS, finder.counterparts),
        (TEXTS, finder.texts),
        (MEETINGS, finder.meetings),
        (AUDIT, finder.audit),
    ]:
        hits = list(run())
        if len(hits) > LIMIT:
            more.add(source)
        groups[source] = hits[:LIMIT]
    return Found(person, authority, groups, more)


# -- Matching in the database: a wide net, narrowed exactly in Python -----------------------


def _spellings(word: str) -> set[str]:
    """A word as it may be stored: SQLite's LIKE ignores case for ASCII letters only, so
    å, ä, ö and the like are asked for in each case."""
    return {word, word.lower(), word.upper(), word.capitalize()}


def _any_field(fields: Sequence[str], word: str) -> Q:
    found = Q()
    for name in fields:
        for spelling in _spellings(word):
            found |= Q(**{f"{name}__icontains": spelling})
    return found


def _net(person: Person, fields: Sequence[str], number_fields: Sequence[str] = ()) -> Q:
    """Rows where every word of the name is in one of `fields`, or a spelling of the
    number in one of `number_fields` (the exact match is `Person.matches`)."""
    found = Q(pk__in=[])
    words = person.words
    if words:
        every = Q()
        for word in words:
            every &= _any_field(fields, word)
        found |= every
    for form in person.number_forms():
        for name in number_fields:
            found |= Q(**{f"{name}__icontains": form})
    return found


def _json_spellings(word: str) -> set[str]:
    """A word as it may be stored in JSON: as it is, and as SQLite's JSON text writes
    what is not ASCII (\\u00e5)."""
    found = set()
    for spelling in _spellings(word):
        found |= {spelling, json.dumps(spelling)[1:-1]}
    return found


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _flatten(inner, f"{path}[{index}]")
    elif value is not None:
        yield path, str(value)


def _short(text: str, length: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class _Finder:
    def __init__(self, user: Any, authority: Authority, person: Person) -> None:
        self.user = user
        self.authority = authority
        self.person = person
        self._hide: dict[int, Hide] = {}
        self._secret_cases: dict[int, bool] = {}

    # What the user may read at the authority, and what of it needs a review.

    def cases(self) -> QuerySet[Case]:
        return Case.objects.visible_to(self.user).filter(authority=self.authority)

    def documents(self) -> QuerySet[Document]:
        return Document.objects.visible_to(self.user).filter(case__authority=self.authority)

    def hide(self, cases: Iterable[Case]) -> None:
        """Learn what to hide from the user in these cases (protected identities)."""
        new = {c.pk: c for c in cases if c.pk not in self._hide}
        if not new:
            return
        found = hiders(self.user, new.values())
        for pk in new:
            self._hide[pk] = found.get(pk, NOTHING)
        secret = set(
            self.documents()
            .filter(case_id__in=new, secrecy__isnull=False)
            .order_by()
            .values_list("case_id", flat=True)
        )
        for pk in new:
            self._secret_cases[pk] = pk in secret

    def shown(self, case: Case, text: str) -> str:
        return self._hide.get(case.pk, NOTHING)(text)

    def case_review(self, case: Case) -> str:
        if self._secret_cases.get(case.pk):
            # OSL 5 kap. 5 §: the case holds secrecy-marked documents (that the user reads).
            return str(_("the case has secrecy-marked documents"))
        return ""

    def document_review(self, document: Document) -> str:
        if document.secrecy_id is not None:
            # OSL 5 kap. 5 §: the marking names the provision to try.
            return str(_("secrecy-marked (%(provision)s)") % {"provision": document.secrecy})
        if document.withhold_counterpart or document.withhold_description:
            return str(_("sender or description withheld from the public record"))
        return self.case_review(document.case)

    def case_url(self, case: Case) -> str:
        return reverse("registry:case", args=[case.pk])

    # The sources.

    def parties(self) -> Iterator[Hit]:
        net = _net(self.person, ["name"], ["identity_number"])
        parties = list(
            Party.objects.filter(case__in=self.cases())
            .filter(net)
            .select_related("case__authority__municipality", "case__series")
            .order_by("-case__opened_at", "pk")[: LIMIT * 2]
        )
        self.hide(p.case for p in parties)
        for party in parties:
            case = party.case
            protected = party.protected_identity
            if protected and not may_see_protected_identities(self.user, case):
                continue  # shown to this user as "Skyddad identitet": not a hit
            if not self.person.matches(f"{party.name}\n{party.identity_number}"):
                continue
            review = self.case_review(case)
            if protected:
                review = str(_("protected identity (OSL 21 kap. 3 §)"))
            found_in = party.name + (f", {party.identity_number}" if party.identity_number else "")
            if party.role:
                found_in += f" ({party.role})"
            yield Hit(
                PARTIES, case.case_number, self.shown(case, case.title), found_in,
                timezone.localtime(case.opened_at).date(), review, self.case_url(case),
            )  # fmt: skip

    def counterparts(self) -> Iterator[Hit]:
        fields = ["counterpart", "counterpart_address", "description"]
        documents = list(
            self.documents()
            .filter(_net(self.person, fields, fields))
            .select_related("case__authority__municipality", "case__series", "secrecy")
            .order_by("-registered_at", "-pk")[: LIMIT * 2]
        )
        self.hide(d.case for d in documents)
        for document in documents:
            case = document.case
            shown = [(name, self.shown(case, getattr(document, name))) for name in fields]
            if shown[0][1] != document.counterpart:
                # The person's own address goes with the hidden name (kansli.access.protected).
                shown[1] = ("counterpart_address", "")
            matched = [text for _name, text in shown if self.person.matches(text)]
            if not matched:
                continue
            yield Hit(
                COUNTERPARTS, document.document_number, self.shown(case, document.description),
                _short(matched[0]), document.document_date, self.document_review(document),
                self.case_url(case),
            )  # fmt: skip

    def texts(self) -> Iterator[Hit]:
        seen: set[tuple[str, int]] = set()
        found: list[tuple[str, int]] = []
        for phrase in self.person.phrases():
            result = search(self.user, phrase, authority=self.authority, limit=LIMIT + 1)
            for row in result.hits:
                key = ("document" if isinstance(row, DocumentHit) else "case", row.pk)
                if key not in seen:
                    seen.add(key)
                    found.append(key)
        # The search gives rows; what is reviewed (secrecy, withheld fields) is read
        # from the documents and cases themselves.
        documents = self.documents().select_related(
            "case__authority__municipality", "case__series", "secrecy"
        )
        objects: dict[str, dict[int, Any]] = {
            "document": documents.in_bulk([pk for kind, pk in found if kind == "document"]),
            "case": self.cases()
            .select_related("authority__municipality", "series")
            .in_bulk([pk for kind, pk in found if kind == "case"]),
        }
        hits: list[Document | Case] = [
            objects[kind][pk] for kind, pk in found if pk in objects[kind]
        ]
        cases = [h.case if isinstance(h, Document) else h for h in hits]
        self.hide(cases)
        where = str(_("the document's text or registration"))
        for hit in hits:
            if isinstance(hit, Document):
                case = hit.case
                yield Hit(
                    TEXTS, hit.document_number, self.shown(case, hit.description), where,
                    hit.document_date, self.document_review(hit), self.case_url(case),
                )  # fmt: skip
            else:
                yield Hit(
                    TEXTS, hit.case_number, self.shown(hit, hit.title),
                    str(_("the case's title or parties")),
                    timezone.localtime(hit.opened_at).date(), self.case_review(hit),
                    self.case_url(hit),
                )  # fmt: skip

    def meetings(self) -> Iterator[Hit]:
        words = self.person.words
        if not words:
            return  # meetings name people, never their numbers
        meetings = Meeting.objects.visible_to(self.user).filter(body__authority=self.authority)
        people = ["user__first_name", "user__last_name"]
        attendance = (
            Attendance.objects.filter(minutes__meeting__in=meetings)
            .filter(_net(self.person, ["name", "role_title", *people]))
            .select_related("user", "minutes__meeting__body")
            .order_by("-minutes__meeting__starts_at", "pk")[: LIMIT + 1]
        )
        for row in attendance:
            who = row.user.get_full_name() if row.user else row.name
            text = f"{who} ({row.get_capacity_display()})"
            if row.role_title:
                text += f", {row.role_title}"
            if self.person.matches(f"{who}\n{row.role_title}"):
                meeting = row.minutes.meeting
                yield Hit(
                    MEETINGS, str(meeting), str(_("attendance in the minutes")), text,
                    meeting.day, "", reverse("meetings:meeting", args=[meeting.pk]),
                )  # fmt: skip
        members = ["member__first_name", "member__last_name"]
        absences = (
            Absence.objects.filter(meeting__in=meetings)
            .filter(_net(self.person, members))
            .select_related("member", "meeting__body")
            .order_by("-meeting__starts_at")[: LIMIT + 1]
        )
        for absence in absences:
            who = absence.member.get_full_name()
            if self.person.matches(who):
                meeting = absence.meeting
                yield Hit(
                    MEETINGS, str(meeting), str(_("reported absence")), who, meeting.day, "",
                    reverse("meetings:meeting", args=[meeting.pk]),
                )  # fmt: skip
        # Who sits in the authority's bodies is public (KL 5 kap., 6 kap.).
        seats = (
            RoleAssignment.objects.filter(authority=self.authority, role=Role.ELECTED)
            .filter(_net(self.person, people))
            .select_related("user", "authority", "committee")
            .order_by("-valid_from")[: LIMIT + 1]
        )
        for seat in seats:
            who = seat.user.get_full_name()
            if self.person.matches(who):
                until = f"{seat.valid_to:%Y-%m-%d}" if seat.valid_to else ""
                yield Hit(
                    MEETINGS, str(seat.committee or seat.authority),
                    f"{seat.get_position_display()} {seat.valid_from:%Y-%m-%d}–{until}", who,
                    seat.valid_from,
                )  # fmt: skip

    def audit(self) -> Iterator[Hit]:
        """The audit log's events on the authority's cases, documents, parties and files
        that the user may read, whose details name the person (who did it, the object's
        label, the values before and after), newest first."""
        net = Q(pk__in=[])
        words = self.person.words
        if words:
            # The database narrows by the longest word; every word is matched below.
            longest = max(words, key=len)
            for spelling in _json_spellings(longest):
                net |= Q(actor_label__icontains=spelling) | Q(object_label__icontains=spelling)
                net |= Q(before_text__icontains=spelling) | Q(after_text__icontains=spelling)
        for form in self.person.number_forms():
            for name in ["object_label", "before_text", "after_text"]:
                net |= Q(**{f"{name}__icontains": form})
        events = (
            AuditEvent.objects.filter(object_type__in=_AUDITED)
            .annotate(
                before_text=Cast("before", TextField()), after_text=Cast("after", TextField())
            )
            .filter(net)
            .order_by("-seq")
            .only(
                "seq", "created_at", "actor_label", "action", "object_type", "object_id",
                "object_label", "before", "after",
            )[:AUDIT_SCAN]
        )  # fmt: skip
        batch: list[AuditEvent] = []
        for event in events.iterator(chunk_size=500):
            batch.append(event)
            if len(batch) == 500:
                yield from self._audit_batch(batch)
                batch = []
        yield from self._audit_batch(batch)

    def _audit_batch(self, events: list[AuditEvent]) -> Iterator[Hit]:
        ids: dict[str, set[int]] = {kind: set() for kind in _AUDITED}
        for event in events:
            if event.object_id.isdigit():
                ids[event.object_type].add(int(event.object_id))
        related = ("case__authority__municipality", "case__series", "secrecy")
        documents = {
            d.pk: d
            for d in self.documents()
            .filter(pk__in=ids["registry.document"])
            .select_related(*related)
        }
        files = {
            f.pk: f
            for f in DocumentFile.objects.filter(
                pk__in=ids["registry.documentfile"], document__in=self.documents()
            ).select_related(*(f"document__{name}" for name in related))
        }
        parties = {
            p.pk: p
            for p in Party.objects.filter(
                pk__in=ids["registry.party"], case__in=self.cases()
            ).select_related("case__authority__municipality", "case__series")
        }
        cases = {
            c.pk: c
            for c in self.cases()
            .filter(pk__in=ids["registry.case"])
            .select_related("authority__municipality", "series")
        }
        self.hide(
            [
                *cases.values(),
                *(d.case for d in documents.values()),
                *(f.document.case for f in files.values()),
                *(p.case for p in parties.values()),
            ]
        )
        for event in events:
            pk = int(event.object_id) if event.object_id.isdigit() else 0
            case: Case | None = None
            review = ""
            if event.object_type == "registry.document" and pk in documents:
                case = documents[pk].case
                review = self.document_review(documents[pk])
            elif event.object_type == "registry.documentfile" and pk in files:
                case = files[pk].document.case
                review = self.document_review(files[pk].document)
            elif event.object_type == "registry.party" and pk in parties:
                party = parties[pk]
                case = party.case
                if party.protected_identity:
                    if not may_see_protected_identities(self.user, case):
                        continue
                    review = str(_("protected identity (OSL 21 kap. 3 §)"))
                else:
                    review = self.case_review(case)
            elif event.object_type == "registry.case" and pk in cases:
                case = cases[pk]
                review = self.case_review(case)
            if case is None:
                continue  # another authority's, or what the user may not read
            hit = self._audit_hit(event, case, review)
            if hit is not None:
                yield hit

    def _audit_hit(self, event: AuditEvent, case: Case, review: str) -> Hit | None:
        matched = []
        if self.person.matches(event.actor_label):
            matched.append(str(_("done by %(actor)s")) % {"actor": event.actor_label})
        label = self.shown(case, event.object_label)
        if self.person.matches(label):
            matched.append(label)
        for name, values in [("before", event.before), ("after", event.after)]:
            for path, value in _flatten(values):
                shown = self.shown(case, value)
                if self.person.matches(shown):
                    matched.append(f"{name}.{path}: {_short(shown, 120)}")
        if not matched:
            return None
        return Hit(
            AUDIT, f"#{event.seq}", f"{event.action} – {label}", _short("; ".join(matched)),
            timezone.localtime(event.created_at).date(), review, self.case_url(case),
        )  # fmt: skip


# The audit events searched: those on objects the gate has a rule for. Events on other
# objects (meetings, requests, users) are not searched yet (README.md).
_AUDITED = ("registry.case", "registry.document", "registry.party", "registry.documentfile")
