"""The demo's committee year: every authority and KSAU meets once a month from the
start of the term (mandatperioden 2026–2030) to a year ahead of the day the demo is
loaded, the meetings of the last year held (in proportion to the scale, six weeks at
least).
Meetings already held have their agenda of open cases with officers' reports, the
notice sent, minutes with attendance, a vote and a conflict of interest, approval by the
chair and an approver, the notice on the board, extracts in the cases and dispatched
decisions; after each of Kommunstyrelsen's, the secretary's snabbnytt, read by most of
its staff within a few working days. The next meeting of each body has its items
pre-registered; the rest stand in the calendar."""

from __future__ import annotations

import datetime
import decimal
import random
from typing import Any

from django.utils import timezone

from kansli.access.demo import PERSONNEL_CODES
from kansli.access.rules import EMPLOYEE_ROLES
from kansli.files.extract import extract_file_text
from kansli.files.models import StoredFile
from kansli.meetings import actions
from kansli.meetings.actions.delegation import do_post_delegated_decision
from kansli.meetings.actions.items import do_add_standard_items
from kansli.meetings.actions.votes import FOR_PROPOSAL, deciders
from kansli.meetings.models import (
    AppealRoute,
    Attendance,
    Body,
    DelegatedDecision,
    DelegationPoint,
    Meeting,
    Outcome,
)
from kansli.org.demo import TERM_START
from kansli.org.models import Authority, Committee, ElectedPosition, Role, RoleAssignment, User
from kansli.registry import actions as registry
from kansli.registry.demo import SUBJECTS, RegistryDemo
from kansli.registry.models import Case, CaseStatus
from kansli.workdays.calendar import add_workdays

BODIES = ["KF", "KS", "KSAU", "BUN", "SN", "MBN", "TFN", "KFN"]
# A few points of each board's delegation order, as Leksand's read: (point, matter,
# office, reported, the classes of matter it is limited to, the highest amount, appeal
# route). A refusal to hand out a document is appealed by förvaltningsbesvär (OSL 6 kap.
# 7 §); a direct procurement not reported is posted, so its appeal period runs; an
# urgent opinion to another authority prepares a matter and is not appealable.
DELEGATION: list[tuple[str, str, str, bool, list[str], int | None, str]] = [
    ("2.1", "Beslut om att inte lämna ut allmän handling", "Kanslichef", True, ["2.3.1"],
     None, AppealRoute.ADMINISTRATIVE),
    ("4.3", "Avskrivning av ärende som inte längre är aktuellt", "Handläggare", True, [],
     None, AppealRoute.LEGALITY),
    ("5.1", "Direktupphandling inom budget", "Förvaltningschef", False, [], 100_000,
     AppealRoute.LEGALITY),
    ("6.2", "Yttrande till annan myndighet i brådskande fall", "Förvaltningschef", False, [],
     None, AppealRoute.NONE),
]  # fmt: skip
DECISIONS = ["Avslag", "Bifall", "Ärendet avskrivs", "Yttrande enligt förvaltningens förslag"]
PLACES = {"KF": "Fullmäktigesalen, kommunhuset", "KS": "Sessionssalen, kommunhuset"}
ITEMS_PER_MEETING = 3
TERM_END = TERM_START.replace(year=TERM_START.year + 4)  # the next term's first day


def _meeting_days(
    body_index: int, today: datetime.date, back: datetime.timedelta
) -> list[datetime.datetime]:
    """The second or third week's weekday of each month of the term, from `back` to a
    year ahead of `today`: the meetings held and the calendar set, at any date of it."""
    days = []
    for month in range(12 * 4):
        year, number = (
            TERM_START.year + (TERM_START.month - 1 + month) // 12,
            (TERM_START.month - 1 + month) % 12 + 1,
        )
        day = datetime.date(year, number, 8 + body_index * 2 % 14)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        if day > today + datetime.timedelta(days=365) or day >= TERM_END:
            break
        if day > TERM_START and day >= today - back:
            days.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time(13))))
    return days


# Kommunstyrelsen's term (and so its working committee's) begins on 1 January after the
# election (KL 6 kap. 18 §); the other bodies here keep fullmäktige's 15 October.
JANUARY = {"term_start_month": 1, "term_start_day": 1}
TERM_STARTS = {"KS": JANUARY, "KSAU": JANUARY}


