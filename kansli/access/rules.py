"""The one gate every read goes through: the registry's cases, documents and files, and
committee administration's bodies, meetings, agenda items and minutes.

`Case.objects.visible_to(user)` and `Document.objects.visible_to(user)` call
`visible_cases` and `visible_documents` here, and every list, page, search, file,
export and API endpoint reads through them; what they leave out answers 404 like
something that does not exist.

- Staff (anyone with a staff role) read the open registrations of their own
  municipality: TF 2 kap. and the principle of public access inside the organisation.
  A system administrator reads every municipality's open registrations.
- A secrecy-marked document (OSL 5 kap. 5 §), with its files and their text, is read
  only by those who need it for their work (behovsprincipen; GDPR art. 5.1 f and
  32): the members of its case's access group, whoever holds a grant for the case
  today, the case's officer, and whoever registered it or marked it secret. Not by a
  system administrator as such.
- Parties with protected identity (skyddade personuppgifter) are shown only to the
  case's officer and the registrars of its authority.
- Committee administration (kansli.meetings, below): staff read the bodies and
  meetings of the authorities they prepare items for; a non-public item is read in full
  by the authority's secretaries and those who read its case's secrets; elected members
  read the meetings of the bodies they sit in today, and the secret documents of an
  item if they are members or serve as substitutes; the public reads an item's
  decision only when neither the item nor its documents are secret.

What a user may read is worked out once per user object (i.e. per request) and kept on
it, so one page asks the database at most three times however many reads it makes
(roles; access groups and grants only when a secret document's rule needs them).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any, TypeVar

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from kansli.access.models import Grant, Membership
from kansli.org.models import Authority, ElectedPosition, Role, RoleAssignment
from kansli.org.permissions import (
    authority_ids_with,
    forget_roles,
    held_today,
    holds_role,
    holds_role_at,
)
from kansli.registry.permissions import REGISTERING_ROLES, has_role

QS = TypeVar("QS", bound=QuerySet[Any])

STAFF_ROLES = [
    Role.REGISTRAR,
    Role.OFFICER,
    Role.SECRETARY,
    Role.MANAGER,
    Role.ARCHIVIST,
    Role.DATA_PROTECTION_OFFICER,
    Role.SYSADMIN,
]
_CACHE = "_kansli_reader"


class Reader:
    """What one user may read on a day. The access groups and grants, which only the
    rule for secret documents needs, are read the first time it asks for them: a page
    of cases alone costs one query."""

    def __init__(
        self, user_id: int | None, municipalities: list[int] | None, day: datetime.date
    ) -> None:
        self.user_id = user_id
        # The municipalities whose open registrations the user reads; None: every one.
        self.municipalities = municipalities
        self.day = day

    @cached_property
    def authorities(self) -> list[int] | None:
        """The authorities (any, past ones too) of those municipalities: the gate
        filters on these ids, not through a join to the authorities, whose few rows
        PostgreSQL's autovacuum never analyses; without statistics its planner read a
        whole municipality's documents for a rare word (4.5 s against 20 ms at 1M)."""
        if self.municipalities is None:
            return None
        found = Authority.objects.filter(municipality_id__in=self.municipalities)
        return sorted(found.order_by().values_list("pk", flat=True))

    @cached_property
    def groups(self) -> frozenset[int]:
        if self.user_id is None:
            return frozenset()
        memberships = Membership.objects.valid_on(self.day).filter(user_id=self.user_id)
        return frozenset(memberships.order_by().values_list("group_id", flat=True))

    @cached_property
    def granted_cases(self) -> frozenset[int]:
        if self.user_id is None:
            return frozenset()
        grants = Grant.objects.valid_on(self.day).filter(user_id=self.user_id)
        return frozenset(grants.order_by().values_list("case_id", flat=True))

    def secret_readable(self, prefix: str = "") -> Q:
        """The secrecy-marked documents this reader may read, as a filter on documents
        (prefix: the path to the document, e.g. "document__")."""
        if self.user_id is None:
            return Q(pk__in=[])
        return (
            Q(**{f"{prefix}case__access_group_id__in": self.groups})
            | Q(**{f"{prefix}case_id__in": self.granted_cases})
            | Q(**{f"{prefix}case__officer_id": self.user_id})
            | Q(**{f"{prefix}registered_by_id": self.user_id})
            | Q(**{f"{prefix}secrecy_marked_by_id": self.user_id})
        )


