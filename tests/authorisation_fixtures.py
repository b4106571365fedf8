"""The data the authorisation walk (test_authorisation.py) reads: one municipality with
a role of each kind, and three objects (an open registration, a secrecy-marked one with
its sender and description withheld, and a case with a party with protected identity),
each carrying distinctive marker words in what some roles must never see. Besides them
KS holds meetings (kansli.meetings): a meeting whose one item has an open report and a
secrecy-marked attachment, dispatched, its minutes approved (so there is a locked §, a
notice on the board and a minutes extract), a secrecy-marked delegated decision in the
same case, and a later meeting not yet dispatched.

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
from kansli.access.rules import FULL_MEMBERS as PERMISSION_FULL_MEMBERS
from kansli.access.rules import (
    forget,
    may_read,
    may_read_draft,
    may_see_protected_identities,
    position_in,
)
from kansli.access.testing import make_access_group
from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.files.tests.samples import pdf
from kansli.mailbox.actions import do_add_mailbox, do_start_folder, do_take_in_message
from kansli.meetings import actions as meetings
from kansli.meetings.actions import approvers_of
from kansli.meetings.actions.appendices import do_add_appendix
from kansli.meetings.actions.delegation import do_post_delegated_decision
from kansli.meetings.models import Meeting, NewsItem
from kansli.meetings.testing import make_body, make_meeting
from kansli.meetings.views.common import staff_bodies
from kansli.org import actions as org
from kansli.org.models import ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.public.actions import do_publish_file
from kansli.registry import actions as registry
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.testing import make_case, make_provision
from kansli.reports.actions import do_save_report, do_start_report
from kansli.requests.testing import make_request

# The roles, in the order the walk reports them.
ANONYMOUS = "anonymous"
OTHER_MUNICIPALITY = "other_municipality"  # a registrar of another municipality
OTHER_AUTHORITY = "other_authority"  # handläggare, nämndsekreterare and ledamot of BUN
ELECTED = "elected"  # förtroendevald (ledamot) of KS, approver (justerare) of the minutes
CHAIR = "chair"  # förtroendevald, ordförande of KS
SUBSTITUTE = "substitute"  # förtroendevald, ersättare in KS (not serving at the meeting)
FORMER = "former"  # was ledamot of KS at the meeting; left the body yesterday
OFFICER = "officer"  # handläggare of KS, not in the cases' access group
MEMBER = "member"  # handläggare of KS, in the cases' access group
CASE_OFFICER = "case_officer"  # handläggare of KS, the officer of every case here
SECRETARY = "secretary"  # nämndsekreterare of KS
REGISTRAR = "registrar"  # registrator of KS (registered none of the documents)
MANAGER = "manager"  # chef of KS
DPO = "dpo"  # dataskyddsombud of KS
SYSADMIN = "sysadmin"  # systemadministratör
ROLES = (ANONYMOUS, OTHER_MUNICIPALITY, OTHER_AUTHORITY, ELECTED, CHAIR, SUBSTITUTE, FORMER,
         OFFICER, MEMBER, CASE_OFFICER, SECRETARY, REGISTRAR, MANAGER, DPO, SYSADMIN)  # fmt: skip
SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}
# Walked on the meetings' routes only (kansli.meetings' pages and API): nothing else
# tells them from a role walked everywhere. Only kansli.meetings reads an elected
# member's position in a body, so elsewhere the chair and the substitute are elected
# members like ELECTED, and another authority's staff are the municipality's staff like
# OFFICER. The registry's tables below (CASE_READERS, INBOX_READERS and the objects'
# readers) are not about them.
MEETING_ONLY = frozenset({OTHER_AUTHORITY, CHAIR, SUBSTITUTE, FORMER})

# Staff of the municipality and the system administrator read the cases and their open
# registrations; the public, another municipality's staff and elected members do not.
CASE_READERS = frozenset({OFFICER, MEMBER, CASE_OFFICER, SECRETARY, REGISTRAR, MANAGER, DPO,
                          SYSADMIN})  # fmt: skip

OPEN, SECRET, PROTECTED = "open", "secret", "protected"
KINDS = (OPEN, SECRET, PROTECTED)
# Not one of the objects but walked with them: an item waiting in the registrar's inbox
# (registrera/inkorg/<id>/), for those who register for its authority.
INBOX = "inbox"
INBOX_READERS = frozenset({OFFICER, MEMBER, CASE_OFFICER, SECRETARY, REGISTRAR, MANAGER})
# The officer's draft reports (kansli.reports) are read by those who prepare the
# authority's items; a draft in a case with secret documents only by those among them
# who read the case's secrets. A protected party's name in it: as everywhere.
REPORT_READERS = {
    OPEN: frozenset({OFFICER, MEMBER, CASE_OFFICER, SECRETARY, REGISTRAR, MANAGER}),
    SECRET: frozenset({MEMBER, CASE_OFFICER}),
    PROTECTED: frozenset({OFFICER, MEMBER, CASE_OFFICER, SECRETARY, REGISTRAR, MANAGER}),
}

# The meetings of KS (kansli.meetings). Their staff pages are for those who prepare
# them: the authority's officers, secretaries, managers and registrars. The minutes are
# also for the chair and the approvers, who approve them. The member portal is for the
# body's elected members and substitutes; a secrecy-marked document on the agenda only
# for the members (ledamöter, the chair) and the substitutes serving at the meeting
# (none here). Not one of the objects either, but its markers are checked with them.
MEETING = "meeting"
MEETING_STAFF = frozenset({OFFICER, MEMBER, CASE_OFFICER, SECRETARY, REGISTRAR, MANAGER})
APPROVERS = frozenset({CHAIR, ELECTED})
FULL_MEMBERS = frozenset({CHAIR, ELECTED})  # ledamöter (the chair is one)
BODY_MEMBERS = FULL_MEMBERS | {SUBSTITUTE}
# Who reads the meeting's secret attachment in the registry (the access group and the
# case's officer, as for SECRET) and in the member portal (the members).
MEETING_SECRET_REGISTRY_READERS = frozenset({MEMBER, CASE_OFFICER})
MEETING_SECRET_READERS = MEETING_SECRET_REGISTRY_READERS | FULL_MEMBERS
# A second item of the meeting is non-public (an individual social-services case behind
# closed doors): its title, proposal and decision are read in full by the secretary, by
# those who read the case's secret content (the access group, the case's officer) and
# by the members (the portal, and the chair and approver on the minutes); everyone else
# sees its § number, neutral heading and provision only.
CLOSED_READERS = MEETING_SECRET_REGISTRY_READERS | FULL_MEMBERS | {SECRETARY}
# The draft of the minutes (e-justering), released before they were approved, with its
# non-public part: for the chair and the approver, and the staff who read that part.
DRAFT_READERS = APPROVERS | (CLOSED_READERS & MEETING_STAFF)

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
# The meeting's secret attachment: in its (withheld) description and in its file's text
# (one word for both: each more marker costs a search of every list for every role).
MEETING_SECRET = "Zqxnamndhemlighet"
# The secret delegated decision's text: read only as its document is (not by the
# members, who read the meeting's secret attachment in the portal).
DELEGATED_SECRET = "Zqxdelegeratbeslut"
# The non-public item's title, proposal and decision (a name behind closed doors).
CLOSED_ITEM = "Zqxstangdadorrar"
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
    # A request for public documents asking for the document, and its one item.
    request_pk: int = 0
    request_item_pk: int = 0
    # The officer's draft report in the case (kansli.reports), its text with the markers.
    report_pk: int = 0

    @property
    def values(self) -> dict[str, Any]:
        """What the URL parameters are filled from (see FILL in the test)."""
        return {
            "case_pk": self.case.pk,
            "case_code": self.case.authority.code,
            "template_kind": "report",  # a kind of document (kansli.drafting)
            "case_year": self.case.year,
            "case_serial": self.case.number,
            "document_number": self.document.number,
            "document_pk": self.document.pk,
            "file_pk": self.file.pk,
            "file_name": self.file.name,
            "request_pk": self.request_pk,
            "request_item_pk": self.request_item_pk,
            "report_pk": self.report_pk,
        }


# Which of the meeting's PDFs (moten/<id>/<kind>.pdf) and which document in the member
# portal (moten/portal/<id>/handling/<id>/) each object's walk addresses, so that all
# are walked: the notice, the meeting pack and the sealed minutes; the item's open
# report, its secret attachment, and the minutes extract (a document of the item's case
# that is not on the agenda: the portal serves it to nobody).
MEETING_FILES = {OPEN: "kallelse", SECRET: "handlingar", PROTECTED: "protokoll"}
# The meeting's snabbnytt is for the staff of KS (its employees, the data protection
# officer among them), not its elected members nor the system administrator. Its list
# answers whoever works in an authority, another's staff included (with their own news).
NEWS_READERS = frozenset({OFFICER, MEMBER, CASE_OFFICER, SECRETARY, REGISTRAR, MANAGER, DPO})
NEWS_LIST_USERS = NEWS_READERS | {OTHER_AUTHORITY, OTHER_MUNICIPALITY}
PORTAL_READERS = {OPEN: BODY_MEMBERS, SECRET: FULL_MEMBERS, PROTECTED: frozenset[str]()}


@dataclass
class Meetings:
    """The ids of the KS meetings' objects the walk addresses. The later meeting is not
    addressed: it is in the lists and the calendar, and the forms of the first meeting's
    pages offer it (to move an item to, to postpone a decision to)."""

    body_pk: int
    meeting_pk: int  # dispatched, its minutes approved and locked
    later_pk: int  # a later meeting: not dispatched, no minutes
    paragraph_pk: int  # the meeting's one § (locked, with its extract)
    item_pk: int  # the §'s agenda item
    notice_pk: int  # the minutes' notice on the notice board
    open_document_pk: int  # the item's report
    secret_document_pk: int  # the item's secrecy-marked attachment
    extract_pk: int  # the minutes extract, registered in the item's case
    correction_pk: int  # an approved correction of the §, sealed anew
    news_pk: int  # the secretary's snabbnytt after the meeting
    comment_pk: int  # the approver's comment on the released draft, answered
    delegated_pk: int  # the secret delegated decision, posted on the notice board
    appendix_pk: int  # appendix 1 to the minutes, added before they were approved

    def values(self, kind: str) -> dict[str, Any]:
        """What the meeting URL parameters are filled from, in the walk of an object."""
        portal = {OPEN: self.open_document_pk, SECRET: self.secret_document_pk,
                  PROTECTED: self.extract_pk}  # fmt: skip
        return {
            "body_pk": self.body_pk,
            "meeting_pk": self.meeting_pk,
            "paragraph_pk": self.paragraph_pk,
            "item_pk": self.item_pk,
            "notice_pk": self.notice_pk,
            "correction_pk": self.correction_pk,
            "news_pk": self.news_pk,
            "comment_pk": self.comment_pk,
            "delegated_pk": self.delegated_pk,
            "appendix_pk": self.appendix_pk,
            "appendix_number": 1,
            "meeting_file": MEETING_FILES[kind],
            "portal_document_pk": portal[kind],
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
    quarantine_pk: int = 0
    meetings: Meetings | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def guarded(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Every marker: the kind of object it is in, and who may see it."""
        found = {m: (thing.kind, thing.readers) for thing in self.things.values()
                 for m in thing.markers}  # fmt: skip
        found |= {m: (INBOX, INBOX_READERS) for m in (INBOX_FILE_NAME, INBOX_FILE_TEXT)}
        if self.meetings is not None:
            found[MEETING_SECRET] = (MEETING, MEETING_SECRET_READERS)
            found[DELEGATED_SECRET] = (MEETING, MEETING_SECRET_REGISTRY_READERS)
            found[CLOSED_ITEM] = (MEETING, CLOSED_READERS)
        return found


