"""The last approval of a long meeting's minutes: how long other users' actions wait
while the minutes and their extracts are rendered and sealed.

    .venv/bin/python bench/approval.py [--items 23]

A meeting of `--items` decided §, each with a case, is approved by the chair and one
approver. While the approver's (last) approval runs, a second thread keeps writing
one audit event at a time (what every action does), and its waits are timed. Kansli
renders the minutes PDF/A, the non-public part and one extract per § outside any
transaction (issue 13 part 11); the baseline is the same approval run inside one
transaction, as before, which holds the database's write lock (and the audit chain)
for all of the rendering.
"""

from __future__ import annotations

import argparse
import datetime
import threading
import time
from typing import Any

from common import row, setup


def held_meeting(items: int, label: str) -> tuple[Any, Any, Any]:
    from django.utils import timezone

    from kansli.meetings import actions
    from kansli.meetings.actions.attendance import do_record_attendance
    from kansli.meetings.models import Attendance, Meeting
    from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
    from kansli.org.models import ElectedPosition
    from kansli.org.testing import make_authority
    from kansli.registry.testing import make_case

    body = make_body(make_authority(label, f"Nämnden {label}"))
    secretary = make_secretary(body)
    chair = make_member(body, ElectedPosition.CHAIR)
    approver = make_member(body)
    meeting = make_meeting(body, days_ahead=30)
    for n in range(items):
        case = make_case(f"Ärende {n}", authority=body.authority)
        actions.do_preregister_item(
            meeting, case, title=f"Ärende {n}", proposal="Bifalls.", actor=None
        )
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[approver], actor=secretary)
    for person in (chair, approver):
        do_record_attendance(minutes, person, Attendance.Capacity.MEMBER, actor=None)
    # Held yesterday: the benchmark moves the meeting back rather than the clock on.
    held_at = timezone.now() - datetime.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=held_at)
    minutes.meeting.starts_at = held_at
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    return minutes, approver, meeting


def waits_during(run: Any) -> tuple[float, list[float]]:
    """Run `run` while another thread writes audit events; (seconds of run, waits)."""
    from django.db import connection, transaction

    from kansli.audit.chain import record

    waits: list[float] = []
    done = threading.Event()

    def ping() -> None:
        while not done.is_set():
            started = time.perf_counter()
            with transaction.atomic():
                record(actor=None, action="bench.ping")
            waits.append(time.perf_counter() - started)
            time.sleep(0.01)
        connection.close()

    other = threading.Thread(target=ping)
    other.start()
    time.sleep(0.2)
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    time.sleep(0.2)
    done.set()
    other.join()
    return seconds, waits


def main() -> None:
    parser = argparse.ArgumentParser(description="Sealing the minutes of a long meeting.")
    parser.add_argument("--items", type=int, default=23)
    options = parser.parse_args()
    where = setup()
    from django.db import transaction

    from kansli.meetings import actions

    print(f"Approval: the last approval of a {options.items}-item meeting's minutes")
    print(f"  {where.database}")
    minutes, approver, _meeting = held_meeting(options.items, "KS")
    seconds, waits = waits_during(
        lambda: actions.do_approve_minutes(minutes, verified=True, actor=approver)
    )
    minutes.refresh_from_db()
    assert minutes.sealed is not None
    row("last approval, seal and extracts, s", f"{seconds:.2f}")
    row("longest wait of another action meanwhile, ms", f"{max(waits) * 1000:.0f}")

    minutes, approver, _meeting = held_meeting(options.items, "BUN")

    def in_one_transaction() -> None:
        with transaction.atomic():
            actions.do_approve_minutes(minutes, verified=True, actor=approver)

    base_seconds, base_waits = waits_during(in_one_transaction)
    row("the same in one transaction (before), s", f"{base_seconds:.2f}")
    row("longest wait of another action then, ms", f"{max(base_waits) * 1000:.0f}")
    row("longest wait, one transaction / now", f"{max(base_waits) / max(waits):.0f}×")


if __name__ == "__main__":
    main()
