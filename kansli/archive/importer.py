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

What the package does not carry cannot come back: the case's timeline (one entry
says the case was imported, and one per decision in the package), corrections of
registrations, who marked secrecy or voided, when files were added, links to related
cases, and the meetings themselves (agenda items, minutes, votes). A decision taken at
a meeting comes back as a timeline entry with its text, reasons, body, § and
signatories."""

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
from django.utils import timezone

from kansli.access.groups import default_group
from kansli.archive.reader import Package, PackageDecision, PackageDocument, Refused, read_package
from kansli.audit.chain import record
from kansli.files.models import StoredFile
from kansli.files.store import store_upload
from kansli.org import actions as org_actions
from kansli.org.models import Authority, Municipality, Role, RoleAssignment, Unit, User
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
    Party,
    SecrecyProvision,
    TimelineEntry,
)
from kansli.search import index as search_index

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


def do_import_package(folder: Path, *, actor: Any, package: Package | None = None) -> ImportResult:
    """Read the package in `folder` into the installation, whole or not at all.
    `package`: as kansli.archive.checks read it just before, so it is not read twice."""
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
        return _import(package, authority or _set_up_authority(package, actor), actor)


# What a package may set up: a code of letters and digits, and a case number format of
# {series}, {year} and {number} (a width of at most 9) around plain text.
CODE = re.compile(r"[A-ZÅÄÖ0-9]{1,12}")
NUMBER_FORMAT = re.compile(r"(?:[^{}]|\{(?:series|year|number)(?::0?[1-9])?\}){0,60}")


def _set_up_authority(package: Package, actor: Any) -> Authority:
    """The package's authority, in its municipality (found by organisation number or
    name, else made with the package's case number format), through org's actions."""
    origin, code = package.case.origin, package.case.authority
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
    opened = package.case.opened_at
    return org_actions.do_create_authority(
        municipality, origin["authorityKind"], code, origin.get("authorityName") or code,
        actor=actor, valid_from=opened.date() if opened else None,
    )  # fmt: skip


def _import(package: Package, authority: Authority, actor: Any) -> ImportResult:
    data = package.case
    series = None
    if data.series.lower() != authority.code.lower():
        series = Authority.objects.filter(code=data.series).first()
        if series is None:
            raise Refused(f"Diarieserien {data.series} finns inte i installationen.")
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
    officer = _user(data.officer, authority, "handläggaren", result_notes)
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
    for item in package.documents:
        document = _document(case, item, result_notes, actor)
        result.documents += 1
        result.files += _files(document, item, package.folder, now, actor)
    for decision in package.decisions:
        _timeline(case, decision.decided_at or now, "decision", _decision_text(decision), actor)
        result.decisions += 1
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


def _user(username: str, authority: Authority, what: str, notes: list[str]) -> User | None:
    """The user of that name here, if they work at the authority: in another
    installation the same name may be another person, and a case's officer or a
    document's registrar reads what is secret in it (access.rules)."""
    if not username:
        return None
    held = RoleAssignment.objects.valid_on().filter(authority=authority)
    user = User.objects.filter(username=username, roles__in=held).distinct().first()
    if user is None:
        notes.append(f"{what} {username} har ingen roll vid myndigheten här")
    return user


def _move_counter(series: Authority, year: int, number: int) -> None:
    """The series' counter past the imported number (kansli.registry.numbering)."""
    CaseCounter.objects.bulk_create(
        [CaseCounter(authority=series, year=year)], ignore_conflicts=True
    )
    counter = CaseCounter.objects.select_for_update().get(authority=series, year=year)
    if counter.last_number < number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])


