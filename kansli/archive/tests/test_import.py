"""`kansli archive import`: a package made by Kansli comes back into the installation
with its number, parties, documents, secrecy and every file version; a damaged package
is refused whole, with nothing of it written.

Each test builds a case through the real actions, writes its package and then moves
the original out of the way by giving it another number (a plain UPDATE of the number;
nothing else of it changes), so the package's number is free again in the same
database, as in an installation that never had the case. The import is compared field
by field with the original."""

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
from django.utils import timezone

from kansli.archive.importer import do_import_package
from kansli.archive.package import package_id, write_package
from kansli.archive.reader import Refused, read_package
from kansli.archive.testing import make_archivable_case
from kansli.audit.models import AuditEvent
from kansli.files.models import StoredFile
from kansli.meetings import actions as meetings
from kansli.meetings.testing import make_body, make_member
from kansli.org.models import Authority, ElectedPosition, Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
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


def test_a_failure_halfway_leaves_nothing(exported: Exported) -> None:
    """The secret document's provision is unknown here and the archivist may not add
    provisions: refused after the case, its parties and first document were written,
    and all of it is rolled back. The system (a move) adds it as the package names it."""
    SecrecyProvision.objects.filter(reference="OSL 21 kap. 3 §").update(reference="OSL 99 kap.")
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, exported.case.authority)])
    _refused(exported.folder, "OSL 21 kap. 3 §, som inte finns.*lägg till den först", archivist)
    result = do_import_package(exported.folder, actor=None)
    added = SecrecyProvision.objects.get(reference="OSL 21 kap. 3 §")
    assert result.case.documents.get(number=2).secrecy == added


@pytest.mark.parametrize("secret", [False, True])
def test_a_decision_at_a_meeting_comes_back_on_the_timeline(
    tmp_path: Path, settings: Any, secret: bool
) -> None:
    """The meeting itself is not restored; its decision on the case is, as a timeline
    entry with the text, the body, the § and who approved the minutes. A non-public
    item's decision leaves by its neutral heading and provision only."""
    settings.MEDIA_ROOT = str(tmp_path / "store")
    body = make_body(make_authority("BN", "Byggnadsnämnden"))
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina")
    starts = timezone.now() - datetime.timedelta(days=2)
    meeting = meetings.do_schedule_meeting(body, starts, "Sessionssalen", actor=None)
    case = make_case("Bygglov för Storåsen 1:4", authority=body.authority)
    item = meetings.do_preregister_item(
        meeting, case, title="Bygglov Storåsen", at=starts - datetime.timedelta(days=20), actor=None
    )
    if secret:
        meetings.do_set_item_secrecy(
            item, make_provision("OSL 21 kap. 3 §"), public_title="Ärende om bygglov", actor=None
        )
    minutes = meetings.do_open_minutes(meeting, approvers=[], actor=None)
    meetings.do_record_attendance(minutes, chair, "ledamot", actor=None)
    meetings.do_record_decision(minutes.paragraphs.get(), decision="Bygglov beviljas.", actor=None)
    meetings.do_approve_minutes(minutes, verified=True, at=timezone.now(), actor=chair)
    written = write_package(case, tmp_path / package_id(case), timezone.now())
    Case.objects.filter(pk=case.pk).update(number=case.number + MOVED)

    result = do_import_package(written.folder, actor=None)
    assert result.decisions == 1
    entry = result.case.timeline.get(kind="decision")
    assert "ordförande" in entry.text
    erms = (written.folder / "metadata/descriptive/erms.xml").read_text()
    if secret:
        assert "Bygglov beviljas." not in erms and "Bygglov beviljas." not in entry.text
        assert "Ärende om bygglov (icke offentligt, OSL 21 kap. 3 §)" in entry.text
    else:
        assert "Bygglov beviljas." in entry.text
    assert describe(result.case)["documents"] == describe(case)["documents"]


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