class MeetingsDemo:
    def __init__(self, seed: int, scale: float = 1.0) -> None:
        self.rng = random.Random(f"{seed}-meetings")
        # A year of meetings held at full scale, fewer in proportion at a smaller one but
        # six weeks at least, and three items each; at the tests' scale (under 1/8) one,
        # so that loading costs about the same at any date of the term.
        self.back = datetime.timedelta(days=max(45, round(365 * min(scale, 1.0))))
        self.per_meeting = ITEMS_PER_MEETING if scale >= 1 / 8 else 1
        self.registry = RegistryDemo(f"{seed}-agendas")
        self.secret_opened: set[int] = set()  # authorities given a secret case for an agenda
        self.now = timezone.now()
        self.held = 0
        self.items = 0
        self.decisions = 0
        self.reports: dict[int, Case] = {}

    def load(self) -> None:
        for index, code in enumerate(BODIES):
            committee = Committee.objects.filter(code=code).first()
            authority = committee.authority if committee else Authority.objects.get(code=code)
            if Body.objects.filter(authority=authority, committee=committee).exists():
                continue
            body = actions.do_create_body(
                authority,
                committee=committee,
                place=PLACES.get(code, "Sammanträdesrum Ljusnan"),
                **TERM_STARTS.get(code, {}),
                actor=None,
            )
            if committee is None and authority.code != "KF":
                self._delegation_order(authority)
            meetings = [
                actions.do_schedule_meeting(body, at, body.place, actor=None)
                for at in _meeting_days(index, timezone.localdate(self.now), self.back)
            ]
            past = [m for m in meetings if m.starts_at < self.now]
            upcoming = [m for m in meetings if m.starts_at >= self.now]
            for meeting in past:
                self._hold(meeting, upcoming[0] if upcoming else None)
            if upcoming:
                self._prepare(upcoming[0])

    def _cases(self, meeting: Meeting) -> list[Case]:
        """The agenda's cases: the authority's oldest open ones on no agenda yet that
        were opened at least a month before the meeting (its items are pre-registered
        from then). When there are too few, as the registry demo's open cases are at
        most 45 days old, cases opened a month before it (today, for one further off)."""
        month = datetime.timedelta(days=30)
        open_cases = Case.objects.filter(
            authority=meeting.body.authority,
            status__in=[CaseStatus.OPENED, CaseStatus.IN_PROGRESS],
            agenda_items__isnull=True,
            opened_at__lte=meeting.starts_at - month,
        ).order_by("opened_at")
        found = list(open_cases[: self.per_meeting])
        day = min(meeting.day - month, timezone.localdate(self.now))
        # Of the diary's kinds of case, a secret one first (an individual's matter at SN,
        # a non-public item; a pupil's at BUN, a tender at KS), then any; never a
        # personnel case, which belongs in HR's access group, set up before this runs.
        authority = meeting.body.authority
        kinds = [s[3] for s in SUBJECTS[authority.code] if s[1] not in PERSONNEL_CODES]
        secret = [kind for kind in kinds if kind is not None]
        while len(found) < self.per_meeting:
            first = secret and authority.pk not in self.secret_opened
            secrecy = self.rng.choice(secret if first else kinds)
            self.secret_opened.add(authority.pk)
            found.append(self.registry.open_case(authority, day, secrecy=secrecy))
        return found

    def _prepare(self, meeting: Meeting) -> None:
        for case in self._cases(meeting):
            proposal = f"{meeting.body.authority.name} beslutar att bifalla förslaget."
            report = actions.do_write_report(
                case,
                title=case.title,
                proposal=proposal,
                background=f"Ärendet {case.case_number} har beretts av förvaltningen.",
                assessment="Förvaltningen bedömer att förslaget kan genomföras inom budget.",
                actor=None,
            )
            at = min(
                self.now,
                meeting.starts_at - datetime.timedelta(days=self.rng.choice([30, 25, 24, 20, 12])),
            )
            actions.do_preregister_item(
                meeting, case, title=case.title, proposal=proposal, report=report, at=at, actor=None
            )
            self.items += 1

    def _members(self, meeting: Meeting) -> dict[str, list[User]]:
        found: dict[str, list[User]] = {"chair": [], "member": [], "substitute": []}
        for role in meeting.body.members_on(meeting.day):
            key = {ElectedPosition.CHAIR: "chair", ElectedPosition.SUBSTITUTE: "substitute"}.get(
                role.position, "member"
            )  # type: ignore[call-overload]
            found[key].append(role.user)
        return found

    def _delegation_order(self, authority: Authority) -> None:
        """The points, each held by a named officer (a manager first where there is
        one) with the next as substitute."""
        staff = [
            assignment.user
            for role in (Role.MANAGER, Role.OFFICER)
            for assignment in RoleAssignment.objects.filter(authority=authority, role=role)
            .select_related("user")
            .order_by("user__username")
        ]
        classes = {c.code: c for c in authority.classifications.all()}
        for index, (code, title, office, reported, codes, limit, route) in enumerate(DELEGATION):
            people = list(dict.fromkeys(staff[index % max(len(staff), 1) :] + staff))[:2]
            actions.do_add_delegation_point(
                authority,
                code,
                title,
                office,
                reported=reported,
                delegates=people,
                classifications=[classes[c] for c in codes if c in classes],
                max_amount=None if limit is None else decimal.Decimal(limit),
                appeal_route=route,
                actor=None,
            )

    def _delegated(self, meeting: Meeting) -> None:
        """Two decisions under the board's delegation order before the meeting (now and
        then by the substitute), those not reported posted where that starts their
        appeal period, and the reported ones put on its agenda."""
        authority = meeting.body.authority
        in_progress = Case.objects.filter(authority=authority, status=CaseStatus.IN_PROGRESS)
        cases = list(in_progress.order_by("pk")[:40])
        # A point with people and with a case of its kind to decide in.
        usable = []
        for point in DelegationPoint.objects.filter(authority=authority).prefetch_related(
            "classifications", "delegates__user"
        ):
            kinds = {c.pk for c in point.classifications.all()}
            fitting = [c for c in cases if not kinds or c.classification_id in kinds]
            people = [d.user for d in point.delegates.all()]
            if fitting and people:
                usable.append((point, fitting, people))
        if not usable or meeting.body.committee is not None:
            return
        for _ in range(2):
            point, fitting, people = self.rng.choice(usable)
            decided = meeting.day - datetime.timedelta(days=self.rng.randrange(5, 25))
            substitute = len(people) > 1 and self.rng.random() < 0.2
            limit = point.max_amount
            decision = actions.do_register_delegated_decision(
                point,
                self.rng.choice(fitting),
                self.rng.choice(DECISIONS),
                decided_on=min(decided, timezone.localdate()),
                decided_by=people[1] if substitute else people[0],
                substitute_for=people[0] if substitute else None,
                amount=None if limit is None else limit * self.rng.randrange(10, 100) // 100,
                actor=None,
            )
            if not point.reported and point.appeal_route == AppealRoute.LEGALITY:
                do_post_delegated_decision(decision, actor=None)
            self.decisions += 1
        at = min(self.now, meeting.starts_at - datetime.timedelta(days=20))
        if authority.pk not in self.reports:
            self.reports[authority.pk] = registry.do_register_case(
                authority,
                f"Anmälan av delegationsbeslut {meeting.day.year}",
                opened_at=at,
                actor=None,
            )
        if DelegatedDecision.objects.filter(
            point__authority=authority, point__reported=True, reported_in=None
        ).exists():
            actions.do_report_delegated_decisions(
                meeting, self.reports[authority.pk], at=at, actor=None
            )

    def _hold(self, meeting: Meeting, next_meeting: Meeting | None) -> None:
        self._prepare(meeting)
        self._delegated(meeting)
        if not meeting.items.exists():
            return
        sent = timezone.make_aware(
            datetime.datetime.combine(meeting.dispatch_day, datetime.time(9))
        )
        do_add_standard_items(meeting, actor=None)  # opening, approvers, agenda
        actions.do_dispatch_meeting(meeting, at=sent, actor=None)
        people = self._members(meeting)
        if not people["chair"] or not people["member"]:
            return
        chair, members = people["chair"][0], people["member"]
        approver = self.rng.choice(members)
        for member in [chair, *members]:
            if self.rng.random() < 0.9 or member in (chair, approver):
                days = self.rng.choice([1, 2, 3, 5, 6, 8, 9, 11, 13])
                opened = meeting.starts_at - datetime.timedelta(days=days, hours=3)
                actions.do_record_opening(meeting, at=max(opened, sent), actor=member)
        minutes = actions.do_open_minutes(
            meeting, approvers=[approver], approval_place="Kommunhuset", actor=None
        )
        # A member away, replaced by a substitute; never the approver, who must be present.
        stays = [m for m in members if m != approver]
        absent = stays[-1] if len(members) > 2 and people["substitute"] else None
        capacity = Attendance.Capacity
        rows = [
            actions.Row(capacity.ABSENT if member is absent else capacity.MEMBER, member)
            for member in [chair, *members]
        ]
        if absent is not None:
            substitute = people["substitute"][0]
            rows.append(actions.Row(capacity.SUBSTITUTE, substitute, replaces=absent))
        rows.append(actions.Row(capacity.GUEST, name="Eva Lind", role_title="revisor"))
        actions.do_set_attendance(minutes, rows, actor=None)
        paragraphs = list(minutes.paragraphs.filter(item__case__isnull=False).order_by("number"))
        first = paragraphs[0]
        conflicted = members[0] if members[0] not in (approver, absent) else None
        if conflicted is not None:
            actions.do_record_conflict(first, conflicted, actor=None)
        # Every member deciding at the § votes: the chair and two in three for the proposal.
        voters = User.objects.filter(pk__in=deciders(first)).order_by("pk")
        ballots = {v: "ja" if v == chair or i % 3 else "nej" for i, v in enumerate(voters)}
        nays = [v for v, choice in ballots.items() if choice == "nej"]
        if nays:
            proposal = actions.do_add_motion(first, chair, FOR_PROPOSAL, actor=None)
            against = actions.do_add_motion(first, nays[0], "avslag", actor=None)
            actions.do_record_vote(first, proposal, against, ballots, actor=None)
            actions.do_record_dissent(first, nays[0], against, actor=None)
        first.refresh_from_db()
        if first.decision:  # its reasons, as boards usually give them (FL 32 §)
            actions.do_record_decision(
                first,
                decision=first.decision,
                reasons="Beslutet grundar sig på tjänsteskrivelsen och de skäl som anges där.",
                appeal_route=first.appeal_route,
                actor=None,
            )
        if len(paragraphs) > 2 and next_meeting is not None:
            actions.do_record_decision(
                paragraphs[-1],
                decision="",
                outcome=Outcome.REFERRED_BACK,
                later=next_meeting,
                actor=None,
            )
        # Approved some working days after the meeting (KL 8 kap. 12 §: within 14 days),
        # and the decisions sent a few after that, so that Leksand's measures have spread.
        approved = self._working_day(meeting.day, self.rng.choice([1, 2, 3, 5, 7]))
        for user in [chair, approver]:
            actions.do_approve_minutes(minutes, verified=True, at=approved, actor=user)
        sent_on = self._working_day(timezone.localdate(approved), self.rng.choice([0, 1, 2, 4]))
        for paragraph in minutes.paragraphs.filter(item__case__isnull=False).select_related(
            "item__case"
        ):
            assert paragraph.item.case is not None
            sender = paragraph.item.case.documents.exclude(counterpart="").order_by("number")
            origin = sender.first()
            if paragraph.outcome == Outcome.DECIDED and origin is not None:
                address = origin.counterpart_address or "Adress enligt ärendet"
                actions.do_dispatch_decision(
                    paragraph, [(origin.counterpart, address, "brev")], at=sent_on, actor=None
                )
        if meeting.body.code == "KS":
            self._news(meeting, timezone.localdate(approved))
        self.held += 1

    def _news(self, meeting: Meeting, approved: datetime.date) -> None:
        """The snabbnytt a working day after approval, read by the staff after 0 to 6
        working days or not at all (Leksand's measure 8). It names no items, so nothing
        of a non-public one."""
        employed = RoleAssignment.objects.valid_on().filter(
            authority=meeting.body.authority, role__in=EMPLOYEE_ROLES
        )
        staff = list(User.objects.filter(roles__in=employed).distinct().order_by("pk"))
        secretaries = employed.filter(role=Role.SECRETARY).values("user_id")
        secretary = User.objects.filter(pk__in=secretaries).order_by("pk").first()
        if secretary is None:
            return
        published = self._working_day(approved, 1)
        item = actions.do_publish_news(
            meeting.body,
            f"Snabbnytt från {meeting.body.code} {meeting.day:%Y-%m-%d}",
            f"{meeting.body} sammanträdde {meeting.day:%Y-%m-%d}. Protokollet justerades "
            f"{approved:%Y-%m-%d} och finns på anslagstavlan; besluten skickas till dem "
            "de gäller.",
            meeting=meeting,
            at=published,
            actor=secretary,
        )
        for reader in staff:
            if self.rng.random() < 0.8:
                after = self.rng.choice([0, 0, 1, 2, 3, 4, 6])
                read = self._working_day(timezone.localdate(published), after)
                actions.do_read_news(item, at=read, actor=reader)

    def _working_day(self, day: datetime.date, after: int) -> datetime.datetime:
        """10 o'clock on the working day `after` working days after `day`, or now if that
        is still to come (a meeting held yesterday is approved as the demo loads)."""
        later = datetime.datetime.combine(add_workdays(day, after), datetime.time(10))
        return min(timezone.make_aware(later), self.now)


def load(seed: int, scale: float, report: Any) -> list[Any]:
    demo = MeetingsDemo(seed, scale)
    demo.load()
    # The reports' and extracts' text, as the worker would extract it, so search finds it.
    for stored in StoredFile.objects.filter(extraction=StoredFile.Extraction.PENDING):
        extract_file_text.call(stored.pk)
    opened = demo.registry.counts.cases
    report(
        f"Sammanträden: {demo.held} hållna med justerade protokoll, {demo.items} ärenden "
        f"på föredragningslistorna"
        + (f" ({opened} nya för dem)" if opened else "")
        + f", {demo.decisions} delegationsbeslut"
    )
    return []
