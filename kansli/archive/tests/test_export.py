import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from lxml import etree

from kansli.archive import actions
from kansli.archive.checks import check_package
from kansli.archive.erms import ERMS_NS, KANSLI_NS
from kansli.archive.export import RECEIPT, WORKING, export_cases, receipt_lines
from kansli.archive.models import Transfer
from kansli.archive.package import DamagedFile, package_id, write_package
from kansli.archive.reader import Refused, read_package, sha256_of
from kansli.archive.testing import make_archivable_case
from kansli.audit.models import AuditEvent
from kansli.files.models import StoredFile
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.models import Case
from kansli.retention.holds import do_place_hold

pytestmark = pytest.mark.django_db
CLOSED = datetime.date(2023, 5, 17)
NS = {"e": ERMS_NS, "k": KANSLI_NS}


@pytest.fixture
def case() -> Case:
    return make_archivable_case(make_authority("BN", "Byggnadsnämnden"), CLOSED)


def test_a_package_carries_the_case_and_passes_every_check(case: Case, tmp_path: Path) -> None:
    written = write_package(case, tmp_path / package_id(case), timezone.now())
    report = check_package(written.folder)
    assert report.ok, report.lines()
    # eark-validator's known false positives are set aside, and named.
    assert {f.rule for f in report.ignored} <= {"CSIP12", "CSIP13", "CSIP16", "CSIP63", "SIP14"}

    erms = etree.parse(str(written.folder / "metadata/descriptive/erms.xml"))
    assert (
        erms.findtext("e:aggregations/e:aggregation/e:objectId", namespaces=NS) == case.case_number
    )
    protected = erms.xpath(
        "//e:agent[e:name='Sara Skyddad']/e:protectedIdentity/text()", namespaces=NS
    )
    assert protected == ["true"]
    assert erms.xpath(
        "//e:record[e:runningNumber='2']/e:restriction/e:regulation/text()", namespaces=NS
    ) == ["OSL 21 kap. 3 §"]
    assert erms.xpath("//e:record[e:runningNumber='3']/e:status/@value", namespaces=NS) == [
        "obliterated"
    ]
    # Both versions of the drawing, under ASCII paths, with the registered name kept.
    files = erms.xpath("//k:file", namespaces=NS)
    drawings = [f for f in files if f.get("name") == "Ritning åäö.pdf"]
    assert sorted(f.get("version") for f in drawings) == ["1", "2"]
    assert all(f.get("path").isascii() for f in files)
    # The text document has a PDF/A-2b rendition beside it.
    rendition = next(f for f in files if f.get("renditionOf"))
    pdf = (written.folder / rendition.get("path")).read_bytes()
    assert pdf.startswith(b"%PDF") and b"<pdfaid:part>2</pdfaid:part>" in pdf
    assert (
        written.folder / rendition.get("renditionOf")
    ).read_bytes() == b"Jag har inget att invanda.\n"


def test_the_hashes_taken_while_writing_are_the_files_and_stand_only_for_them(
    case: Case, tmp_path: Path
) -> None:
    written = write_package(case, tmp_path / package_id(case), timezone.now())
    # Every file but the root METS (which lists them) was hashed as it was written.
    files = {p.relative_to(written.folder).as_posix() for p in written.folder.rglob("*")
             if p.is_file()}  # fmt: skip
    assert set(written.hashed) == files - {"METS.xml"}
    for path, hashed in written.hashed.items():
        assert sha256_of(written.folder / path) == hashed
    assert written.size == sum((written.folder / path).stat().st_size for path in files)
    assert read_package(written.folder, written.hashed).files == len(written.hashed)
    # A file that no longer has the size it was written with is read again, and refused.
    drawing = next(p for p in written.hashed if p.endswith(".pdf") and "/data/" in p)
    (written.folder / drawing).write_bytes(b"%PDF-1.4 annan\n")
    with pytest.raises(Refused, match="har storleken"):
        read_package(written.folder, written.hashed)


def test_a_file_whose_bytes_changed_in_the_store_stops_the_package(
    case: Case, tmp_path: Path
) -> None:
    from django.core.files.storage import default_storage

    stored = StoredFile.objects.filter(documents__document__case=case).first()
    assert stored is not None
    with default_storage.open(stored.storage_name, "wb") as handle:
        handle.write(b"manipulated")
    with pytest.raises(DamagedFile, match="kontrollsumma"):
        write_package(case, tmp_path / "x", timezone.now())


def test_the_export_goes_on_after_a_crash_and_leaves_held_cases(tmp_path: Path) -> None:
    authority = make_authority("BN", "Byggnadsnämnden")
    cases = [make_archivable_case(authority, CLOSED, f"Ärende {n}") for n in range(3)]
    do_place_hold(authority, "Tvist i domstol", cases=[cases[2]], actor=None)
    first = export_cases(authority, datetime.date(2024, 1, 1), tmp_path)
    assert len(first.written) == 2 and first.held == [cases[2].case_number]

    # A crash after the second package was written, before its line in the receipt.
    receipt = tmp_path / RECEIPT
    receipt.write_text("".join(receipt.read_text().splitlines(keepends=True)[:-1]))
    (tmp_path / WORKING / "half").mkdir(parents=True)
    again = export_cases(authority, datetime.date(2024, 1, 1), tmp_path)
    assert len(again.kept) == 1 and len(again.written) == 1
    assert sorted(row[1] for row in receipt_lines(tmp_path)) == sorted(
        c.case_number for c in cases[:2]
    )


