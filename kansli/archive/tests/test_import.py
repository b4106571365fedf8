"""`kansli archive import`: a package made by Kansli comes back into the installation
with its number, parties, documents, secrecy and every file version; a damaged package
is refused whole, with nothing of it written.

Each test builds a case through the real actions, writes its package and then moves
the original out of the way by giving it another number (a plain UPDATE of the number;
nothing else of it changes), so the package's number is free again in the same
database, as in an installation that never had the case. The import is compared field
by field with the original. A case decided at a meeting has its § moved the same way
(its number), and its meeting too (its start) where the import is to make it anew."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from kansli.archive import importer
from kansli.archive.importer import active_content, do_import_package
from kansli.archive.package import package_id, write_package
from kansli.archive.reader import Refused, read_package
from kansli.archive.testing import make_archivable_case
from kansli.audit.models import AuditEvent
from kansli.files.models import StoredFile
from kansli.meetings import actions as meetings
from kansli.meetings.models import AgendaItem, Approval, Body, Meeting, Minutes, Paragraph
from kansli.meetings.testing import make_body, make_member
from kansli.org.models import Authority, ElectedPosition, Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry import actions as registry
from kansli.registry.models import (
    Case,
    CaseCounter,
    Document,
    DocumentFile,
    Party,
    SecrecyProvision,
    TimelineEntry,
)
from kansli.registry.testing import make_case, make_provision
from kansli.search.query import search

pytestmark = pytest.mark.django_db
CLOSED = datetime.date(2023, 5, 17)
MOVED = 1000  # the original's number is moved this far out of the way


@dataclass
class Exported:
    case: Case
    folder: Path
    before: dict[str, Any]


def describe(case: Case) -> dict[str, Any]:
    """Everything the import restores, without database ids."""
    case = Case.objects.select_related("authority", "classification", "officer").get(pk=case.pk)
    files = DocumentFile.objects.filter(document__case=case).select_related("stored", "replaces")
    return {
        "case": {
            "number": case.case_number, "authority": case.authority.code, "title": case.title,
            "status": case.status,
            # The case's opening is only in ERMS's dates, which are given to the second.
            "opened_at": case.opened_at.replace(microsecond=0), "closed_at": case.closed_at,
            "due": case.due_date, "void_reason": case.void_reason,
            "last_document_number": case.last_document_number,
        },
        "parties": [
            (p.name, p.identity_number, p.address, p.email, p.role, p.protected_identity)
            for p in case.parties.order_by("pk")
        ],
        "documents": [
            {
                "number": d.number, "description": d.description, "direction": d.direction,
                "document_date": d.document_date, "registered_at": d.registered_at,
                "registered_by": d.registered_by_id, "counterpart": d.counterpart,
                "counterpart_address": d.counterpart_address,
                "counterpart_is_private": d.counterpart_is_private,
                "document_type": d.document_type, "registration_lag": d.registration_lag,
                "secrecy": d.secrecy.reference if d.secrecy else None,
                "secrecy_marked_at": d.secrecy_marked_at,
                "withhold_counterpart": d.withhold_counterpart,
                "withhold_description": d.withhold_description,
                "voided_at": d.voided_at, "void_reason": d.void_reason,
                "files": sorted(
                    (f.name, f.version, f.stored.sha256, f.replaces.version if f.replaces else None)
                    for f in files if f.document_id == d.pk
                ),
            }
            for d in case.documents.select_related("secrecy").order_by("number")
        ],
    }  # fmt: skip


def counts() -> dict[str, int]:
    models: list[Any] = [Case, Document, DocumentFile, StoredFile, Party, TimelineEntry,
                         AuditEvent]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models} | {
        "counter": sum(CaseCounter.objects.values_list("last_number", flat=True))
    }


@pytest.fixture
def exported(tmp_path: Path, settings: Any) -> Exported:
    settings.MEDIA_ROOT = str(tmp_path / "store")
    case = make_archivable_case(make_authority("BN", "Byggnadsnämnden"), CLOSED)
    written = write_package(case, tmp_path / "paket" / package_id(case), timezone.now())
    before = describe(case)
    Case.objects.filter(pk=case.pk).update(number=case.number + MOVED)
    return Exported(case, written.folder, before)


def archivist(case: Case) -> Any:
    return make_user("arkivarie", roles=[(Role.ARCHIVIST, case.authority)])


def test_a_package_comes_back_whole_with_its_number(
    exported: Exported, tmp_path: Path, settings: Any
) -> None:
    # An installation whose store never had these bytes: the import writes them there.
    settings.MEDIA_ROOT = str(tmp_path / "another-store")
    user = archivist(exported.case)
    result = do_import_package(exported.folder, actor=user)

    imported = result.case
    assert imported.pk != exported.case.pk
    assert describe(imported) == exported.before
    assert imported.case_number == exported.before["case"]["number"]
    # The parties, with the protected identity and its address.
    protected = imported.parties.get(protected_identity=True)
    assert (protected.name, protected.address) == ("Sara Skyddad", "Hemliga vägen 1, 123 45 Ort")
    # Three originals: the drawing in two versions (åäö kept) and the letter; the PDF/A
    # rendition made at export is not one of the document's files.
    files = DocumentFile.objects.filter(document__case=imported)
    assert result.files == files.count() == 3
    assert not files.filter(name__endswith=".txt.pdf").exists()
    second = files.get(name="Ritning åäö.pdf", version=2)
    assert second.replaces is not None and second.replaces.version == 1
    assert second.replaces.name == "Ritning åäö.pdf"
    for file in files.select_related("stored"):
        with file.stored.open() as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == file.stored.sha256

    event = AuditEvent.objects.get(action="archive.imported")
    assert event.actor_id == user.pk and event.object_id == str(imported.pk)
    assert imported.timeline.filter(kind="imported").exists()
    # Found by search like any registered case.
    hits = search(make_sysadmin(), "Åsbacken").hits
    assert imported.pk in {getattr(hit, "case_id", hit.pk) for hit in hits}

    # The series' counter is past the imported number: the next case gets another.
    counter = CaseCounter.objects.get(authority=imported.authority, year=imported.year)
    assert counter.last_number >= imported.number
    opened = imported.opened_at + datetime.timedelta(days=1)  # a later case the same year
    later = make_case("Nytt ärende", authority=imported.authority, opened_at=opened)
    assert later.year == imported.year and later.number > imported.number

    # The same package again: the number is taken.
    with pytest.raises(Refused, match="finns redan"):
        do_import_package(exported.folder, actor=user)


def test_only_the_archivist_imports(exported: Exported) -> None:
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, exported.case.authority)])
    before = counts()
    with pytest.raises(PermissionDenied):
        do_import_package(exported.folder, actor=registrar)
    assert counts() == before


def _refused(folder: Path, match: str, actor: Any = None) -> None:
    before = counts()
    with pytest.raises(Refused, match=match):
        do_import_package(folder, actor=actor)
    assert counts() == before


def test_pdfs_read_together_across_packages_give_each_package_its_own(
    exported: Exported, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = read_package(exported.folder)
    pdfs = {f.path: f.size for d in package.documents for f in d.originals
            if (exported.folder / f.path).read_bytes().startswith(b"%PDF-")}  # fmt: skip
    assert len(pdfs) >= 2
    alone = active_content([package])[0]
    assert set(alone) == set(pdfs)
    assert active_content([package, package]) == [alone, alone]
    # Batches cut anywhere, here after every PDF, give the same.
    monkeypatch.setattr(importer, "BATCH_BYTES", max(pdfs.values()))
    assert active_content([package, package]) == [alone, alone]


def test_a_corrupted_file_is_refused(exported: Exported) -> None:
    data = next((exported.folder / "representations").rglob("01-v1-*.pdf"))
    content = bytearray(data.read_bytes())
    content[20] ^= 0x01  # one bit, same size
    data.write_bytes(bytes(content))
    _refused(exported.folder, f"{re.escape(data.name)} har inte den kontrollsumma")


def test_a_broken_mets_is_refused(exported: Exported) -> None:
    mets = exported.folder / "METS.xml"
    mets.write_bytes(mets.read_bytes()[:-200])
    _refused(exported.folder, "METS.xml är inte välformad XML")


def test_a_mets_with_a_wrong_checksum_is_refused(exported: Exported) -> None:
    """The representation's METS lists a wrong SHA-256 for a data file, and the root
    METS is made to agree with that METS, so only the data file's checksum is wrong."""
    rep = exported.folder / "representations" / "rep1" / "METS.xml"
    text = rep.read_text()
    sha256 = re.search(r'CHECKSUM="([0-9a-f]{64})"', text)
    assert sha256 is not None
    rep.write_text(text.replace(sha256.group(1), "0" * 64, 1))
    new = rep.read_bytes()
    root = exported.folder / "METS.xml"
    old_sha = hashlib.sha256(text.encode()).hexdigest()
    root.write_text(
        root.read_text()
        .replace(old_sha, hashlib.sha256(new).hexdigest())
        .replace(f'SIZE="{len(text.encode())}"', f'SIZE="{len(new)}"')
    )
    read_package_error = "har inte den kontrollsumma som representations/rep1/METS.xml anger"
    _refused(exported.folder, read_package_error)


