"""The data the authorisation walk (test_authorisation.py) reads: one municipality with
a role of each kind, and three objects (an open registration, a secrecy-marked one with
its sender and description withheld, and a case with a party with protected identity),
each carrying distinctive marker words in what some roles must never see.

Everything is made through the real actions, as the rest of the suite does. Who may see
each object's markers is written out here by hand (not derived from kansli.access.rules),
so that a change of the rules that lets more people read is noticed; `check_rules`
confirms that the table and the rules agree on the data built here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kansli.access.actions import do_log_read
from kansli.access.models import Membership
from kansli.access.rules import forget, may_read, may_see_protected_identities
from kansli.access.testing import make_access_group
from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.org import actions as org
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.public.actions import do_publish_file
from kansli.registry import actions as registry
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.testing import make_case, make_provision

# The roles, in the order the walk reports them.
ANONYMOUS = "anonymous"
OTHER_MUNICIPALITY = "other_municipality"  # a registrar of another municipality
ELECTED = "elected"  # förtroendevald (ledamot) of KS
OFFICER = "officer"  # handläggare of KS, not in the cases' access group
MEMBER = "member"  # handläggare of KS, in the cases' access group
CASE_OFFICER = "case_officer"  # handläggare of KS, the officer of every case here
REGISTRAR = "registrar"  # registrator of KS (registered none of the documents)
MANAGER = "manager"  # chef of KS
DPO = "dpo"  # dataskyddsombud of KS
SYSADMIN = "sysadmin"  # systemadministratör
ROLES = (ANONYMOUS, OTHER_MUNICIPALITY, ELECTED, OFFICER, MEMBER, CASE_OFFICER, REGISTRAR,
         MANAGER, DPO, SYSADMIN)  # fmt: skip

# Staff of the municipality and the system administrator read the cases and their open
# registrations; the public, another municipality's staff and elected members do not.
CASE_READERS = frozenset({OFFICER, MEMBER, CASE_OFFICER, REGISTRAR, MANAGER, DPO, SYSADMIN})

OPEN, SECRET, PROTECTED = "open", "secret", "protected"
KINDS = (OPEN, SECRET, PROTECTED)
# Not one of the objects but walked with them: an item waiting in the registrar's inbox
# (registrera/inkorg/<id>/), for those who register for its authority.
INBOX = "inbox"
INBOX_READERS = frozenset({OFFICER, MEMBER, CASE_OFFICER, REGISTRAR, MANAGER})

# Marker words: letters only (so no escaping, tokenising or case number parsing changes
# them), a common prefix (PREFIX finds them all by completion), none the start of
# another (so that a search for one finds only it).
PREFIX = "Zqx"
OPEN_FILE_NAME = "Zqxoppetnamn"
OPEN_FILE_TEXT = "Zqxoppentext"
SECRET_SENDER = "Zqxavsandare"
SECRET_DESCRIPTION = "Zqxbeskrivning"
SECRET_FILE_NAME = "Zqxhemligtnamn"
SECRET_FILE_TEXT = "Zqxhemligtext"
PROTECTED_NAME = "Zqxskyddadperson"
PROTECTED_ADDRESS = "Zqxskyddadgatan"
INBOX_FILE_NAME = "Zqxinkorgsfil"
INBOX_FILE_TEXT = "Zqxinkorgstext"
# Searched for to see what a search answers when it finds nothing: same shape, no match.
NOTHING = "Zqxingenting"


@dataclass
class Thing:
    """One object of the walk: a case with one document (and its file) in it."""

    kind: str
    case: Case
    document: Document
    file: DocumentFile
    # What must never reach a role outside `readers`.
    markers: tuple[str, ...]
    readers: frozenset[str]
    # Who may read the registration itself (and so address it by number or id).
    document_readers: frozenset[str]
    published: bool = False

    @property
    def values(self) -> dict[str, Any]:
        """What the URL parameters are filled from (see FILL in the test)."""
        return {
            "case_pk": self.case.pk,
            "case_code": self.case.authority.code,
            "case_year": self.case.year,
            "case_serial": self.case.number,
            "document_number": self.document.number,
            "document_pk": self.document.pk,
            "file_pk": self.file.pk,
            "file_name": self.file.name,
        }


@dataclass
class World:
    users: dict[str, User | None]
    things: dict[str, Thing]
    # The membership in the cases' access group (end-membership pages), the user whose
    # reads are listed (user-reads pages) and the inbox item.
    membership_pk: int = 0
    reader_pk: int = 0
    inbox_pk: int = 0
    tokens: dict[str, str] = field(default_factory=dict)

    def guarded(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Every marker: the kind of object it is in, and who may see it."""
        found = {m: (thing.kind, thing.readers) for thing in self.things.values()
                 for m in thing.markers}  # fmt: skip
        return found | {m: (INBOX, INBOX_READERS) for m in (INBOX_FILE_NAME, INBOX_FILE_TEXT)}


def _text_file(document: Document, name: str, text: str) -> DocumentFile:
    body = f"Skrivelse\n\n{text} och annat som står i brevet.\n".encode()
    stored = store_bytes(body, name)
    attached = registry.do_attach_file(document, stored, name, actor=None)
    extract_file_text.call(stored.pk)  # the worker's job, now: the text becomes searchable
    return attached


