"""Importing a package made by Kansli (`kansli archive import DIR`): the case comes back
with its number, parties (protected identity kept), documents with their numbers,
dates, direction, counterpart, secrecy marking, withheld details and voiding, and
every version of every file, stored once by SHA-256 in the file store.

The package is read and every byte checked first (kansli.archive.reader); then one
transaction writes everything or nothing: a package that fails anywhere (an unknown
authority or secrecy provision, a case number already taken, a file the store will
not take or that does not hash to what the package says) is refused whole with the
reason, and no row of it stays. The registry's registration actions are not used:
they would give new numbers and notify; the rows are written here, under the one
audit event archive.imported, and the case is indexed for search as registration
does. The counter of the case's series is moved past the imported number, so the
next case registered in that series and year never gets it again.

The meetings at which the case was dealt with come back too: the meeting is found (the
same body, the same start, else the only meeting of the body that day) or made, with
its minutes as approved (justerade) then (minutes approved in this installation are
never added to: the package is refused); the case's agenda item and § with its number,
decision, reasons, outcome and links to the officer's report and the minutes extract
among the imported documents; and the signatures (Approval, and ParagraphApproval for
a § approved at once) of those who are users here with a role at the body's authority
on the meeting day. Each decision is also put on the case's timeline with its
signatures by name and time, so who approved is kept when the signers are not users
here. A non-public item comes back by its neutral heading and provision only, as the
package carries it (its text is in the secrecy-marked minutes extract).

What the package does not carry cannot come back: the case's timeline (one entry
says the case was imported, and one per decision in the package), corrections of
registrations, who marked secrecy or voided, when files were added, links to related
cases, and of the meetings what is not the case's (the other items, attendance, votes,
the sealed minutes)."""

from __future__ import annotations

import contextlib
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kansli.access.groups import default_group
from kansli.archive.reader import (
    Package,
    PackageDocument,
    PackageFile,
    PackageMeeting,
    PackageParagraph,
    PackageSignature,
    Refused,
    read_package,
)
from kansli.audit.chain import record
from kansli.files.models import StoredFile
from kansli.files.pdfactive import checked_many
from kansli.files.storage import reaching_storage
from kansli.files.store import store_uploads
from kansli.meetings import actions as meeting_actions
from kansli.meetings.models import (
    AgendaItem,
    AppealRoute,
    Approval,
    Body,
    Meeting,
    Minutes,
    Outcome,
    Paragraph,
    ParagraphApproval,
    Section,
)
from kansli.meetings.models.meetings import NEUTRAL_HEADING, public_heading
from kansli.org import actions as org_actions
from kansli.org.models import Authority, Committee, Municipality, Role, RoleAssignment, Unit, User
from kansli.org.permissions import is_sysadmin
from kansli.registry import document_types
from kansli.registry.actions import do_add_secrecy_provision
from kansli.registry.models import (
    Case,
    CaseCounter,
    CaseStatus,
    Classification,
    Direction,
    Document,
    DocumentFile,
    DocumentType,
    Party,
    SecrecyProvision,
    TimelineEntry,
)
from kansli.search import index as search_index

BATCH_BYTES = 32 * 1024 * 1024  # PDFs read for active content in one child process
STORE_AT_ONCE = 200  # files stored together (open at once)
NOT_ALLOWED = "Endast arkivarien för myndigheten eller en systemadministratör läser in arkivpaket."


@dataclass
class ImportResult:
    case: Case
    package: str
    documents: int = 0
    files: int = 0
    decisions: int = 0
    notes: list[str] = field(default_factory=list)  # what could not be linked, said plainly

    def __str__(self) -> str:
        text = (
            f"{self.case.case_number}: {self.documents} handlingar, {self.files} filer, "
            f"{self.decisions} beslut"
        )
        return "; ".join([text, *self.notes])


def may_import(actor: Any, authority: Authority) -> bool:
    """The authority's archivist (arkivarie), a system administrator or superuser, or
    the system itself (actor None: `kansli archive import`)."""
    if actor is None:
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser or is_sysadmin(actor):
        return True
    held = RoleAssignment.objects.valid_on().filter(user=actor, role=Role.ARCHIVIST)
    return held.filter(authority=authority).exists()