def test_an_unlisted_or_escaping_file_is_refused(exported: Exported, tmp_path: Path) -> None:
    extra = exported.folder / "representations" / "rep1" / "data" / "0001" / "smuggled.pdf"
    extra.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(Refused, match=r"smuggled\.pdf finns i paketet men är inte listad"):
        read_package(exported.folder)
    extra.unlink()
    outside = tmp_path / "outside.txt"
    outside.write_text("hemligt")
    link = exported.folder / "documentation" / "link.txt"
    link.symlink_to(outside)
    with pytest.raises(Refused, match="symbolisk länk"):
        read_package(exported.folder)
    link.unlink()
    root = exported.folder / "METS.xml"
    root.write_text(
        root.read_text().replace('href="documentation/', 'href="../paket/documentation/', 1)
    )
    with pytest.raises(Refused, match="pekar utanför paketet"):
        read_package(exported.folder)


def test_a_failure_halfway_leaves_nothing(
    exported: Exported, settings: Any, tmp_path: Path
) -> None:
    """The secret document's provision is unknown here and the archivist may not add
    provisions: refused after the case, its parties and first document were written,
    and all of it is rolled back; no file was stored (the documents are checked
    before). The system (a move) adds it as the package names it."""
    SecrecyProvision.objects.filter(reference="OSL 21 kap. 3 §").update(reference="OSL 99 kap.")
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, exported.case.authority)])
    settings.MEDIA_ROOT = tmp_path / "tom"
    _refused(exported.folder, "OSL 21 kap. 3 §, som inte finns.*lägg till den först", archivist)
    assert not [path for path in (tmp_path / "tom").rglob("*") if path.is_file()]
    result = do_import_package(exported.folder, actor=None)
    added = SecrecyProvision.objects.get(reference="OSL 21 kap. 3 §")
    assert result.case.documents.get(number=2).secrecy == added