def nobody(day: datetime.date | None = None) -> Reader:
    return Reader(None, [], day or timezone.localdate())


def reader(user: Any, day: datetime.date | None = None) -> Reader:
    """What `user` may read (today, or on `day`, uncached). Today's is made from the
    roles the request has read (kansli.org.permissions.held_today) and kept with them:
    when they are read again (a role granted or ended: forget_roles), so is this."""
    if user is None or not user.is_authenticated or not user.is_active:
        return nobody(day)
    on = day or timezone.localdate()
    if day is None:
        today = held_today(user)
        cached: tuple[tuple[Any, ...], Reader] | None = getattr(user, _CACHE, None)
        if cached is not None and cached[0] is today:
            return cached[1]
        held = [(h.role, h.municipality_id) for h in today if h.role in STAFF_ROLES]
    else:
        # order_by(): the models' default orderings would join and sort for nothing here.
        roles = RoleAssignment.objects.valid_on(on).filter(user=user, role__in=STAFF_ROLES)
        held = list(roles.order_by().values_list("role", "authority__municipality_id"))
    if not held:
        result = nobody(on)
    elif any(role == Role.SYSADMIN for role, _ in held):
        result = Reader(user.pk, None, on)
    else:
        result = Reader(user.pk, sorted({m for _, m in held if m is not None}), on)
    if day is None:
        setattr(user, _CACHE, (today, result))
    return result


def forget(user: Any) -> None:
    """Work out again on the next read (after the user's roles or groups changed)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
    forget_roles(user)


def staff_municipalities(user: Any) -> list[int] | None:
    """The municipalities whose registry the user may read (None: every one)."""
    return reader(user).municipalities


def visible_cases(cases: QS, user: Any) -> QS:
    authorities = reader(user).authorities
    if authorities is None:
        return cases
    return cases.filter(authority_id__in=authorities)


def visible_documents(documents: QS, user: Any, prefix: str = "") -> QS:
    """Documents (or rows reaching a document through `prefix`, e.g. "document__")
    the user may read: open ones of their municipalities, secret ones by the rule."""
    who = reader(user)
    if who.authorities is not None:
        documents = documents.filter(**{f"{prefix}case__authority_id__in": who.authorities})
    return documents.filter(Q(**{f"{prefix}secrecy__isnull": True}) | who.secret_readable(prefix))


def may_read(user: Any, document: Any) -> bool:
    """The same rule for one document already in hand."""
    who = reader(user)
    case = document.case
    if who.user_id is None:
        return False
    if who.municipalities is not None and case.authority.municipality_id not in who.municipalities:
        return False
    if document.secrecy_id is None:
        return True
    return (
        case.access_group_id in who.groups
        or case.pk in who.granted_cases
        or who.user_id
        in (case.officer_id, document.registered_by_id, document.secrecy_marked_by_id)
    )


def reads_case_secrets(
    who: Reader, case_id: int, access_group_id: int | None, officer_id: int | None
) -> bool:
    """The rule of `may_read_case_secrets` on a case's ids (for plain rows)."""
    if who.user_id is None:
        return False
    return (
        access_group_id in who.groups or case_id in who.granted_cases or officer_id == who.user_id
    )


def may_read_case_secrets(user: Any, case: Any) -> bool:
    """Whether the user reads a case's secret content as a whole rather than one
    document: the members of its access group, whoever holds a grant for it today and
    its officer. What is drawn up from that content without being a registered
    document (a non-public agenda item's title and decision, kansli.meetings) is read
    by them."""
    who = reader(user)
    if who.municipalities is not None and case.authority.municipality_id not in who.municipalities:
        return False
    return reads_case_secrets(who, case.pk, case.access_group_id, case.officer_id)


def may_see_protected_identities(user: Any, case: Any) -> bool:
    """Parties with protected identity: the case's officer and its authority's
    registrars only."""
    if not _signed_in(user):
        return False
    if case.officer_id == user.pk:
        return True
    return holds_role_at(user, [Role.REGISTRAR], case.authority_id)