def do_import_package(
    folder: Path, *, actor: Any, package: Package | None = None,
    active: dict[str, str] | None = None,
) -> ImportResult:  # fmt: skip
    """Read the package in `folder` into the installation, whole or not at all.
    `package`: as kansli.archive.checks read it just before, so it is not read twice;
    `active`: its PDFs' active content, as active_content found it for many packages
    at once."""
    package = package or read_package(Path(folder))
    code = package.case.authority
    authority = Authority.objects.select_related("municipality").filter(code=code).first()
    if authority is None:
        # A move to an installation without it (kansli archive export --all): only the
        # system or a system administrator sets an authority up.
        if actor is not None and not is_sysadmin(actor):
            raise Refused(f"Det finns ingen myndighet med koden {code} i installationen.")
    elif not may_import(actor, authority):
        raise PermissionDenied(NOT_ALLOWED)
    with transaction.atomic():
        if authority is None:
            opened = package.case.opened_at
            authority = _set_up_authority(
                code, package.case.origin, opened.date() if opened else None, actor
            )
        return _import(package, authority, actor, active)


MAX_NUMBER = 9_999_999  # a case's number in its series and year, a document's in its case, a §'s
FIRST_YEAR = 1900


def _next_year() -> int:
    return timezone.localdate().year + 1


# What a package may set up: a code of letters and digits, and a case number format of
# {series}, {year} and {number} (a width of at most 9) around plain text.
CODE = re.compile(r"[A-ZÅÄÖ0-9]{1,12}")
NUMBER_FORMAT = re.compile(r"(?:[^{}]|\{(?:series|year|number)(?::0?[1-9])?\}){0,60}")


def _set_up_authority(code: str, origin: dict[str, str], valid_from: datetime.date | None,
                      actor: Any) -> Authority:  # fmt: skip
    """The package's authority (the case's, or the one whose body met), in its
    municipality (found by organisation number or name, else made with the package's
    case number format), through org's actions."""
    if origin.get("authorityKind") not in Authority.Kind.values or not origin.get("municipality"):
        raise Refused(f"Det finns ingen myndighet med koden {code} i installationen.")
    if not CODE.fullmatch(code):
        raise Refused(f"Myndighetskoden {code!r} är inte en kod (bokstäver och siffror).")
    if not NUMBER_FORMAT.fullmatch(origin.get("caseNumberFormat", "")):
        raise Refused("Paketets format för ärendenummer kan inte användas här.")
    number = origin.get("orgNumber", "")
    municipality = (
        Municipality.objects.filter(org_number=number).first() if number else None
    ) or Municipality.objects.filter(name=origin["municipality"]).first()
    if municipality is None:
        municipality = org_actions.do_create_municipality(
            origin["municipality"], number, actor=actor
        )
        if origin.get("caseNumberFormat"):
            org_actions.do_change_municipality(
                municipality, case_number_format=origin["caseNumberFormat"], actor=actor
            )
    return org_actions.do_create_authority(
        municipality, origin["authorityKind"], code, origin.get("authorityName") or code,
        actor=actor, valid_from=valid_from,
    )  # fmt: skip