@dataclass
class Decided:
    """A case decided at a meeting, its package, and its § as they were."""

    case: Case
    paragraph: Paragraph
    folder: Path
    before: list[dict[str, Any]]
    chair: Any
    approver: Any


def meetings_of(case: Case) -> list[dict[str, Any]]:
    """The case's § with their meeting, minutes, signatures and agenda item, without
    the database ids of what the import makes (the people and documents by id or
    number: they are the same ones here)."""
    paragraphs = (
        Paragraph.objects.filter(item__case=case)
        .select_related("minutes__meeting", "item__report", "extract")
        .order_by("year", "number")
    )
    return [
        {
            "meeting": (p.minutes.meeting.body_id, p.minutes.meeting.starts_at,
                        p.minutes.meeting.ends_at, p.minutes.meeting.place),
            "minutes": (p.minutes.locked_at, p.minutes.approval_place, p.minutes.approval_due,
                        p.minutes.secretary_id, sorted(u.pk for u in p.minutes.approvers.all())),
            "approvals": sorted((a.user_id, a.approved_at) for a in p.minutes.approvals.all()),
            "item": (p.item.title, p.item.public_title, p.item.secrecy_id, p.item.section,
                     p.item.proposal, p.item.rapporteur, p.item.preregistered_at,
                     p.item.report.number if p.item.report else None),
            "paragraph": (p.body_id, p.year, p.number, p.decision, p.reasons, p.outcome,
                          p.note, p.appeal_route, p.presiding_id),
            "extract": p.extract.number if p.extract else None,
        }
        for p in paragraphs
    ]  # fmt: skip


