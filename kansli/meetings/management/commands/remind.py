"""`kansli remind`: the daily reminders, run once a day (cron or a systemd timer) beside
`kansli worker`: e-justering (kansli.meetings) and each officer's overdue and soon-due
cases (kansli.registry.reminders). Run twice the same day, it sends nothing twice. It
also forgets the addresses audit events have kept longer than KANSLI_AUDIT_ADDRESS_DAYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kansli.audit.forget import forget_addresses
from kansli.handbook.actions import do_remind_owners
from kansli.meetings.actions.eapproval import remind_due
from kansli.registry.actions import do_send_case_reminders
from kansli.surveys.actions import do_open_and_remind
from kansli.web import checklist


class Command(BaseCommand):
    help = (
        "Remind the chair and approvers who have not approved released draft minutes "
        "whose approval day is tomorrow or has passed, and each officer of their cases "
        "overdue or due within three working days (each at most once a day)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checklist.refuse_in_production()
        count = remind_due()
        self.stdout.write(f"Påminnelser skickade för {count} protokoll.")
        sent = do_send_case_reminders(actor=None)
        cases = sum(len(r.overdue) + len(r.due_soon) for r in sent)
        self.stdout.write(f"Påminnelser om ärenden: {len(sent)} personer, {cases} ärenden.")
        opened, reminded = do_open_and_remind()
        self.stdout.write(f"Enkäter: {opened} omgångar öppnade, {reminded} påminda.")
        owners = do_remind_owners()
        self.stdout.write(f"Handboken: {owners} dokumentägare påminda om giltighetstid.")
        forgotten = forget_addresses()
        self.stdout.write(f"Granskningsloggen: adressen glömd i {forgotten} händelser.")