def _import(
    package: Package, authority: Authority, actor: Any, active: dict[str, str] | None
) -> ImportResult:
    data = package.case
    series = None
    if data.series.lower() != authority.code.lower():
        series = Authority.objects.filter(code=data.series).first()
        if series is None or series.municipality_id != authority.municipality_id:
            raise Refused(f"Diarieserien {data.series} finns inte i kommunen här.")
        if actor is not None and not may_import(actor, series):
            raise PermissionDenied(NOT_ALLOWED)  # the series' numbers are its authority's
    if not 1 <= data.number <= MAX_NUMBER or not FIRST_YEAR <= data.year <= _next_year():
        # The series' counter moves past the number: 2147483647 would stop its
        # registrations that year.
        raise Refused(f"Ärendenumret {data.case_number} är inte ett möjligt nummer.")
    if Case.objects.numbered(data.series, data.year, data.number).exists():
        raise Refused(
            f"Ärendet {data.case_number} finns redan i installationen; paketet läses inte in."
        )
    if data.status not in CaseStatus.values:
        raise Refused(f"Ärendets status {data.status!r} finns inte i Kansli.")
    if data.status == CaseStatus.VOIDED and not data.void_reason:
        raise Refused("Ärendet är makulerat men paketet anger inget skäl.")
    if not data.title or data.opened_at is None:
        raise Refused("Ärendet saknar ärendemening eller datum då det öppnades.")
    result_notes: list[str] = []
    classification = None
    if data.classification_code:
        classification = Classification.objects.filter(
            authority=authority, code=data.classification_code
        ).first()
        if classification is None:
            result_notes.append(f"klassificeringen {data.classification_code} finns inte här")
    unit = None
    if data.unit:
        unit = Unit.objects.filter(municipality=authority.municipality, name=data.unit).first()
        if unit is None:
            result_notes.append(f"enheten {data.unit} finns inte här")
    users: dict[str, User | None] = {}  # the officer and registrars, looked up once each
    officer = _user(data.officer, authority, "handläggaren", result_notes, users)
    now = timezone.now()
    case = Case(
        authority=authority, series=series, year=data.year, number=data.number,
        title=data.title, classification=classification, unit=unit,
        access_group=default_group(authority, unit), officer=officer, status=data.status,
        opened_at=data.opened_at,
        due_date=data.due, closed_at=data.closed_at, void_reason=data.void_reason,
        external_id=data.external_id,
        last_document_number=max((d.number for d in package.documents), default=0),
    )  # fmt: skip
    case.save(force_insert=True)
    _move_counter(series or authority, data.year, data.number)
    Party.objects.bulk_create(
        Party(case=case, name=p.name, identity_number=p.identity_number, address=p.address,
              email=p.email, role=p.role, protected_identity=p.protected_identity)
        for p in data.parties
    )  # fmt: skip
    result = ImportResult(case=case, package=package.objid, notes=result_notes)
    types: dict[str, tuple[str, DocumentType | None]] = {}  # resolved once per case
    # What refuses a document, before any file is stored; the rows in one statement.
    made = [_document(case, item, types, users, result_notes, actor) for item in package.documents]
    Document.objects.bulk_create(made)
    documents = {document.number: document for document in made}
    result.documents = len(made)
    if active is None:
        active = active_content([package])[0]
    stored = _stored(package, active)
    result.files = _files(package, documents, stored, now, actor)
    for held in package.meetings:
        result.decisions += _meeting(case, held, package, documents, result_notes, actor)
    if data.related:
        result_notes.append(
            f"relaterade ärenden kopplas inte ihop ({', '.join(data.related)}); de står i paketet"
        )
    text = f"Ärendet lästes in från arkivpaketet {package.objid}."
    _timeline(case, now, "imported", text, actor)
    record(actor=actor, action="archive.imported", obj=case, label=data.case_number, after={
        "package": package.objid, "case_number": data.case_number,
        "documents": result.documents, "files": result.files, "decisions": result.decisions,
        "notes": result_notes,
    })  # fmt: skip
    search_index.index_case(case)
    return result


def _user(username: str, authority: Authority, what: str, notes: list[str],
          users: dict[str, User | None]) -> User | None:  # fmt: skip
    """The user of that name here, if they work at the authority: in another
    installation the same name may be another person, and a case's officer or a
    document's registrar reads what is secret in it (access.rules). `users`: those
    looked up already, by name."""
    if username not in users:
        users[username] = _working(username, authority)
    user = users[username]
    if username and user is None:
        notes.append(f"{what} {username} har ingen roll vid myndigheten här")
    return user


def _working(username: str, authority: Authority, day: datetime.date | None = None) -> User | None:
    """The user of that name with a role at the authority on `day` (today if None)."""
    if not username:
        return None
    held = RoleAssignment.objects.valid_on(day).filter(authority=authority)
    return User.objects.filter(username=username, roles__in=held).distinct().first()


def _move_counter(series: Authority, year: int, number: int) -> None:
    """The series' counter past the imported number (kansli.registry.numbering)."""
    CaseCounter.objects.bulk_create(
        [CaseCounter(authority=series, year=year)], ignore_conflicts=True
    )
    counter = CaseCounter.objects.select_for_update().get(authority=series, year=year)
    if counter.last_number < number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])