def meeting_counts() -> dict[str, int]:
    models: list[Any] = [Meeting, Minutes, AgendaItem, Paragraph, Approval, Body]
    return counts() | {model.__name__: model.objects.count() for model in models}


def decide(tmp_path: Path, secret: bool = False) -> Decided:
    """A building permit decided at the board's meeting two days ago, approved by the
    chair and one approver, its package written (the minutes extract is in it)."""
    body = make_body(make_authority("BN", "Byggnadsnämnden"))
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek")
    approver = make_member(body, first_name="Jonas", last_name="Åberg")
    starts = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)
    meeting = meetings.do_schedule_meeting(body, starts, "Sessionssalen", actor=None)
    case = make_case("Bygglov för Storåsen 1:4", authority=body.authority)
    report = registry.do_register_document(
        case, "upprattad", starts.date() - datetime.timedelta(days=21), "Tjänsteskrivelse",
        actor=None,
    )  # fmt: skip
    item = meetings.do_preregister_item(
        meeting, case, title="Bygglov Storåsen", proposal="Bygglov beviljas.", report=report,
        rapporteur="Bo Handläggare", at=starts - datetime.timedelta(days=20), actor=None,
    )  # fmt: skip
    if secret:
        meetings.do_set_item_secrecy(
            item, make_provision("OSL 21 kap. 3 §"), public_title="Ärende om bygglov", actor=None
        )
    minutes = meetings.do_open_minutes(
        meeting, approvers=[approver], approval_place="Stadshuset", actor=None
    )
    meetings.do_record_attendance(minutes, chair, "ledamot", actor=None)
    meetings.do_record_attendance(minutes, approver, "ledamot", actor=None)
    paragraph = minutes.paragraphs.get()
    meetings.do_record_decision(
        paragraph, decision="Bygglov beviljas.", reasons="Åtgärden följer detaljplanen.",
        actor=None,
    )  # fmt: skip
    approved = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    for person in (chair, approver):
        meetings.do_approve_minutes(minutes, verified=True, at=approved, actor=person)
    paragraph.refresh_from_db()
    assert paragraph.extract is not None  # the minutes extract, registered in the case
    written = write_package(case, tmp_path / package_id(case), timezone.now())
    before = meetings_of(case)
    Case.objects.filter(pk=case.pk).update(number=case.number + MOVED)
    return Decided(case, paragraph, written.folder, before, chair, approver)


@pytest.fixture
def decided(tmp_path: Path, settings: Any) -> Decided:
    settings.MEDIA_ROOT = str(tmp_path / "store")
    return decide(tmp_path)


def test_a_decision_is_never_added_to_minutes_approved_here(decided: Decided) -> None:
    """The meeting is found where it was held (same body, same start), but its minutes
    were approved here: what was approved is what they hold (KL 5 kap. 69 §; a later
    change is a correction of its own), so a package adds no § or signature to them and
    is refused whole. Only minutes read in from a package take another package's §."""
    Paragraph.objects.filter(pk=decided.paragraph.pk).update(number=F("number") + MOVED)
    before = meeting_counts()
    cases = Case.objects.count()

    with pytest.raises(Refused, match="justerades här"):
        do_import_package(decided.folder, actor=None)

    assert meeting_counts() == before and Case.objects.count() == cases