def may_read_secrets(user: Any) -> bool:
    """Whether the user can read some secrecy-marked document now or as soon as one
    is registered for them: an access group member, a grant holder, or a registrar,
    officer or manager (who register secret documents and are made officers of cases
    with them), a committee secretary or an elected member (who read the secret
    documents of a meeting's items and approve its minutes, kansli.meetings). These
    users must sign in with a second factor."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    roles = [Role.REGISTRAR, Role.OFFICER, Role.MANAGER, Role.SECRETARY, Role.ELECTED]
    if holds_role(user, roles):
        return True
    who = reader(user)
    return bool(who.groups or who.granted_cases)


def _holds(user: Any, authority_id: int, roles: list[Role]) -> bool:
    return holds_role_at(user, roles, authority_id)


def may_see_read_log(user: Any, authority_id: int) -> bool:
    """Who opened which secret document is for the authority's managers and its data
    protection officer (GDPR art. 39: the DPO monitors compliance)."""
    return _holds(user, authority_id, [Role.MANAGER, Role.DATA_PROTECTION_OFFICER])


def may_oversee_access(user: Any, authority_id: int) -> bool:
    """Who may see who has access to a case and why: the read log's readers and the
    system administrators."""
    return may_see_read_log(user, authority_id) or holds_role(user, [Role.SYSADMIN])


# Committee administration (kansli.meetings). Its models live above the gate
# (docs/LAYERS.md), so the rules are written on field paths and ids, and the one model
# a rule must count rows of is looked up by name.

PREPARING_ROLES = REGISTERING_ROLES  # those who register for the authority prepare its items
FULL_MEMBERS = [ElectedPosition.MEMBER, ElectedPosition.CHAIR, ElectedPosition.VICE_CHAIR]


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_bodies(bodies: QS, user: Any) -> QS:
    """The bodies (kansli.meetings.Body) whose meetings the user works with as staff:
    those of the authorities the user prepares meetings for today (existing today), as
    their officer, secretary, manager or registrar."""
    return bodies.filter(authority_id__in=authority_ids_with(user, PREPARING_ROLES))


def visible_meetings(meetings: QS, user: Any) -> QS:
    """The meetings the user works with as staff: those of the bodies above."""
    return meetings.filter(body__authority_id__in=authority_ids_with(user, PREPARING_ROLES))


# An authority's staff (its employees): those who hold a role in it other than an
# elected seat, and not the installation's system administration. They read the
# snabbnytt of its bodies (kansli.meetings.NewsItem); the elected members do not, since
# it is the administration's own news of what was decided, not the members' material.
EMPLOYEE_ROLES = [role for role in STAFF_ROLES if role != Role.SYSADMIN]


def employed_in(user: Any, day: datetime.date | None = None) -> QuerySet[Authority]:
    """The authorities the user works in as staff on the day (today if not given)."""
    if not _signed_in(user):
        return Authority.objects.none()
    if day is None:
        return Authority.objects.filter(
            pk__in=authority_ids_with(user, EMPLOYEE_ROLES, current=False)
        )
    held = RoleAssignment.objects.valid_on(day).filter(user=user, role__in=EMPLOYEE_ROLES)
    return Authority.objects.filter(pk__in=held.values("authority_id"))


def works_in_an_authority(user: Any) -> bool:
    """Whether the user works in some authority as staff today (employed_in is not
    empty), answered from the roles the request has read."""
    return bool(authority_ids_with(user, EMPLOYEE_ROLES, current=False))


def visible_news(items: QS, user: Any) -> QS:
    """The snabbnytt (NewsItem) the user reads: those of the bodies of the authorities
    the user works in today."""
    return items.filter(body__authority__in=employed_in(user))


def visible_plans(plans: QS, user: Any) -> QS:
    """The document management plans (kansli.retention.Plan) the user reads: they are
    not secret, so all staff of the plan's municipality (a system administrator: every
    municipality's). Nobody else here: to the public a plan is a public document,
    handed out on request like any other."""
    municipalities = reader(user).municipalities
    if municipalities is None:
        return plans
    return plans.filter(municipality_id__in=municipalities)


# Holds name cases and counterparts, and why: for those who decide on them (the
# archivist, the data protection officer), those who register and void (registrars)
# and the authority's managers, who review disposal.
HOLD_READERS = [Role.ARCHIVIST, Role.DATA_PROTECTION_OFFICER, Role.REGISTRAR, Role.MANAGER]


def visible_holds(holds: QS, user: Any) -> QS:
    """The legal holds (kansli.retention.Hold) the user reads."""
    if not _signed_in(user):
        return holds.none()
    return holds.filter(authority_id__in=authority_ids_with(user, HOLD_READERS, current=False))


def visible_transfers(transfers: QS, user: Any) -> QS:
    """Transfers to the e-archive (kansli.archive.Transfer): read by the archivists
    (arkivarie) of the authority who make them, and system administrators. They name
    cases by number only, never a title or a file name: what a secret document is about
    stays with those who may read the document itself."""
    if not _signed_in(user):
        return transfers.none()
    if reader(user).municipalities is None:
        return transfers
    archivist = authority_ids_with(user, [Role.ARCHIVIST], current=False)
    return transfers.filter(authority_id__in=archivist)


def elected_bodies(bodies: QS, user: Any) -> QS:
    """The bodies the user is elected to today. Judged as of now, not a meeting's day: a
    member who has left reads none of the body's meetings, past ones included."""
    if not _signed_in(user):
        return bodies.none()
    held = RoleAssignment.objects.valid_on().filter(user=user, role=Role.ELECTED).order_by()
    seats = Q(pk__in=[])
    for authority_id, committee_id in set(held.values_list("authority_id", "committee_id")):
        seats |= Q(authority_id=authority_id, committee_id=committee_id)
    return bodies.filter(seats)