def _document(case: Case, item: PackageDocument,
              types: dict[str, tuple[str, DocumentType | None]],
              users: dict[str, User | None], notes: list[str], actor: Any) -> Document:  # fmt: skip
    """The document's row, not saved yet."""
    label = f"{case.case_number}-{item.number}"
    if not 1 <= item.number <= MAX_NUMBER:  # the case's next document is numbered after it
        raise Refused(f"Handling {label} har inte ett möjligt nummer.")
    if item.direction not in Direction.values:
        raise Refused(f"Handling {label}: riktningen {item.direction!r} finns inte i Kansli.")
    secrecy = None
    if item.secrecy:
        secrecy = _provision(item.secrecy, item.secrecy_title, f"Handling {label}", actor)
    if item.voided_at is not None and not item.void_reason:
        raise Refused(f"Handling {label} är makulerad men paketet anger inget skäl.")
    if item.document_type not in types:
        try:
            types[item.document_type] = document_types.resolve(
                case, item.document_type, system=True
            )
        except ValidationError:
            types[item.document_type] = (item.document_type, None)
    document_type, kind = types[item.document_type]
    registrar = _user(item.registered_by, case.authority, f"registratorn av {label},", notes, users)
    return Document(
        case=case, number=item.number, direction=item.direction,
        document_date=item.document_date, registered_at=item.registered_at,
        registered_by=registrar,
        counterpart=item.counterpart, counterpart_address=item.counterpart_address,
        counterpart_is_private=item.counterpart_is_private, description=item.description,
        document_type=document_type, kind=kind, registration_lag=item.registration_lag,
        secrecy=secrecy,
        secrecy_marked_at=(item.secrecy_marked_at or item.registered_at) if secrecy else None,
        secrecy_basis=item.secrecy_basis,
        withhold_counterpart=item.withhold_counterpart,
        withhold_description=item.withhold_description,
        voided_at=item.voided_at, void_reason=item.void_reason, external_id=item.external_id,
    )  # fmt: skip


def _files(package: Package, documents: dict[int, Document], stored: dict[str, StoredFile],
           now: datetime.datetime, actor: Any) -> int:  # fmt: skip
    """The documents' own files, every version in the package's order, each newer
    version replacing the one before it (same name, the version before); the PDF/A
    renditions made at export are left out (they are not what was registered).
    `stored`: the package's files in the store, by path (_stored). The rows of one
    version are written together, the first versions first, so that a newer one can
    point to the row it replaces; which one it replaces is found among the files
    before it in the package's order only, as if they were added one by one."""
    added: dict[int, list[tuple[int, DocumentFile]]] = {}  # document -> (place, file)
    files = [(item.number, place, packed) for item in package.documents
             for place, packed in enumerate(item.originals)]  # fmt: skip
    for version in sorted({packed.version for _number, _place, packed in files}):
        rows = []
        for number, place, packed in files:
            if packed.version == version:
                before = [file for at, file in added.get(number, []) if at < place]
                file = _file(documents[number], packed, before, stored, now, actor)
                added.setdefault(number, []).append((place, file))
                rows.append(file)
        DocumentFile.objects.bulk_create(rows)
    return len(files)


def _file(
    document: Document, packed: PackageFile, before: list[DocumentFile],
    stored: dict[str, StoredFile], now: datetime.datetime, actor: Any,
) -> DocumentFile:  # fmt: skip
    """A file's row, not saved yet: a version after the first replaces the last of the
    files `before` it of the version before, not replaced yet, preferably of its name."""
    replaces: DocumentFile | None = None
    if packed.version > 1:
        taken = {a.replaces_id for a in before}
        candidates = [f for f in before if f.version == packed.version - 1 and f.pk not in taken]
        named = [f for f in candidates if f.name == packed.name]
        if named or candidates:
            replaces = (named or candidates)[-1]
    return DocumentFile(
        document=document, stored=stored[packed.path], name=packed.name[:255] or "fil",
        version=packed.version, replaces=replaces, added_at=now, added_by=actor,
    )  # fmt: skip