@pytest.mark.parametrize("secret", [False, True])
def test_a_meeting_not_here_is_made_with_its_approval(
    tmp_path: Path, settings: Any, secret: bool
) -> None:
    """In an installation without the meeting, it is made with its minutes locked as
    approved, the chair's and the approver's signatures (they are users with a role at
    the authority here), the § and the item. A non-public item comes back by its
    neutral heading and provision only, as the package carries it."""
    settings.MEDIA_ROOT = str(tmp_path / "store")
    decided = decide(tmp_path, secret=secret)
    original = decided.paragraph.minutes.meeting
    week = datetime.timedelta(days=7)
    Meeting.objects.filter(pk=original.pk).update(starts_at=F("starts_at") - week)
    Paragraph.objects.filter(pk=decided.paragraph.pk).update(number=F("number") + MOVED)
    result = do_import_package(decided.folder, actor=None)

    meeting = Meeting.objects.get(items__case=result.case)
    assert meeting.pk != original.pk
    imported = meetings_of(result.case)
    expected = decided.before
    if secret:
        provision = SecrecyProvision.objects.get(reference="OSL 21 kap. 3 §")
        item = ("Ärende om bygglov", "Ärende om bygglov", provision.pk, "beslut", "", "",
                *expected[0]["item"][6:])  # fmt: skip
        paragraph = (*expected[0]["paragraph"][:3], "", "", *expected[0]["paragraph"][5:])
        expected = [expected[0] | {"item": item, "paragraph": paragraph}]
    assert imported == expected
    minutes = meeting.minutes
    assert {a.user for a in minutes.approvals.all()} == {decided.chair, decided.approver}
    assert list(minutes.approvers.all()) == [decided.approver]

    entry = result.case.timeline.get(kind="decision")
    assert "Carina Ek (ordförande, " in entry.text and "Jonas Åberg (justerare, " in entry.text
    erms = (decided.folder / "metadata/descriptive/erms.xml").read_text()
    for text in ["Bygglov beviljas.", "Åtgärden följer detaljplanen", "Bygglov Storåsen"]:
        assert (text in erms) is not secret, text
        assert (text in entry.text) is (not secret and text != "Bygglov Storåsen")
    if secret:
        heading = "Ärende om bygglov (OSL 21 kap. 3 §); beslutet står i protokollsutdraget"
        assert heading in entry.text


def test_signers_who_are_not_users_here_are_kept_on_the_timeline(decided: Decided) -> None:
    """A signer without a role at the authority here (another installation's user)
    signs nothing here; the note and the timeline name them, with the time."""
    Paragraph.objects.filter(pk=decided.paragraph.pk).update(number=F("number") + MOVED)
    Meeting.objects.filter(pk=decided.paragraph.minutes.meeting_id).update(
        starts_at=F("starts_at") - datetime.timedelta(days=7)
    )
    package = read_package(decided.folder)
    held = package.meetings[0]
    strangers = [dataclasses.replace(s, username=f"annan-{s.username}") for s in held.signatures]
    held = dataclasses.replace(held, signatures=strangers)
    package = dataclasses.replace(package, meetings=[held])
    result = do_import_package(decided.folder, actor=None, package=package)

    minutes = Minutes.objects.get(meeting__items__case=result.case)
    assert minutes.locked_at == held.approved_at and not minutes.approvals.exists()
    assert any("Carina Ek, Jonas Åberg, som inte är användare" in n for n in result.notes)
    entry = result.case.timeline.get(kind="decision")
    assert "Protokollet justerades av Carina Ek (ordförande, " in entry.text


def test_a_paragraph_number_taken_refuses_the_package(decided: Decided) -> None:
    """§ numbers run without gaps per body and year: a package whose § is another
    case's here is refused whole, nothing of it written (the minutes as if read in
    from a package before: only those take a package's §)."""
    Minutes.objects.filter(pk=decided.paragraph.minutes_id).update(imported_at=timezone.now())
    before = meeting_counts()
    with pytest.raises(Refused, match=r"§ \d+/\d{4} i Protokoll BN .* finns redan"):
        do_import_package(decided.folder, actor=None)
    assert meeting_counts() == before


def test_open_minutes_here_refuse_the_package(decided: Decided) -> None:
    """The meeting is here but its minutes are not approved: an approved § is not put
    into minutes that can still change."""
    Paragraph.objects.filter(pk=decided.paragraph.pk).update(number=F("number") + MOVED)
    Minutes.objects.filter(pk=decided.paragraph.minutes_id).update(locked_at=None)
    before = meeting_counts()
    with pytest.raises(Refused, match="inte justerat"):
        do_import_package(decided.folder, actor=None)
    assert meeting_counts() == before


