"""The demo's officer's reports: Kommunstyrelsen requires the manager's approval, and
up to two of its open cases (the demo officer's, handlaggare, first) have drafts for
KS's next meeting: one waiting for the manager (chef) to approve it, one still being
written without its proposed decision."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kansli.meetings.models import Meeting
from kansli.org.models import Authority, User
from kansli.registry.demo import RegistryDemo
from kansli.registry.models import Case, CaseStatus
from kansli.reports import actions
from kansli.reports.models import Report

TEXTS = {
    "summary": "Förvaltningen föreslår att ärendet avgörs enligt förslaget nedan.",
    "background": "Ärendet kom in under våren och har beretts av kansliavdelningen.",
    "assessment": "Förvaltningen bedömer att förslaget är förenligt med gällande riktlinjer.",
    "consequences": "Förslaget ryms inom befintlig budget.",
}


def load(seed: int, scale: float, report: Any) -> list[Any]:
    ks = Authority.objects.filter(code="KS").first()
    officer = User.objects.filter(username="handlaggare").first()
    if ks is None or officer is None or Report.objects.exists():
        return []
    meeting = (
        Meeting.objects.filter(
            body__authority=ks,
            body__committee=None,
            cancelled_at=None,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        report("Tjänsteskrivelser: KS har inget kommande sammanträde, inga utkast skapade")
        return []
    actions.do_set_report_rules(ks, requires_approval=True, actor=None)
    # The demo officer's own open cases first, then other officers' of KS; at a small
    # scale, one opened two weeks ago for the demo officer.
    open_cases = Case.objects.filter(
        authority=ks,
        status__in=[CaseStatus.OPENED, CaseStatus.IN_PROGRESS],
        officer__isnull=False,
        agenda_items__isnull=True,
    )
    cases = list(open_cases.filter(officer=officer)[:2])
    cases += list(open_cases.exclude(officer=officer)[: 2 - len(cases)])
    if not cases:
        day = timezone.localdate() - datetime.timedelta(days=14)
        cases = [RegistryDemo(f"{seed}-reports").open_case(ks, day, officer)]
    for number, case in enumerate(cases):
        draft = actions.do_start_report(case, actor=case.officer)
        proposal = "Kommunstyrelsen beslutar att bifalla förslaget." if number == 0 else ""
        draft = actions.do_save_report(
            draft,
            heading=draft.heading,
            sections=TEXTS | {"proposal": proposal},
            appendices=[],
            meeting=meeting,
            actor=case.officer,
        )
        if proposal:
            actions.do_ask_approval(draft, actor=case.officer)
    report(f"Tjänsteskrivelser: {len(cases)} utkast till {meeting}, KS kräver chefens godkännande")
    return []