def position_in(user: Any, body: Any, day: datetime.date | None = None) -> str:
    """The user's elected position in the body on the day, today unless given ("" if
    none): a full member's position before a substitute's."""
    if user is None or not user.is_authenticated:
        return ""
    held = RoleAssignment.objects.valid_on(day or timezone.localdate()).filter(
        user=user, role=Role.ELECTED, authority_id=body.authority_id, committee_id=body.committee_id
    )
    positions = set(held.values_list("position", flat=True))
    for position in [*FULL_MEMBERS, ElectedPosition.SUBSTITUTE]:
        if position in positions:
            return str(position)
    return ""


def member_reads_secrets(user: Any, meeting: Any, position: str) -> bool:
    """Whether an elected member reads the secret documents of the meeting's items: the
    body's members do, as they need them to decide (inside the authority secret
    information goes to those who need it: behovsprincipen); substitutes only when they
    serve at the meeting."""
    if position in FULL_MEMBERS:
        return True
    attendance = apps.get_model("meetings", "Attendance")
    serving = attendance.objects.filter(
        minutes__meeting=meeting, user=user, capacity=attendance.Capacity.SUBSTITUTE
    )
    return bool(position) and serving.exists()


def member_reads_document(document: Any, secrets: bool) -> bool:
    """Whether a member reads one of an item's documents in the portal: never a voided
    one, a secret one only if they read the item's secrets (member_reads_secrets)."""
    return document.voided_at is None and (secrets or document.secrecy_id is None)


def may_read_item(user: Any, item: Any) -> bool:
    """Whether the user reads a non-public item's title, proposal and decision in full
    (kansli.meetings.models.AgendaItem.secrecy): the authority's secretaries, who write
    the minutes, and those who read the case's secret content (its access group, a
    grant, its officer). Members read it in the portal as members. Others see the §
    number, the neutral heading and the provision."""
    if item.secrecy_id is None:
        return True
    if not _signed_in(user):
        return False
    return has_role(user, item.case.authority, [Role.SECRETARY]) or may_read_case_secrets(
        user, item.case
    )


def visible_paragraphs(paragraphs: QS, user: Any) -> QS:
    """The § of minutes (kansli.meetings.Paragraph) the user works with as staff: those
    of the bodies above (visible_bodies) whose item the user reads in full, by the rule
    of may_read_item; a non-public item's § is left out for everyone else (OSL 21 kap.
    3 §, 5 kap. 5 §)."""
    paragraphs = paragraphs.filter(body__authority_id__in=authority_ids_with(user, PREPARING_ROLES))
    if not _signed_in(user):
        return paragraphs.none()
    who = reader(user)
    secretary = authority_ids_with(user, [Role.SECRETARY], current=False)
    readable = Q(item__secrecy__isnull=True) | Q(item__case__authority_id__in=secretary)
    if who.user_id is not None:  # may_read_case_secrets
        secrets = (
            Q(item__case__access_group_id__in=who.groups)
            | Q(item__case_id__in=who.granted_cases)
            | Q(item__case__officer_id=who.user_id)
        )
        if who.authorities is not None:
            secrets &= Q(item__case__authority_id__in=who.authorities)
        readable |= secrets
    return paragraphs.filter(readable)