def test_a_body_not_here_is_set_up_only_by_the_system(decided: Decided) -> None:
    """The meeting of a committee (utskott) the installation does not have: the
    archivist's import is refused whole; the system's (a move) sets the committee and
    its body up."""
    Paragraph.objects.filter(pk=decided.paragraph.pk).update(number=F("number") + MOVED)
    package = read_package(decided.folder)
    origin = package.meetings[0].origin | {"committeeName": "Byggnadsnämndens arbetsutskott"}
    held = dataclasses.replace(package.meetings[0], committee="BNAU", origin=origin)
    package = dataclasses.replace(package, meetings=[held])
    user = archivist(decided.case)
    before = meeting_counts()
    with pytest.raises(Refused, match=r"Organet .* finns inte"):
        do_import_package(decided.folder, actor=user, package=package)
    assert meeting_counts() == before

    result = do_import_package(decided.folder, actor=None, package=package)
    body = Body.objects.get(committee__code="BNAU")
    assert body.authority == result.case.authority
    assert body.committee is not None and body.committee.name == "Byggnadsnämndens arbetsutskott"
    assert Paragraph.objects.get(item__case=result.case).body == body


def test_a_username_links_only_someone_who_works_at_the_authority(exported: Exported) -> None:
    """In another installation "anna" may be another person; a case's officer reads
    its secrets, so she is linked only if she holds a role at the authority."""
    make_user("anna")  # a namesake with no role here
    package = read_package(exported.folder)
    package = dataclasses.replace(package, case=dataclasses.replace(package.case, officer="anna"))
    result = do_import_package(exported.folder, actor=None, package=package)
    assert result.case.officer is None
    assert any("anna har ingen roll" in note for note in result.notes)


@pytest.mark.parametrize(
    ("code", "number_format"),
    [("../X", "{series} {year}/{number}"), ("BX", "{number:>999999999}")],
)
def test_an_authority_is_set_up_only_from_a_plain_code_and_format(
    exported: Exported, code: str, number_format: str
) -> None:
    package = read_package(exported.folder)
    origin = {**package.case.origin, "caseNumberFormat": number_format}
    case = dataclasses.replace(package.case, authority=code, series=code, origin=origin)
    before = counts()
    with pytest.raises(Refused):
        do_import_package(
            exported.folder, actor=None, package=dataclasses.replace(package, case=case)
        )
    assert counts() == before
    assert not Authority.objects.filter(code__in=[code, code.upper()]).exists()


def _edit_erms(folder: Path, old: str, new: str) -> None:
    """Change the package's ERMS and give METS its new SHA-256 and size, as a package
    made by hand (or by another system) would be: only the contents are wrong."""
    from lxml import etree

    erms = folder / "metadata" / "descriptive" / "erms.xml"
    text = erms.read_text(encoding="utf-8")
    assert old in text
    erms.write_text(text.replace(old, new), encoding="utf-8")
    mets = etree.parse(str(folder / "METS.xml"))
    ref = mets.find(".//{http://www.loc.gov/METS/}mdRef[@OTHERMDTYPE='ERMS']")
    assert ref is not None
    ref.set("CHECKSUM", hashlib.sha256(erms.read_bytes()).hexdigest().upper())
    ref.set("SIZE", str(erms.stat().st_size))
    mets.write(str(folder / "METS.xml"), xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Kansli's addition says the document is public; the ERMS restriction, secret.
        ('secrecy="OSL 21 kap. 3 §"', 'secrecy=""'),
        # Kansli's addition says the party is not protected; the ERMS agent, protected.
        ('protectedIdentity="true"', 'protectedIdentity="false"'),
    ],
)
def test_a_package_whose_additions_are_laxer_than_its_erms_is_refused(
    exported: Exported, old: str, new: str
) -> None:
    """A package that contradicts itself on secrecy or protected identity is refused:
    the import never takes the laxer of the two (OSL 5 kap. 5 §, 21 kap. 3 §)."""
    _edit_erms(exported.folder, old, new)
    before = counts()
    with pytest.raises(Refused, match="motsäger sig självt"):
        do_import_package(exported.folder, actor=None)
    assert counts() == before