def _text_file(document: Document, name: str, text: str) -> DocumentFile:
    body = f"Skrivelse\n\n{text} och annat som står i brevet.\n".encode()
    stored = store_bytes(body, name)
    attached = registry.do_attach_file(document, stored, name, actor=None)
    extract_file_text.call(stored.pk)  # the worker's job, now: the text becomes searchable
    return attached


def _pdf_file(document: Document, name: str, text: str) -> DocumentFile:
    """A PDF (the meeting pack takes the PDFs of an item's documents) showing the text."""
    stored = store_bytes(pdf("Skrivelse", f"{text} och annat som står i den."), name)
    attached = registry.do_attach_file(document, stored, name, actor=None)
    extract_file_text.call(stored.pk)
    return attached


def _build_meetings(users: dict[str, User | None], case_officer: User) -> Meetings:
    """KS as a body: a meeting a week ago with one item (an open report, a secret
    attachment), dispatched, its minutes approved by the chair and the approver (the
    elected member) and then corrected (also approved by both); a secret delegated
    decision in the item's case; and a later meeting, not dispatched."""
    ks = make_authority("KS")
    body = make_body(ks)
    meeting = make_meeting(body, days_ahead=-7)
    later = make_meeting(body, days_ahead=30)
    start = timezone.now() - datetime.timedelta(days=30)
    case = make_case("Detaljplan för Vargödalen", authority=ks)
    registry.do_assign_officer(case, case_officer, actor=None)
    report = registry.do_register_document(
        case, "upprattad", timezone.localdate(start), "Tjänsteskrivelse om detaljplanen",
        document_type="Tjänsteskrivelse", actor=None,
    )  # fmt: skip
    _pdf_file(report, "tjansteskrivelse.pdf", "Planen har varit på samråd.")
    secret = registry.do_register_document(
        case, "inkommen", timezone.localdate(start), f"Yttrande {MEETING_SECRET}",
        counterpart="Länsstyrelsen", secrecy=make_provision(), withhold_description=True,
        actor=None,
    )  # fmt: skip
    _pdf_file(secret, "yttrande.pdf", f"Yttrande {MEETING_SECRET}")
    item = meetings.do_preregister_item(
        meeting, case, title="Detaljplan för Vargödalen", proposal="Planen antas.",
        report=report, attachments=[secret], at=start, actor=None,
    )  # fmt: skip
    # The attachment's subject is secret, so the item began non-public; the secretary
    # finds the plan itself public (the secret attachment stays secret).
    meetings.do_set_item_secrecy(item, None, reason="Planen är offentlig.", actor=None)
    aid = make_case("Ansökan om ekonomiskt bistånd", authority=ks)
    registry.do_assign_officer(aid, case_officer, actor=None)
    closed = meetings.do_preregister_item(
        meeting, aid, title=f"Bistånd till {CLOSED_ITEM}", proposal=f"{CLOSED_ITEM} beviljas.",
        at=start, actor=None,
    )  # fmt: skip
    meetings.do_set_item_secrecy(
        closed, make_provision("OSL 26 kap. 1 §"), public_title="Ärende enligt SoL", actor=None
    )
    meetings.do_dispatch_meeting(meeting, at=start + datetime.timedelta(days=14), actor=None)
    minutes = meetings.do_open_minutes(meeting, approvers=[users[ELECTED]], actor=None)
    for role in (CHAIR, ELECTED):  # present: only those present approve
        meetings.do_record_attendance(minutes, users[role], "ledamot", actor=None)
    meetings.do_record_decision(
        minutes.paragraphs.get(item=closed), decision=f"{CLOSED_ITEM} beviljas.", actor=None
    )
    appendix = do_add_appendix(minutes, "Karta över planområdet", actor=users[SECRETARY])
    meetings.do_release_draft(minutes, actor=users[SECRETARY])
    comment = meetings.do_comment_draft(minutes, "Stavfel i beslutet.", actor=users[ELECTED])
    meetings.do_answer_comment(comment, "Rättat.", actor=users[SECRETARY])
    for role in (CHAIR, ELECTED):
        meetings.do_approve_minutes(minutes, verified=True, actor=users[role])
    minutes.refresh_from_db()
    assert minutes.locked_at is not None
    paragraph = minutes.paragraphs.get(item=item)
    assert paragraph.extract_id is not None
    correction = meetings.do_propose_correction(
        paragraph, "Planen antas i sin helhet.", "Ett ord föll bort.", actor=None
    )
    for role in (CHAIR, ELECTED):
        meetings.do_approve_correction(correction, verified=True, actor=users[role])
    paragraph.refresh_from_db()
    # A secret delegated decision under a point not reported, posted: on the notice
    # board by its number and point only, and its text on the delegation page only for
    # those who read its document.
    point = meetings.do_add_delegation_point(
        ks, "9.2", "Yttrande över serveringstillstånd", "Enhetschef", reported=False,
        delegates=[case_officer], actor=None,
    )  # fmt: skip
    decision = meetings.do_register_delegated_decision(
        point, case, f"Tillstyrkes {DELEGATED_SECRET}", decided_on=timezone.localdate(),
        decided_by=case_officer, actor=None,
    )  # fmt: skip
    registry.do_mark_secrecy(
        decision.document, make_provision(), withhold_description=True, actor=None
    )
    do_post_delegated_decision(decision, actor=users[SECRETARY])
    news = meetings.do_publish_news(
        body, "Snabbnytt från KS", "KS antog detaljplanen för Vargödalen.", meeting=meeting,
        actor=users[SECRETARY],
    )  # fmt: skip
    return Meetings(
        body_pk=body.pk,
        meeting_pk=meeting.pk,
        later_pk=later.pk,
        paragraph_pk=paragraph.pk,
        item_pk=item.pk,
        notice_pk=minutes.notice.pk,
        open_document_pk=report.pk,
        secret_document_pk=secret.pk,
        extract_pk=paragraph.extract_id,
        correction_pk=correction.pk,
        news_pk=news.pk,
        comment_pk=comment.pk,
        delegated_pk=decision.pk,
        appendix_pk=appendix.pk,
    )