def build_world() -> World:
    """The municipality, its users with their roles, the three objects, a read of the
    secret document (so the read logs have a line) and an API key per user."""
    ks = make_authority("KS")
    users: dict[str, User | None] = {ANONYMOUS: None}
    neighbour = org.do_create_municipality("Grannby kommun", actor=None)
    theirs = org.do_create_authority(neighbour, "ks", "GKS", "Grannby KS", actor=None)
    users[OTHER_MUNICIPALITY] = make_user("granne", roles=[(Role.REGISTRAR, theirs)])
    users[ELECTED] = make_user("ledamot", roles=[(Role.ELECTED, ks)])
    for role, name in ((OFFICER, "kollega"), (MEMBER, "hr"), (CASE_OFFICER, "handl")):
        users[role] = make_user(name, roles=[(Role.OFFICER, ks)])
    users[REGISTRAR] = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    users[MANAGER] = make_user("chef", roles=[(Role.MANAGER, ks)])
    users[DPO] = make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)])
    users[SYSADMIN] = make_sysadmin("admin")
    group = make_access_group(ks, [users[MEMBER]])  # every case below belongs to it

    earlier = timezone.localdate() - datetime.timedelta(days=20)  # late: on the late list
    case_officer = users[CASE_OFFICER]
    things: dict[str, Thing] = {}

    case = make_case("Medborgarförslag om fler parkbänkar", authority=ks)
    document = registry.do_register_document(
        case, "inkommen", earlier, "Förslag om bänkar i stadsparken",
        counterpart="Föreningen Parkvännerna", actor=None,
    )  # fmt: skip
    # Not published: the file's name and text are for staff only.
    attached = _text_file(document, f"{OPEN_FILE_NAME}.txt", OPEN_FILE_TEXT)
    things[OPEN] = Thing(OPEN, case, document, attached, (OPEN_FILE_NAME, OPEN_FILE_TEXT),
                         CASE_READERS, CASE_READERS)  # fmt: skip

    case = make_case("Personalärende", authority=ks)
    document = registry.do_register_document(
        case, "inkommen", earlier, f"Läkarintyg {SECRET_DESCRIPTION}",
        counterpart=f"Doktor {SECRET_SENDER}", secrecy=make_provision(),
        withhold_counterpart=True, withhold_description=True, actor=None,
    )  # fmt: skip
    attached = _text_file(document, f"{SECRET_FILE_NAME}.txt", SECRET_FILE_TEXT)
    secret_readers = frozenset({MEMBER, CASE_OFFICER})
    markers = (SECRET_SENDER, SECRET_DESCRIPTION, SECRET_FILE_NAME, SECRET_FILE_TEXT)
    things[SECRET] = Thing(SECRET, case, document, attached, markers, secret_readers,
                           secret_readers)  # fmt: skip

    case = make_case("Ansökan om bistånd", authority=ks)
    registry.do_add_party(
        case, f"Anna {PROTECTED_NAME}", role="sökande", address=f"{PROTECTED_ADDRESS} 7",
        protected_identity=True, actor=None,
    )  # fmt: skip
    document = registry.do_register_document(
        case, "inkommen", earlier, "Ansökan om ekonomiskt bistånd",
        counterpart="Socialtjänstens mottagning", actor=None,
    )  # fmt: skip
    # Published in the public e-diary: the one file anybody may fetch.
    attached = _text_file(document, "ansokan.txt", "Bilaga till ansökan")
    do_publish_file(attached, actor=None)
    things[PROTECTED] = Thing(PROTECTED, case, document, attached,
                              (PROTECTED_NAME, PROTECTED_ADDRESS),
                              frozenset({CASE_OFFICER, REGISTRAR}), CASE_READERS,
                              published=True)  # fmt: skip

    for thing in things.values():
        registry.do_assign_officer(thing.case, case_officer, actor=None)
        thing.case.refresh_from_db()
        thing.document.refresh_from_db()
    # The member opens the secret registration and its file: the read logs show it.
    do_log_read(things[SECRET].document, "registration", actor=users[MEMBER])
    do_log_read(things[SECRET].document, "file", stored_file=things[SECRET].file.stored,
                actor=users[MEMBER])  # fmt: skip
    # A letter waiting in the inbox, put there by the registrar.
    body = f"Brev som väntar\n\n{INBOX_FILE_TEXT}\n".encode()
    name = f"{INBOX_FILE_NAME}.txt"
    item = registry.do_receive_in_inbox(ks, store_bytes(body, name), name, actor=users[REGISTRAR])
    member = users[MEMBER]
    assert member is not None
    world = World(
        users,
        things,
        membership_pk=Membership.objects.get(group=group, user=member).pk,
        reader_pk=member.pk,
        inbox_pk=item.pk,
    )
    for role, user in users.items():
        if user is not None:
            _token, key = org.do_create_api_token(user, "behörighetstest", actor=user)
            world.tokens[role] = key
    return world


def check_rules(world: World) -> list[str]:
    """Where the table above and kansli.access.rules disagree about this data."""
    differences = []
    for role, user in world.users.items():
        if user is None:
            continue
        for thing in world.things.values():
            forget(user)
            reads = may_read(user, thing.document)
            if reads != (role in thing.document_readers):
                differences.append(f"{role} may_read {thing.kind}: rules say {reads}")
            if thing.kind == PROTECTED:
                sees = may_see_protected_identities(user, thing.case)
                if sees != (role in thing.readers):
                    differences.append(f"{role} protected identity: rules say {sees}")
    return differences