def item_hider(user: Any, authority: Any) -> Callable[[Mapping[str, Any]], bool]:
    """may_read_item on plain agenda rows of one authority (with "secrecy__reference",
    "case_id", "case__access_group_id" and "case__officer_id"): True where the row's
    item is hidden from the user."""
    who = reader(user)
    secretary = _signed_in(user) and has_role(user, authority, [Role.SECRETARY])

    def hidden(row: Mapping[str, Any]) -> bool:
        return (
            row["secrecy__reference"] is not None
            and not secretary
            and not reads_case_secrets(
                who, row["case_id"], row["case__access_group_id"], row["case__officer_id"]
            )
        )

    return hidden


def may_read_secret_part(user: Any, minutes: Any) -> bool:
    """Whether the user reads the minutes' non-public part (sekretessbilaga): every
    non-public item in it in full."""
    items = [p.item for p in minutes.paragraphs.select_related("item__case__authority")]
    return all(may_read_item(user, item) for item in items)


def may_read_draft(user: Any, minutes: Any) -> bool:
    """Whether the user reads the released draft of the minutes (e-justering), which
    holds the non-public part too: the presiding chair and the approvers while they are
    members of the body who read the meeting's secrets (member_reads_secrets), and the
    staff of the body who read the non-public part."""
    from kansli.meetings.actions.approval import approvers_of

    if minutes.released_at is None or not _signed_in(user):
        return False
    meeting = minutes.meeting
    if user.pk in approvers_of(minutes):
        position = position_in(user, meeting.body)
        return bool(position) and member_reads_secrets(user, meeting, position)
    staff = meeting.body.authority_id in authority_ids_with(user, PREPARING_ROLES)
    return staff and may_read_secret_part(user, minutes)


def public_reads_decision(item: Any, documents: Iterable[Any]) -> bool:
    """Whether the public reads an item's decision on the public minutes: not for a
    non-public item (whose title is its public heading there too), nor for one prepared
    with secret documents, which may decide on the secret facts. Such a decision can
    still be asked for, and what of it can be disclosed is then tried (TF 2 kap.)."""
    return item.secrecy_id is None and not any(d.secrecy_id for d in documents)


# The public (kansli.public, and what meetings give out: the notice board, the pack of
# open documents): every registration of the diary is public, masked by the authority's
# rules (kansli.public.record); what a document holds only when it is open to all, and
# its files from the e-diary only when published.


def open_to_all(document: Any) -> bool:
    """A registration whose content anyone may read: neither secrecy-marked nor voided."""
    return document.secrecy_id is None and document.voided_at is None


def open_documents(rows: QS, prefix: str = "") -> QS:
    """open_to_all as a filter (prefix: the path to the document, e.g. "document__")."""
    return rows.filter(**{f"{prefix}secrecy__isnull": True, f"{prefix}voided_at__isnull": True})


def public_reads_file(
    document: Any, document_file: Any, files: Iterable[Any] | None = None,
    protected_party: bool | None = None,
) -> bool:  # fmt: skip
    """Whether the public gets a file of a registration from the e-diary: one published
    (kansli.public.PublishedFile) of a registration open to all, that is still the
    document's current version (a file is often replaced for what it held), in a case
    with no party of protected identity (the e-diary's masking cannot reach into a file,
    OSL 21 kap. 3 §; a party protected after publishing stops it too). `files`: the
    document's files, `protected_party`: whether its case has such a party, when the
    caller has them at hand (else they are asked)."""
    if not hasattr(document_file, "publication") or not open_to_all(document):
        return False
    if protected_party is None:
        parties = apps.get_model("registry", "Party").objects
        protected_party = parties.filter(case_id=document.case_id, protected_identity=True).exists()
    if protected_party:
        return False
    if files is None:
        newer = apps.get_model("registry", "DocumentFile").objects.filter(replaces=document_file)
        return not newer.exists()
    return all(other.replaces_id != document_file.pk for other in files)