def test_a_file_whose_size_in_erms_is_not_its_own_is_refused(exported: Exported) -> None:
    """The size decides how a file is read (whole, with others, for active content):
    one that is not the file's is refused, not believed."""
    package = read_package(exported.folder)
    packed = package.documents[0].files[0]
    _edit_erms(exported.folder, f'size="{packed.size}"', 'size="1"')
    with pytest.raises(Refused, match="är inte filens"):
        read_package(exported.folder)


def test_the_meetings_authority_must_be_the_archivists_too(decided: Decided) -> None:
    """The case's archivist adds no § to the minutes of another authority's body."""
    Paragraph.objects.filter(pk=decided.paragraph.pk).update(number=F("number") + MOVED)
    other = make_body(make_authority("KS", "Kommunstyrelsen"))
    package = read_package(decided.folder)
    held = dataclasses.replace(package.meetings[0], authority=other.authority.code)
    package = dataclasses.replace(package, meetings=[held])
    user = archivist(decided.case)
    before = meeting_counts()
    with pytest.raises(PermissionDenied):
        do_import_package(decided.folder, actor=user, package=package)
    assert meeting_counts() == before


@pytest.mark.parametrize(
    ("change", "error"),
    [({"series": "KS"}, PermissionDenied), ({"number": 2**31 - 1}, Refused),
     ({"number": 0}, Refused), ({"year": 3000}, Refused)],
)  # fmt: skip
def test_a_package_takes_no_other_series_and_no_impossible_number(
    exported: Exported, change: dict[str, Any], error: type[Exception]
) -> None:
    """Another authority's series is numbered by it (its archivist imports into it),
    and a number past any real one would move the series' counter beyond use."""
    make_authority("KS", "Kommunstyrelsen")
    package = read_package(exported.folder)
    package = dataclasses.replace(package, case=dataclasses.replace(package.case, **change))
    user = archivist(exported.case)
    before = counts()
    with pytest.raises(error):
        do_import_package(exported.folder, actor=user, package=package)
    assert counts() == before


def test_the_erms_checked_is_the_one_the_import_reads(exported: Exported) -> None:
    """METS may point its ERMS mdRef at another file than erms.xml: that file is the
    one read, so it is the one checked against the schema (a valid erms.xml beside it
    once passed for it)."""
    from lxml import etree

    from kansli.archive.checks import check_package

    descriptive = exported.folder / "metadata" / "descriptive"
    text = (descriptive / "erms.xml").read_text(encoding="utf-8")
    other = descriptive / "annan.xml"
    other.write_text(text.replace("<control>", "<okänd/><control>", 1), encoding="utf-8")
    assert other.read_bytes() != (descriptive / "erms.xml").read_bytes()
    mets = etree.parse(str(exported.folder / "METS.xml"))
    ref = mets.find(".//{http://www.loc.gov/METS/}mdRef[@OTHERMDTYPE='ERMS']")
    assert ref is not None
    ref.set("{http://www.w3.org/1999/xlink}href", "metadata/descriptive/annan.xml")
    ref.set("CHECKSUM", hashlib.sha256(other.read_bytes()).hexdigest().upper())
    ref.set("SIZE", str(other.stat().st_size))
    mets.write(str(exported.folder / "METS.xml"), xml_declaration=True, encoding="UTF-8")

    report = check_package(exported.folder, with_eark=False)

    assert report.read is not None and report.read.erms_path.endswith("annan.xml")
    assert any(f.check.startswith("ERMS") for f in report.findings), report.lines()


def test_a_document_number_no_case_reaches_is_refused(exported: Exported) -> None:
    """The case's next document is numbered after the highest imported one: a number of
    2147483647 would stop every registration in the case."""
    package = read_package(exported.folder)
    last = dataclasses.replace(package.documents[-1], number=2**31 - 1)
    package = dataclasses.replace(package, documents=[*package.documents[:-1], last])
    before = counts()
    with pytest.raises(Refused, match="inte ett möjligt nummer"):
        do_import_package(exported.folder, actor=None, package=package)
    assert counts() == before