def build_world() -> World:
    """The municipality, its users with their roles, the three objects, a read of the
    secret document (so the read logs have a line), the meetings of KS and an API key
    per user."""
    ks = make_authority("KS")
    users: dict[str, User | None] = {ANONYMOUS: None}
    neighbour = org.do_create_municipality("Grannby kommun", actor=None)
    theirs = org.do_create_authority(neighbour, "ks", "GKS", "Grannby KS", actor=None)
    users[OTHER_MUNICIPALITY] = make_user("granne", roles=[(Role.REGISTRAR, theirs)])
    users[ELECTED] = make_user("ledamot", roles=[(Role.ELECTED, ks)])
    elected = ((CHAIR, "ordf", ElectedPosition.CHAIR),
               (SUBSTITUTE, "ersattare", ElectedPosition.SUBSTITUTE))  # fmt: skip
    for role, name, position in elected:
        users[role] = person = make_user(name)
        org.do_grant_role(person, Role.ELECTED, authority=ks, position=position,
                          valid_from=datetime.date(2020, 1, 1), actor=None)  # fmt: skip
    users[FORMER] = former = make_user("tidigare")
    seat = org.do_grant_role(former, Role.ELECTED, authority=ks, position=ElectedPosition.MEMBER,
                             valid_from=datetime.date(2020, 1, 1), actor=None)  # fmt: skip
    org.do_end_role(seat, timezone.localdate() - datetime.timedelta(days=1), actor=None)
    for role, name in ((OFFICER, "kollega"), (MEMBER, "hr"), (CASE_OFFICER, "handl")):
        users[role] = make_user(name, roles=[(Role.OFFICER, ks)])
    users[SECRETARY] = make_user("sekr", roles=[(Role.SECRETARY, ks)])
    users[REGISTRAR] = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    users[MANAGER] = make_user("chef", roles=[(Role.MANAGER, ks)])
    users[DPO] = make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)])
    users[SYSADMIN] = make_sysadmin("admin")
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    users[OTHER_AUTHORITY] = make_user(
        "bun", roles=[(Role.OFFICER, bun), (Role.SECRETARY, bun), (Role.ELECTED, bun)]
    )
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

    # The name is written where a careless registrar writes it too: in the case title,
    # as the sender and in the description (issue 12: shown to all staff before).
    case = make_case(f"Ansökan om bistånd, Anna {PROTECTED_NAME}", authority=ks)
    document = registry.do_register_document(
        case, "inkommen", earlier, f"Ansökan om ekonomiskt bistånd från Anna {PROTECTED_NAME}",
        counterpart=f"Anna {PROTECTED_NAME}", counterpart_address=f"{PROTECTED_ADDRESS} 7",
        actor=None,
    )  # fmt: skip
    # Published in the public e-diary before the party's identity was protected: the
    # protection stops it (the e-diary's masking cannot reach into a file), so nobody
    # fetches it from there any more.
    attached = _text_file(document, "ansokan.txt", "Bilaga till ansökan")
    do_publish_file(attached, actor=None)
    registry.do_add_party(
        case, f"Anna {PROTECTED_NAME}", role="sökande", address=f"{PROTECTED_ADDRESS} 7",
        protected_identity=True, actor=None,
    )  # fmt: skip
    things[PROTECTED] = Thing(PROTECTED, case, document, attached,
                              (PROTECTED_NAME, PROTECTED_ADDRESS),
                              frozenset({CASE_OFFICER, REGISTRAR}), CASE_READERS)  # fmt: skip

    for thing in things.values():
        registry.do_assign_officer(thing.case, case_officer, actor=None)
        thing.case.refresh_from_db()
        thing.document.refresh_from_db()
    # The case's officer's draft report, with the markers (the protected party written
    # as in the case: the name and the address).
    texts = {PROTECTED: f"Anna {PROTECTED_NAME} bor på {PROTECTED_ADDRESS} 7."}
    for thing in things.values():
        draft = do_start_report(thing.case, actor=case_officer)
        text = texts.get(thing.kind, " ".join(thing.markers))
        do_save_report(draft, heading=draft.heading, appendices=[thing.document], meeting=None,
                       sections={"background": text}, actor=case_officer)  # fmt: skip
        thing.report_pk = draft.pk
    for thing in things.values():  # an anonymous request for each document
        asked = make_request(ks, documents=[thing.document])
        thing.request_pk, thing.request_item_pk = asked.pk, asked.items.get().pk
    # The member opens the secret registration and its file: the read logs show it.
    do_log_read(things[SECRET].document, "registration", actor=users[MEMBER])
    do_log_read(things[SECRET].document, "file", stored_file=things[SECRET].file.stored,
                actor=users[MEMBER])  # fmt: skip
    # A letter waiting in the inbox, put there by the registrar.
    body = f"Brev som väntar\n\n{INBOX_FILE_TEXT}\n".encode()
    name = f"{INBOX_FILE_NAME}.txt"
    item = registry.do_receive_in_inbox(ks, store_bytes(body, name), name, actor=users[REGISTRAR])
    # A message from KS's functional mailbox that could not be read, in the quarantine.
    mailbox = do_add_mailbox(
        authority=ks, host="imap.example.se", port=993, username="ks", password_env="KS_IMAP",
        folders="INBOX", processed_folder="", active=True, actor=None,
    )  # fmt: skip
    do_start_folder(mailbox, "INBOX", 1, actor=None)
    held = do_take_in_message(mailbox, "INBOX", 1, b"\x01 " + body, actor=None)
    member = users[MEMBER]
    assert member is not None and case_officer is not None
    world = World(
        users,
        things,
        membership_pk=Membership.objects.get(group=group, user=member).pk,
        reader_pk=member.pk,
        inbox_pk=item.pk,
        quarantine_pk=held.pk,
        meetings=_build_meetings(users, case_officer),
    )
    for role, user in users.items():
        if user is not None:
            _token, key = org.do_create_api_token(user, "behörighetstest", actor=user)
            world.tokens[role] = key
    return world


