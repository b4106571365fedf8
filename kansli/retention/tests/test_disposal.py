"""Issue 16's first "done when": on a seeded installation where the expected disposal
list is known, a run removes exactly that list, refuses the held, open and requested
material, and leaves the records the law requires (Arkivlagen 10 §)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import verify
from kansli.audit.models import AuditEvent
from kansli.files.derived import derived_path
from kansli.files.models import StoredFile
from kansli.org.models import Role
from kansli.org.testing import make_user
from kansli.public.models import PublishedFile
from kansli.redaction.verify import pdftotext_text
from kansli.registry.actions import do_change_case_status, do_void_document
from kansli.registry.models import Document
from kansli.registry.testing import make_case
from kansli.retention import disposal
from kansli.retention.holds import do_place_hold
from kansli.retention.models import DisposalRun, RunState
from kansli.retention.tests.seed import TODAY, doc, process
from kansli.search.query import search

pytestmark = pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction


def listed(seeded: dict[str, Any]) -> DisposalRun:
    return disposal.do_list_disposal(seeded["authority"], on=TODAY, actor=seeded["archivist"])


def test_the_run_lists_exactly_what_is_due_and_refuses_the_held_open_and_requested(
    seeded: dict[str, Any],
) -> None:
    run = listed(seeded)

    going = {i.document_id for i in run.items.all() if i.goes}
    refused = {i.document_id: i.refused for i in run.items.exclude(refused="")}
    assert going == seeded["expected"]  # precision and recall 100 %
    assert refused == seeded["refused"]
    assert not seeded["untouched"] & {i.document_id for i in run.items.all()}
    assert run.state == RunState.MANAGER


def test_disposal_removes_exactly_the_list_and_keeps_the_records(seeded: dict[str, Any]) -> None:
    run = listed(seeded)
    run = disposal.do_review_disposal(run, excluded={}, actor=seeded["manager"])
    run = disposal.do_approve_disposal(run, excluded={}, actor=seeded["archivist"])
    seen: list[tuple[int, int]] = []
    # Conversions made for redaction hold what the file holds (kansli.files.derived).
    converted = {
        key: derived_path("redaction", seeded[key].sha256, ".pdf") for key in ("own", "shared")
    }
    for path in converted.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.7 konverterad")
    # A file published in the e-diary goes too (it once stopped the disposal).
    published = PublishedFile.objects.create(
        document_file=seeded["due"].files.get(stored=seeded["own"]), published_at=timezone.now()
    )

    run = disposal.do_dispose(
        run, actor=seeded["archivist"], progress=lambda d, t: seen.append((d, t))
    )

    gone = set(Document.objects.filter(disposed_at__isnull=False).values_list("pk", flat=True))
    assert gone == seeded["expected"]
    assert seen[-1] == (3, 3)
    due = Document.objects.get(pk=seeded["due"].pk)
    assert (due.description, due.counterpart, due.files.count()) == ("Gallrad handling", "", 0)
    assert due.document_number  # the registration stays: the document existed
    assert not StoredFile.objects.filter(pk=seeded["own"].pk).exists()
    assert not default_storage.exists(seeded["own"].storage_name)
    assert StoredFile.objects.filter(pk=seeded["shared"].pk).exists()  # the decision uses it
    assert not converted["own"].exists() and converted["shared"].exists()
    assert not PublishedFile.objects.filter(pk=published.pk).exists()
    assert seeded["kept"].files.count() == 1
    item = run.items.get(document=due)
    assert item.checksums == sorted([seeded["own"].sha256, seeded["shared"].sha256])
    assert run.state == RunState.DONE
    assert run.report is not None and run.report.document_type == "Gallringsprotokoll"
    pdf_file, appendix = run.report.files.order_by("pk")
    with pdf_file.stored.open() as pdf:
        report_text = pdftotext_text(pdf.read())
    assert "Antal handlingar 3 (filer: 2)" in " ".join(report_text.split())
    with appendix.stored.open() as listing:
        rows = listing.read().decode("utf-8-sig").splitlines()
    assert rows[0] == "Handling;Regel;Förföll;Gallrad;Ej gallrad därför att;SHA-256"
    line = next(r for r in rows if r.startswith(due.document_number + ";"))
    assert line.endswith(" ".join(item.checksums))
    assert "Zxqvberg" not in report_text + "".join(rows)
    assert verify().ok
    events = AuditEvent.objects.filter(object_type="registry.document", object_id=str(due.pk))
    assert "MARKÖR" not in str(list(events.values("object_label", "before", "after")))
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, seeded["authority"])])
    assert search(registrar, "Zxqvberg").hits == []
    assert search(registrar, "MARKÖR").hits == []


def test_a_crashed_run_goes_on_where_it_stopped(seeded: dict[str, Any], monkeypatch: Any) -> None:
    run = listed(seeded)
    run = disposal.do_review_disposal(run, excluded={}, actor=seeded["manager"])
    run = disposal.do_approve_disposal(run, excluded={}, actor=seeded["archivist"])
    monkeypatch.setattr(disposal, "BATCH", 1)
    real, calls = disposal._dispose_batch, []

    def crash_on_second(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("strömavbrott")
        return real(*args)

    monkeypatch.setattr(disposal, "_dispose_batch", crash_on_second)
    with pytest.raises(RuntimeError):
        disposal.do_dispose(run, actor=seeded["archivist"])
    assert Document.objects.filter(disposed_at__isnull=False).count() == 1
    monkeypatch.setattr(disposal, "_dispose_batch", real)

    disposal.do_dispose(run, actor=seeded["archivist"])

    gone = set(Document.objects.filter(disposed_at__isnull=False).values_list("pk", flat=True))
    assert gone == seeded["expected"]


def test_reviewers_exclude_with_reasons_and_two_people_stand_behind_it(
    seeded: dict[str, Any],
) -> None:
    run = listed(seeded)
    item = run.items.get(document=seeded["due"])
    with pytest.raises(PermissionDenied):
        disposal.do_review_disposal(run, excluded={}, actor=seeded["archivist"])
    with pytest.raises(ValidationError):
        disposal.do_review_disposal(run, excluded={item.pk: " "}, actor=seeded["manager"])
    both = make_user("bada", roles=[(Role.MANAGER, seeded["authority"]),
                                    (Role.ARCHIVIST, seeded["authority"])])  # fmt: skip
    run = disposal.do_review_disposal(run, excluded={item.pk: "Behövs i ett nytt ärende"},
                                      actor=both)  # fmt: skip
    with pytest.raises(ValidationError, match="granskade"):
        disposal.do_approve_disposal(run, excluded={}, actor=both)
    run = disposal.do_approve_disposal(run, excluded={}, actor=seeded["archivist"])
    disposal.do_dispose(run, actor=seeded["archivist"])

    assert Document.objects.get(pk=seeded["due"].pk).disposed_at is None
    assert run.items.get(pk=item.pk).excluded_reason == "Behövs i ett nytt ärende"


def test_a_list_sent_back_is_not_disposed_of(seeded: dict[str, Any]) -> None:
    run = listed(seeded)
    run = disposal.do_return_disposal(run, "Fel plan", actor=seeded["manager"])

    with pytest.raises(ValidationError):
        disposal.do_dispose(run, actor=seeded["archivist"])
    assert run.state == RunState.RETURNED
    assert not Document.objects.filter(disposed_at__isnull=False).exists()


def test_a_hold_put_after_approval_still_stops_the_document(seeded: dict[str, Any]) -> None:
    run = listed(seeded)
    run = disposal.do_review_disposal(run, excluded={}, actor=seeded["manager"])
    run = disposal.do_approve_disposal(run, excluded={}, actor=seeded["archivist"])
    do_place_hold(
        seeded["authority"], "Ny tvist", documents=[seeded["due"]], actor=seeded["archivist"]
    )

    disposal.do_dispose(run, actor=seeded["archivist"])

    assert Document.objects.get(pk=seeded["due"].pk).disposed_at is None
    assert run.items.get(document=seeded["due"]).refused


def test_held_material_cannot_be_voided(seeded: dict[str, Any]) -> None:
    ks = seeded["authority"]
    case = make_case("Under bevarande", classification=process())
    document = doc(case)
    do_place_hold(ks, "Tvist", cases=[case], actor=seeded["archivist"])
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, ks)])

    with pytest.raises(ValidationError, match="bevarandebeslut"):
        do_void_document(document, "Fel", actor=registrar)
    with pytest.raises(ValidationError, match="bevarandebeslut"):
        do_change_case_status(case, "makulerat", reason="Fel", actor=registrar)


def test_only_the_archivist_or_dpo_places_holds(seeded: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        do_place_hold(seeded["authority"], "x", counterpart="Anna", actor=seeded["manager"])


def test_the_manager_is_told_by_e_mail_and_the_command_prints_a_dry_run(
    seeded: dict[str, Any], mailoutbox: list[Any]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    User = type(seeded["manager"])
    User.objects.filter(pk=seeded["manager"].pk).update(email="chef@exempelstad.se")
    out = StringIO()

    call_command("retention", "list", "--on", TODAY.isoformat(), "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[-1] == "KS: 7 förfallna (torrkörning)."
    assert sum("EJ:" in line for line in lines) == 4
    assert not DisposalRun.objects.exists()  # a dry run changes nothing

    call_command("retention", "list", "--on", TODAY.isoformat(), stdout=StringIO())

    run = DisposalRun.objects.get()
    assert [m.to for m in mailoutbox] == [["chef@exempelstad.se"]]
    assert f"/gallring/{run.pk}/" in mailoutbox[0].body
    assert "Zxqvberg" not in mailoutbox[0].body


@pytest.mark.django_db
def test_bytes_uploaded_again_while_a_disposal_commits_are_kept(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The same content registered again between a disposal's delete of the row and its
    commit finds the bytes there and keeps them: the disposal must not remove them."""
    from kansli.files.store import store_bytes
    from kansli.retention.disposal import _delete_if_unused

    data = "Samma innehåll i två handlingar. ".encode() * 50
    stored = store_bytes(data, "brev.txt")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _delete_if_unused(stored)
        again = store_bytes(data, "brev.txt")
    assert default_storage.exists(again.storage_name)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _delete_if_unused(again)
    assert not default_storage.exists(again.storage_name)