def active_content(packages: list[Package]) -> list[dict[str, str]]:
    """What kansli.files.pdfactive finds in each package's PDFs (path -> findings),
    read together in batches of up to BATCH_BYTES, one sandboxed child process each,
    across packages, instead of a child per file or per package (the packages' files
    are untrusted as any upload is). A PDF over the batch size is checked alone when
    it is stored."""
    found: list[dict[str, str]] = [{} for _package in packages]
    batch: list[tuple[int, str, bytes]] = []
    size = 0

    def check() -> None:
        nonlocal batch, size
        results = checked_many([data for _number, _path, data in batch])
        for (number, path, _data), result in zip(batch, results, strict=True):
            found[number][path] = result
        batch, size = [], 0

    for number, package in enumerate(packages):
        for item in package.documents:
            for packed in item.originals:
                path = package.folder / packed.path
                if packed.size > BATCH_BYTES or not _is_pdf(path):
                    continue
                if size + packed.size > BATCH_BYTES:
                    check()
                batch.append((number, packed.path, path.read_bytes()))
                size += packed.size
    if batch:
        check()
    return found


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def _stored(package: Package, active: dict[str, str]) -> dict[str, StoredFile]:
    """Every original file of the package in the store (found there by hash, or
    written), by path, STORE_AT_ONCE at a time (kansli.files.store.store_uploads: a
    query for those there already, a statement for the rows of the rest; a refused
    file refuses the package, and the bytes of files stored before it stay, unused, as
    any upload's in a transaction that rolls back); refused unless the store's SHA-256
    of each is the package's. `active`: the PDFs' active content, as active_content
    read it."""
    originals = [packed for item in package.documents for packed in item.originals]
    stored: dict[str, StoredFile] = {}
    for start in range(0, len(originals), STORE_AT_ONCE):
        part = originals[start : start + STORE_AT_ONCE]
        with contextlib.ExitStack() as files:
            uploads = []
            for packed in part:
                path = package.folder / packed.path
                handle = files.enter_context(path.open("rb"))
                uploads.append(UploadedFile(handle, name=packed.name, size=path.stat().st_size))
            labels = [packed.path for packed in part]
            try:
                found = store_uploads(uploads, [active.get(label) for label in labels], labels)
            except ValidationError as error:
                reason = " ".join(error.messages)
                raise Refused(f"Filarkivet tar inte emot en av paketets filer: {reason}") from error
            for packed, upload, one in zip(part, uploads, found, strict=True):
                _check_stored(packed.path, packed.sha256, upload, one)
                stored[packed.path] = one
    return stored


def _check_stored(label: str, sha256: str, upload: UploadedFile, stored: StoredFile) -> None:
    """Refuse a file whose SHA-256 in the store is not the package's. One found by its
    hash must have its bytes there too (an installation restored from a database backup
    without its files gets them back from the package)."""
    if stored.sha256 != sha256:
        raise Refused(
            f"{label} har inte den kontrollsumma paketet anger (SHA-256 {sha256[:12]}…, "
            f"filen har {stored.sha256[:12]}…)."
        )
    with reaching_storage():  # an object store that does not answer: a clear error
        if not default_storage.exists(stored.storage_name):
            upload.seek(0)
            default_storage.save(stored.storage_name, File(upload))


def _provision(reference: str, title: str, label: str, actor: Any) -> SecrecyProvision:
    """The installation's provision of that reference, else added as the package names
    it (OSL 5 kap. 5 §: the marking stays) by one who may add provisions."""
    secrecy = SecrecyProvision.objects.filter(reference=reference).first()
    if secrecy is None and title:
        with contextlib.suppress(PermissionDenied):
            secrecy = do_add_secrecy_provision(reference, title, actor=actor)
    if secrecy is None:
        raise Refused(
            f"{label} är sekretessmarkerad enligt {reference}, som inte finns "
            "bland installationens sekretessbestämmelser; lägg till den först."
        )
    return secrecy


# Meetings -----------------------------------------------------------------------------


