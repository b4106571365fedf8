"""`kansli remind`: the daily reminder of e-justering, run once a day (cron or a
systemd timer) beside `kansli worker`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kansli.meetings.actions.eapproval import remind_due


class Command(BaseCommand):
    help = (
        "Remind the chair and approvers who have not approved released draft minutes "
        "whose approval day is tomorrow or has passed (at most once a day)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = remind_due()
        self.stdout.write(f"Påminnelser skickade för {count} protokoll.")