def test_the_command_exports_validates_and_finds_a_corrupted_file(
    case: Case, tmp_path: Path
) -> None:
    out = StringIO()
    call_command("archive", "export", "--authority", "BN", "--closed-before", "2024-01-01",
                 "--out", str(tmp_path), stdout=out)  # fmt: skip
    assert "1 paket" in out.getvalue() and "1/1 ärenden" in out.getvalue()
    transfer = Transfer.objects.get()
    assert transfer.status == Transfer.Status.EXPORTED and transfer.cases.get().case == case
    assert AuditEvent.objects.filter(action="archive.exported").exists()

    out = StringIO()
    call_command("archive", "validate", str(tmp_path), stdout=out)
    assert "godkänt" in out.getvalue()
    package = tmp_path / package_id(case)
    data = next(p for p in (package / "representations").rglob("*.pdf"))
    data.write_bytes(data.read_bytes() + b"x")
    out = StringIO()
    with pytest.raises(CommandError, match="1 paket underkända"):
        call_command("archive", "validate", str(package), stdout=out)
    assert "underkänt" in out.getvalue() and data.name in out.getvalue()


def test_only_the_archivist_transfers_and_registers_the_receipt(case: Case, tmp_path: Path) -> None:
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, case.authority)])
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, case.authority)])
    with pytest.raises(PermissionDenied):
        actions.do_start_transfer(case.authority, CLOSED, tmp_path, actor=registrar)
    transfer = actions.do_start_transfer(
        case.authority, datetime.date(2024, 1, 1), tmp_path, actor=archivist
    )
    with pytest.raises(ValidationError):  # not exported yet
        actions.do_register_receipt(transfer, "EA-2024-17", timezone.localdate(), actor=archivist)
    transfer = actions.do_export_transfer(transfer, actor=archivist)
    with pytest.raises(PermissionDenied):
        actions.do_register_receipt(transfer, "EA-2024-17", timezone.localdate(), actor=registrar)
    with pytest.raises(ValidationError, match="mellan"):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        actions.do_register_receipt(transfer, "EA-2024-17", tomorrow, actor=archivist)
    transfer = actions.do_register_receipt(
        transfer, " EA-2024-17 ", timezone.localdate(), actor=archivist
    )
    assert (
        transfer.status == Transfer.Status.RECEIVED and transfer.receipt_reference == "EA-2024-17"
    )
    event = AuditEvent.objects.get(action="archive.receipt_registered")
    assert event.actor_id == archivist.pk


def test_an_erms_with_a_doctype_is_refused_before_saxon_reads_it(
    case: Case, tmp_path: Path
) -> None:
    """XXE: a DTD could make a parser fetch a file or an address; none is read."""
    written = write_package(case, tmp_path / package_id(case), timezone.now())
    erms = written.folder / "metadata/descriptive/erms.xml"
    text = erms.read_text().replace(
        "<erms ", '<!DOCTYPE erms SYSTEM "http://127.0.0.1:9/x.dtd">\n<erms ', 1
    )
    erms.write_text(text)
    from kansli.archive.erms_check import check_erms

    assert [f.rule for f in check_erms(erms)] == ["DOCTYPE"]


def test_a_withheld_description_has_a_public_title_beside_it(case: Case, tmp_path: Path) -> None:
    from kansli.registry import actions as registry
    from kansli.registry.testing import make_provision

    letter = case.documents.get(number=2)
    registry.do_mark_secrecy(letter, make_provision("OSL 21 kap. 3 §"), withhold_counterpart=True,
                             withhold_description=True, actor=None)  # fmt: skip
    written = write_package(case, tmp_path / package_id(case), timezone.now())
    erms = etree.parse(str(written.folder / "metadata/descriptive/erms.xml"))
    public = erms.xpath("//e:record[e:runningNumber='2']/e:otherTitle[@titleType='public']/text()",
                        namespaces=NS)  # fmt: skip
    assert public == ["Uppgiften undanhålls"]
    assert not erms.xpath("//e:record[e:runningNumber='1']/e:otherTitle", namespaces=NS)
    from kansli.archive.erms_check import check_erms

    assert check_erms(written.folder / "metadata/descriptive/erms.xml") == []


def test_a_case_goes_once_a_voided_one_goes_and_a_held_document_stops_its_case(
    tmp_path: Path,
) -> None:
    from kansli.registry import actions as registry
    from kansli.registry.testing import make_case

    authority = make_authority("BN", "Byggnadsnämnden")
    first = make_archivable_case(authority, CLOSED, "Första")
    held = make_archivable_case(authority, CLOSED, "Med en hållen handling")
    do_place_hold(authority, "Tvist", documents=[held.documents.get(number=1)], actor=None)
    earlier = timezone.now() - datetime.timedelta(days=10)
    voided = make_case("Felregistrerat ärende", authority=authority, opened_at=earlier)
    registry.do_change_case_status(voided, "makulerat", reason="Dubblett", actor=None)
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, authority)])
    today = timezone.localdate()

    one = actions.do_start_transfer(authority, today, tmp_path / "1", actor=archivist)
    one = actions.do_export_transfer(one, actor=archivist)
    assert {c.case for c in one.cases.all()} == {first, voided}
    assert one.held == held.case_number
    two = actions.do_start_transfer(authority, today, tmp_path / "2", actor=archivist)
    two = actions.do_export_transfer(two, actor=archivist)
    assert not two.cases.exists()  # the first transfer's cases are not sent again


def test_one_export_at_a_time_writes_into_a_folder(case: Case, tmp_path: Path) -> None:
    import fcntl

    from kansli.archive.export import LOCK

    tmp_path.mkdir(exist_ok=True)
    with (tmp_path / LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(ValidationError, match="En annan export"):
            export_cases(case.authority, datetime.date(2024, 1, 1), tmp_path)
    assert len(export_cases(case.authority, datetime.date(2024, 1, 1), tmp_path).written) == 1