def _meeting(case: Case, held: PackageMeeting, package: Package, documents: dict[int, Document],
             notes: list[str], actor: Any) -> int:  # fmt: skip
    """The meeting, its minutes and the case's § in them; the number of § added."""
    body = _body(held, package, actor)
    day = timezone.localdate(held.starts_at)
    same_day = Meeting.objects.filter(body=body, starts_at__date=day, cancelled_at=None)
    meeting = same_day.filter(starts_at=held.starts_at).first()
    if meeting is None and same_day.count() == 1:
        meeting = same_day.get()
    if meeting is None:
        meeting = Meeting(body=body, starts_at=held.starts_at, ends_at=held.ends_at,
                          place=held.place)  # fmt: skip
        meeting.save(force_insert=True)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        minutes = _minutes(meeting, held, notes)
    elif minutes.locked_at is None:
        # KL 5 kap. 69 §: a § of approved minutes does not go into minutes still open.
        raise Refused(
            f"{held.minutes} finns här men är inte justerat; paragraferna läses inte in i "
            "ett protokoll som ännu ändras."
        )
    elif minutes.imported_at is None:
        # KL 5 kap. 69 §: minutes approved here are what was approved; a package adds
        # no § (nor signatures) to them.
        raise Refused(
            f"{held.minutes} finns här och justerades här; paragrafer ur ett paket läggs "
            "inte till i ett protokoll som justerats i installationen."
        )
    for paragraph in held.paragraphs:
        _paragraph(case, minutes, paragraph, held, documents, notes, actor)
    return len(held.paragraphs)


def _body(held: PackageMeeting, package: Package, actor: Any) -> Body:
    """The body that met, found by its authority's and committee's codes; made (with
    the authority and committee where they are missing) only by the system or a system
    administrator, as the organisation is (kansli.org.permissions)."""
    authority = Authority.objects.filter(code=held.authority).first()
    if authority is not None and actor is not None and not may_import(actor, authority):
        # The case's archivist reads in no § of another authority's body.
        raise PermissionDenied(NOT_ALLOWED)
    committee = Committee.objects.filter(code=held.committee).first() if held.committee else None
    body = Body.objects.filter(authority=authority, committee=committee).first() if (
        authority is not None and (committee is not None or not held.committee)
    ) else None  # fmt: skip
    if body is not None:
        return body
    if actor is not None and not is_sysadmin(actor):
        raise Refused(
            f"Organet {held.body} som höll sammanträdet finns inte i installationen; en "
            "systemadministratör lägger upp det först."
        )
    if authority is None:
        origin = {**package.case.origin, **held.origin}
        authority = _set_up_authority(held.authority, origin, None, actor)
    if held.committee and committee is None:
        if not CODE.fullmatch(held.committee):
            raise Refused(f"Utskottets kod {held.committee!r} är inte en kod.")
        committee = org_actions.do_create_committee(
            authority, held.committee, held.origin.get("committeeName") or held.committee,
            actor=actor,
        )  # fmt: skip
    if committee is not None and committee.authority_id != authority.pk:
        raise Refused(f"Utskottet {held.committee} hör till en annan myndighet här.")
    return meeting_actions.do_create_body(authority, committee=committee, actor=actor)


def _minutes(meeting: Meeting, held: PackageMeeting, notes: list[str]) -> Minutes:
    """The minutes as approved (justerade) then: locked at the last signature, signed
    by those of the signers who are users here (KL 5 kap. 69 §)."""
    authority, day = meeting.body.authority, timezone.localdate(held.starts_at)
    minutes = Minutes(
        meeting=meeting, approval_place=held.approval_place, approval_due=held.approval_due,
        secretary=_working(held.secretary, authority, day), locked_at=held.approved_at,
        imported_at=timezone.now(),
    )  # fmt: skip
    minutes.save(force_insert=True)
    missing = []
    for signature in held.signatures:
        user = _working(signature.username, authority, day)
        if user is None:
            missing.append(signature.name or signature.username)
            continue
        Approval.objects.create(minutes=minutes, user=user, approved_at=signature.approved_at)
        if signature.role == "justerare":
            minutes.approvers.add(user)
    if missing:
        notes.append(
            f"{held.minutes} justerades av {', '.join(missing)}, som inte är användare med "
            "roll vid myndigheten här; justeringen står i ärendets tidslinje"
        )
    return minutes