def _document(case: Case, item: PackageDocument, notes: list[str], actor: Any) -> Document:
    label = f"{case.case_number}-{item.number}"
    if item.direction not in Direction.values:
        raise Refused(f"Handling {label}: riktningen {item.direction!r} finns inte i Kansli.")
    secrecy = None
    if item.secrecy:
        secrecy = SecrecyProvision.objects.filter(reference=item.secrecy).first()
        if secrecy is None and item.secrecy_title:
            # The provision as the package names it (OSL 5 kap. 5 §: the marking stays),
            # added by one who may add provisions.
            with contextlib.suppress(PermissionDenied):
                secrecy = do_add_secrecy_provision(item.secrecy, item.secrecy_title, actor=actor)
        if secrecy is None:
            raise Refused(
                f"Handling {label} är sekretessmarkerad enligt {item.secrecy}, som inte finns "
                "bland installationens sekretessbestämmelser; lägg till den först."
            )
    if item.voided_at is not None and not item.void_reason:
        raise Refused(f"Handling {label} är makulerad men paketet anger inget skäl.")
    try:
        document_type, kind = document_types.resolve(case, item.document_type, system=True)
    except ValidationError:
        document_type, kind = item.document_type, None
    document = Document(
        case=case, number=item.number, direction=item.direction,
        document_date=item.document_date, registered_at=item.registered_at,
        registered_by=_user(item.registered_by, case.authority, f"registratorn av {label},", notes),
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
    document.save(force_insert=True)
    return document


def _files(document: Document, item: PackageDocument, folder: Path, now: datetime.datetime,
           actor: Any) -> int:  # fmt: skip
    """The document's own files, every version in the package's order, each newer
    version replacing the one before it (same name, the version before); the PDF/A
    renditions made at export are left out (they are not what was registered)."""
    added: list[DocumentFile] = []
    for packed in item.originals:
        stored = _store(folder / packed.path, packed.name, packed.sha256, packed.path)
        replaces: DocumentFile | None = None
        if packed.version > 1:
            candidates = [f for f in added if f.version == packed.version - 1
                          and not any(a.replaces_id == f.pk for a in added)]  # fmt: skip
            named = [f for f in candidates if f.name == packed.name]
            if named or candidates:
                replaces = (named or candidates)[-1]
        file = DocumentFile(
            document=document, stored=stored, name=packed.name[:255] or "fil",
            version=packed.version, replaces=replaces, added_at=now, added_by=actor,
        )  # fmt: skip
        file.save(force_insert=True)
        added.append(file)
    return len(added)


def _store(path: Path, name: str, sha256: str, label: str) -> StoredFile:
    """The file's bytes in the store (found there by hash, or written), refused unless
    the store's SHA-256 is the package's."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        try:
            stored = store_upload(UploadedFile(handle, name=name, size=size))
        except ValidationError as error:
            reason = " ".join(error.messages)
            raise Refused(f"{label}: filarkivet tar inte emot filen: {reason}") from error
        if stored.sha256 != sha256:
            raise Refused(
                f"{label} har inte den kontrollsumma paketet anger (SHA-256 {sha256[:12]}…, "
                f"filen har {stored.sha256[:12]}…)."
            )
        # Found by its hash: its bytes must be there too (an installation restored from a
        # database backup without its files gets them back from the package).
        if not default_storage.exists(stored.storage_name):
            handle.seek(0)
            default_storage.save(stored.storage_name, File(handle))
    return stored


def _decision_text(decision: PackageDecision) -> str:
    head = " ".join(
        filter(None, ["Beslut", decision.paragraph, decision.body and f"({decision.body})"])
    )
    text = f"{head}: {decision.text}"
    if decision.motivation:
        text += f" Skäl: {decision.motivation}"
    if decision.signatories:
        signed = ", ".join(
            f"{name} ({role})" if role else name for name, role in decision.signatories
        )
        text += f" Justerat av {signed}."
    return text + " (Inläst från arkivpaket; sammanträdet finns inte i installationen.)"


def _timeline(case: Case, at: datetime.datetime, kind: str, text: str, actor: Any) -> None:
    TimelineEntry.objects.create(case=case, at=at, actor=actor, kind=kind, text=text)