def check_rules(world: World) -> list[str]:
    """Where the tables above and kansli.access.rules (and kansli.meetings' own rules)
    disagree about this data."""
    differences = []
    for role, user in world.users.items():
        if user is None:
            continue
        if world.meetings is not None:
            differences += _meeting_rules(role, user, world.meetings)
        if role in MEETING_ONLY:
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


def _meeting_rules(role: str, user: User, ids: Meetings) -> list[str]:
    meeting = Meeting.objects.select_related("body__authority").get(pk=ids.meeting_pk)
    secret = Document.objects.select_related("case__authority").get(pk=ids.secret_document_pk)
    forget(user)
    position = position_in(user, meeting.body)  # judged today
    rules = {
        "prepares the meetings": (staff_bodies(user).filter(pk=ids.body_pk).exists(),
                                  MEETING_STAFF),
        "is in the body": (bool(position), BODY_MEMBERS),
        "is a full member": (position in PERMISSION_FULL_MEMBERS, FULL_MEMBERS),
        "approves the minutes": (user.pk in approvers_of(meeting.minutes), APPROVERS),
        "reads the draft minutes": (may_read_draft(user, meeting.minutes), DRAFT_READERS),
        "reads the snabbnytt": (NewsItem.objects.visible_to(user).filter(pk=ids.news_pk)
                                .exists(), NEWS_READERS),
        "may_read the secret attachment": (may_read(user, secret),
                                           MEETING_SECRET_REGISTRY_READERS),
    }  # fmt: skip
    return [
        f"{role} {what}: the rules say {says}"
        for what, (says, table) in rules.items()
        if says != (role in table)
    ]