def _paragraph(case: Case, minutes: Minutes, data: PackageParagraph, held: PackageMeeting,
               documents: dict[int, Document], notes: list[str], actor: Any) -> None:  # fmt: skip
    body, meeting = minutes.meeting.body, minutes.meeting
    label = f"§ {data.number}/{data.year} i {held.minutes}"
    if not 1 <= data.number <= MAX_NUMBER or not FIRST_YEAR <= data.year <= _next_year():
        raise Refused(f"{label} är inte ett möjligt paragrafnummer.")
    if Paragraph.objects.filter(body=body, year=data.year, number=data.number).exists():
        raise Refused(f"{label} finns redan i installationen; paketet läses inte in.")
    if data.section not in Section.values or data.outcome not in Outcome.values:
        raise Refused(f"{label}: avsnittet eller utfallet finns inte i Kansli.")
    if data.appeal_route not in AppealRoute.values:
        raise Refused(f"{label}: sättet att överklaga ({data.appeal_route!r}) finns inte i Kansli.")
    for number in filter(None, [data.report, data.extract]):
        if number not in documents:
            raise Refused(f"{label} pekar på handling {number}, som inte finns i paketet.")
    secrecy = _provision(data.secrecy, data.secrecy_title, label, actor) if data.secrecy else None
    position = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting, case=case, reference=data.reference, rapporteur=data.rapporteur,
        section=data.section, position=position + 1,
        # A non-public item has only its neutral heading in the package.
        title=data.title if secrecy is None else data.public_title or NEUTRAL_HEADING,
        report=documents.get(data.report or 0), proposal=data.proposal,
        preregistered_at=data.preregistered_at, secrecy=secrecy,
        public_title=data.public_title,
    )  # fmt: skip
    item.save(force_insert=True)
    day = timezone.localdate(held.starts_at)
    paragraph = Paragraph(
        minutes=minutes, item=item, body=body, year=data.year, number=data.number,
        decision=data.decision, reasons=data.reasons, outcome=data.outcome, note=data.note,
        appeal_route=data.appeal_route, approved_at=data.approved_at,
        presiding=_working(data.presiding, body.authority, day),
        immediate_at=data.immediate_at, appealed_on=data.appealed_on,
        extract=documents.get(data.extract or 0),
    )  # fmt: skip
    paragraph.save(force_insert=True)
    for signature in data.signatures:
        user = _working(signature.username, body.authority, day)
        if user is not None:
            ParagraphApproval.objects.create(
                paragraph=paragraph, user=user, approved_at=signature.approved_at
            )
    text = decision_text(data, held, secrecy)
    _timeline(case, held.approved_at, "decision", text, actor)


def signed(signature: PackageSignature) -> str:
    """A signature as the timeline gives it: "Eva Ek (justerare, 2023-05-24 10:00)"."""
    moment = timezone.localtime(signature.approved_at)
    name = signature.name or signature.username
    return f"{name} ({signature.role}, {moment:%Y-%m-%d %H:%M})"


def decision_text(data: PackageParagraph, held: PackageMeeting,
                  secrecy: SecrecyProvision | None) -> str:  # fmt: skip
    """The decision on the case's timeline: the §, the body and meeting, the decision
    and its reasons (a non-public item's neutral heading and provision only) and who
    approved the minutes, and the § at once, when."""
    day = timezone.localdate(held.starts_at)
    text = f"Beslut § {data.number}/{data.year} ({held.body}, sammanträdet {day:%Y-%m-%d}"
    text += f", {held.place}): " if held.place else "): "
    if secrecy is not None:
        text += f"{public_heading(data.public_title, secrecy.reference)}; beslutet står i "
        text += "protokollsutdraget."
    else:
        text += data.decision or data.title
        if data.reasons:
            text += f" Skäl: {data.reasons}"
    if data.signatures:
        text += f" Paragrafen justerades omedelbart av {', '.join(map(signed, data.signatures))}."
    if held.signatures:
        text += f" Protokollet justerades av {', '.join(map(signed, held.signatures))}."
    return text + " (Inläst från arkivpaket.)"


def _timeline(case: Case, at: datetime.datetime, kind: str, text: str, actor: Any) -> None:
    TimelineEntry.objects.create(case=case, at=at, actor=actor, kind=kind, text=text)
