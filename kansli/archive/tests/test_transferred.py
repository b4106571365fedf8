"""After transfer (issue 17 part 3): a kept type with a delivery period leaves the active
system through the disposal lists once the e-archive's receipt is registered and the
period has passed; the registration stays, marked as in the e-archive."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from kansli.archive import actions
from kansli.archive.testing import make_archivable_case
from kansli.files.store import store_bytes
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Document, DocumentFile
from kansli.retention import disposal
from kansli.retention.models import Outcome, PlanRule, transfer_due
from kansli.retention.testing import make_plan

pytestmark = pytest.mark.django_db


# Hand-computed before the code: the day after the same date N years later, or after
# the month's last day when that year has no such date.
TRANSFER_DUE = [
    (datetime.date(2020, 5, 17), 2, datetime.date(2022, 5, 18)),
    (datetime.date(2020, 2, 29), 3, datetime.date(2023, 3, 1)),  # 2023-02-28, then the day after
    (datetime.date(2021, 12, 31), 0, datetime.date(2022, 1, 1)),
    (datetime.date(2019, 6, 30), 10, datetime.date(2029, 7, 1)),
]


@pytest.mark.parametrize(("closed", "years", "due"), TRANSFER_DUE)
def test_the_delivery_period_counts_like_the_disposal_periods(
    closed: datetime.date, years: int, due: datetime.date
) -> None:
    rule = PlanRule(outcome=Outcome.KEEP, transfer_years=years)
    assert transfer_due(rule, closed) == due
    assert transfer_due(PlanRule(outcome=Outcome.KEEP), closed) is None
    assert transfer_due(rule, None) is None


@pytest.mark.django_db(transaction=True)  # the disposal's scrub checkpoints the WAL
def test_a_transferred_case_leaves_the_active_system_on_time(tmp_path: Path) -> None:
    authority = make_authority("BN", "Byggnadsnämnden")
    make_plan(authority, [
        {"document_type": "Ansökan", "outcome": "keep", "transfer_years": 2},
        {"document_type": "Yttrande", "outcome": "keep"},  # no delivery period: stays
    ])  # fmt: skip
    old = make_archivable_case(authority, datetime.date(2020, 5, 17), "Gammalt ärende")
    recent = make_archivable_case(
        authority, timezone.localdate() - datetime.timedelta(days=30), "Nytt"
    )
    today = timezone.localdate()
    assert list(disposal.due_documents(authority, today)) == []  # nothing transferred yet

    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, authority)])
    transfer = actions.do_start_transfer(authority, today, tmp_path, actor=archivist)
    transfer = actions.do_export_transfer(transfer, actor=archivist)
    assert transfer.cases.count() == 2
    assert list(disposal.due_documents(authority, today)) == []  # exported, not received
    actions.do_register_receipt(transfer, "EA-2026-3", today, actor=archivist)
    # Registered in the closed case after the export: not in the e-archive, so it stays.
    later = registry.do_register_document(
        old,
        "inkommen",
        today,
        "Komplettering",
        counterpart="Örjan Ek",
        document_type="Ansökan",
        actor=None,
    )
    registry.do_attach_file(later, store_bytes(b"%PDF-1.4 sent", "k.pdf"), "k.pdf", actor=None)

    due = list(disposal.due_documents(authority, today))
    # The old case's two Ansökan documents (one voided), not its Yttrande nor the one
    # registered after the export, and nothing of the case closed a month ago (its two
    # years have not passed).
    assert sorted(d.number for d, _rule, _due, _refused in due) == [1, 3]
    assert {d.case_id for d, *_ in due} == {old.pk}
    assert {day for _d, _r, day, _ref in due} == {datetime.date(2022, 5, 18)}
    assert recent.pk not in {d.case_id for d, *_ in due}

    manager = make_user("chef", roles=[(Role.MANAGER, authority)])
    run = disposal.do_list_disposal(authority, actor=archivist)
    disposal.do_review_disposal(run, excluded={}, actor=manager)
    other = make_user("arkivarie2", roles=[(Role.ARCHIVIST, authority)])
    disposal.do_approve_disposal(run, excluded={}, actor=other)
    disposal.do_dispose(run, actor=other)
    application = Document.objects.get(case=old, number=1)
    assert application.description == disposal.TRANSFERRED and application.disposed_at
    assert not DocumentFile.objects.filter(document=application).exists()
    assert DocumentFile.objects.filter(document__case=old, document__number=2).exists()
    assert DocumentFile.objects.filter(document=later).exists()
