"""The export task run twice for one transfer (its worker killed after the export was
written, before the task was recorded as finished; kansli.web.taskrecovery runs it
again): the second run does nothing more."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kansli.archive import actions
from kansli.archive.models import Transfer
from kansli.archive.tasks import export_transfer
from kansli.archive.testing import make_archivable_case
from kansli.audit.models import AuditEvent
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user

pytestmark = pytest.mark.django_db


def test_an_export_run_again_does_nothing_more(tmp_path: Path) -> None:
    authority = make_authority("BN", "Byggnadsnämnden")
    make_archivable_case(authority, datetime.date(2023, 5, 17))
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, authority)])
    transfer = actions.do_start_transfer(
        authority, datetime.date(2024, 1, 1), tmp_path / "leverans", actor=archivist
    )
    assert export_transfer.call(transfer.pk, archivist.pk) == 1
    first = Transfer.objects.get()
    written = sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "leverans").rglob("*"))

    assert export_transfer.call(transfer.pk, archivist.pk) == 1

    again = Transfer.objects.get()
    assert (again.status, again.finished_at) == (Transfer.Status.EXPORTED, first.finished_at)
    assert AuditEvent.objects.filter(action="archive.exported").count() == 1
    assert sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "leverans").rglob("*")) == written
