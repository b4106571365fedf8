"""Reorganisations: planning one (what would move is shown before anything does) and
carrying it out in one transaction. A responsibility moved between authorities takes
its open cases with their officers and access groups, withdraws their pre-registered
items from the old authority's meetings for the receiving body's secretary, and lists
the delegation points that name it; merged or closed units hand their open cases and
staff to the receiving unit and end. Closed cases stay where they are. Every line of
what moved and what could not is kept as the reorganisation's report."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kansli.access.models import AccessGroup, Grant, Membership
from kansli.access.rules import EMPLOYEE_ROLES
from kansli.audit.chain import record
from kansli.meetings.models import AgendaItem, DelegationPoint
from kansli.org.models import Authority, RoleAssignment, Unit, User
from kansli.org.permissions import require_sysadmin
from kansli.registry.actions import add_to_timeline
from kansli.registry.models import Case, Classification
from kansli.registry.models.cases import OPEN_STATUSES
from kansli.registry.numbering import next_case_number
from kansli.reorganisation.models import Line, Outcome, PreviousCaseNumber, Reorganisation
from kansli.reports.models import Report
from kansli.requests.models import AccessRequest, RequestedItem
from kansli.search import index as search_index

Kind = Line.Kind


# Planning ------------------------------------------------------------------------


@transaction.atomic
def do_plan_responsibility_move(
    source: Authority,
    target: Authority,
    title: str,
    *,
    classifications: Iterable[Classification] = (),
    units: Iterable[Unit] = (),
    cases: Iterable[Case] = (),
    keep_numbers: bool = False,
    actor: Any,
) -> Reorganisation:
    """Plan moving a responsibility (verksamhetsansvar) from one authority to another:
    the open cases of `source` filed under the processes (and the processes below
    them), prepared by the units, or named one by one; they keep their case numbers
    or get new ones in the receiving series (`keep_numbers`). Nothing moves until it is
    carried out (do_carry_out_reorganisation). The system administrator plans and
    carries out: the move changes more than one authority, and the organisation is
    theirs to change (kansli.org.permissions)."""
    require_sysadmin(actor)
    classifications, units, cases = list(classifications), list(units), list(cases)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Ange en rubrik för omorganisationen."
    if source.pk == target.pk:
        errors["target_authority"] = "Välj en annan myndighet att flytta till."
    elif source.municipality_id != target.municipality_id:
        errors["target_authority"] = "Myndigheterna hör till olika kommuner."
    elif not target.is_valid_on(timezone.localdate()):
        errors["target_authority"] = f"{target.code} finns inte längre."
    if not (classifications or units or cases):
        errors["classifications"] = "Välj processer, enheter eller ärenden som ska flyttas."
    if any(c.authority_id != source.pk for c in classifications):
        errors["classifications"] = f"Processerna ska höra till {source.code}s klassificering."
    if any(u.municipality_id != source.municipality_id for u in units):
        errors["units"] = "Enheterna hör till en annan kommun."
    if any(c.authority_id != source.pk for c in cases):
        errors["cases"] = f"Ärendena ska höra till {source.code}."
    if errors:
        raise ValidationError(errors)
    reorganisation = Reorganisation.objects.create(
        municipality=source.municipality,
        kind=Reorganisation.Kind.RESPONSIBILITY,
        title=title.strip(),
        source_authority=source,
        target_authority=target,
        keep_numbers=keep_numbers,
        planned_by=actor,
        planned_at=timezone.now(),
    )
    reorganisation.classifications.set(classifications)
    reorganisation.units.set(units)
    reorganisation.cases.set(cases)
    record(
        actor=actor,
        action="reorganisation.plan",
        obj=reorganisation,
        after={
            "from": source.code,
            "to": target.code,
            "classifications": [c.code for c in classifications],
            "units": [u.pk for u in units],
            "cases": [c.pk for c in cases],
            "keep_numbers": keep_numbers,
        },
    )
    return reorganisation


@transaction.atomic
def do_plan_unit_merge(
    units: Iterable[Unit], target: Unit, title: str, *, actor: Any
) -> Reorganisation:
    """Plan merging units into one (or closing a unit: one unit into its receiving
    unit). The units end the day before it is carried out and name the receiving unit
    as their successor; they are never deleted (kansli.org: history is kept)."""
    require_sysadmin(actor)
    units = list(units)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Ange en rubrik för omorganisationen."
    if not units:
        errors["units"] = "Välj minst en enhet som upphör."
    elif target.pk in {u.pk for u in units}:
        errors["target_unit"] = "Den mottagande enheten kan inte själv upphöra."
    elif any(u.municipality_id != target.municipality_id for u in units):
        errors["target_unit"] = "Enheterna hör till olika kommuner."
    if not target.is_valid_on(timezone.localdate()):
        errors["target_unit"] = f"{target} har redan upphört."
    if errors:
        raise ValidationError(errors)
    reorganisation = Reorganisation.objects.create(
        municipality=target.municipality,
        kind=Reorganisation.Kind.UNITS,
        title=title.strip(),
        target_unit=target,
        planned_by=actor,
        planned_at=timezone.now(),
    )
    reorganisation.units.set(units)
    record(
        actor=actor,
        action="reorganisation.plan",
        obj=reorganisation,
        after={"units": [u.pk for u in units], "to": target.pk},
    )
    return reorganisation


# What would move, and moving it ---------------------------------------------------


@dataclass
class _Run:
    """One pass over a reorganisation: the dry run collects the lines only, the real
    run also changes the data (the same code, so the preview is what will happen)."""

    reorganisation: Reorganisation
    apply: bool
    actor: Any
    lines: list[Line] = field(default_factory=list)

    def line(
        self,
        kind: str,
        outcome: str,
        old: str = "",
        new: str = "",
        text: str = "",
        case: Case | None = None,
    ) -> None:
        self.lines.append(
            Line(
                reorganisation=self.reorganisation,
                kind=kind,
                outcome=outcome,
                case=case,
                old_reference=old[:200],
                new_reference=new[:200],
                text=text,
            )
        )


def preview(reorganisation: Reorganisation) -> list[Line]:
    """The dry run: the lines the reorganisation would write, nothing changed."""
    run = _Run(reorganisation, apply=False, actor=None)
    _run(run)
    return run.lines


@transaction.atomic
def do_carry_out_reorganisation(reorganisation: Reorganisation, *, actor: Any) -> Reorganisation:
    """Carry out a planned reorganisation, all of it or nothing: one transaction, so a
    case that fails half-way leaves every case where it was."""
    require_sysadmin(actor)
    reorganisation = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    if reorganisation.carried_out_at is not None:
        raise ValidationError("Omorganisationen är redan genomförd.")
    run = _Run(reorganisation, apply=True, actor=actor)
    _run(run)
    Line.objects.bulk_create(run.lines)
    reorganisation.carried_out_at = timezone.now()
    reorganisation.carried_out_by = actor
    reorganisation.save(update_fields=["carried_out_at", "carried_out_by"])
    counts = {o: sum(1 for line in run.lines if line.outcome == o) for o in Outcome.values}
    record(actor=actor, action="reorganisation.carry_out", obj=reorganisation, after=counts)
    return reorganisation


def _run(run: _Run) -> None:
    if run.reorganisation.kind == Reorganisation.Kind.RESPONSIBILITY:
        _move_responsibility(run)
    else:
        _merge_units(run)


def selected_cases(reorganisation: Reorganisation) -> QuerySet[Case]:
    """The source authority's cases the reorganisation names, open or not."""
    chosen = Q(pk__in=reorganisation.cases.values("pk")) | Q(unit__in=reorganisation.units.all())
    for process in reorganisation.classifications.all():
        chosen |= Q(classification__code=process.code)
        chosen |= Q(classification__code__startswith=f"{process.code}.")
    cases = Case.objects.filter(chosen, authority=reorganisation.source_authority)
    return cases.select_related("authority__municipality", "classification", "officer", "unit")


def _has_staff_role(user_id: int, authority: Authority, on: datetime.date) -> bool:
    held = RoleAssignment.objects.valid_on(on).filter(
        user_id=user_id, authority=authority, role__in=EMPLOYEE_ROLES
    )
    return held.exists()


def _pending_items(case: Case, source: Authority) -> list[AgendaItem]:
    """The case's items on the source authority's agendas not yet dealt with (no
    minutes of the meeting)."""
    items = AgendaItem.objects.filter(
        case=case, meeting__body__authority=source, meeting__minutes__isnull=True
    )
    return list(items.select_related("meeting__body").order_by("pk"))


def _blockers(
    case: Case, source: Authority, items: list[AgendaItem], today: datetime.date
) -> list[str]:
    """Why a case cannot move now; it then stays with `source`, listed."""
    reasons = []
    if AccessRequest.objects.filter(case=case).exists():
        reasons.append(
            f"Ärendet är en begäran om allmän handling till {source.code} och "
            "handläggs av den myndighet den ställdes till (TF 2 kap. 17 §)."
        )
    unanswered = RequestedItem.objects.filter(
        document__case=case, request__answered_at__isnull=True
    )
    if unanswered.exists():
        reasons.append(
            "En begäran om allmän handling som gäller ärendets handlingar är "
            "ännu inte besvarad (TF 2 kap. 15 §)."
        )
    for item in items:
        meeting = item.meeting
        if meeting.cancelled_at is None and meeting.day < today:
            reasons.append(f"Ärendet har behandlats på {meeting} och protokollet är inte klart.")
        elif meeting.dispatched_at is not None and meeting.cancelled_at is None:
            reasons.append(
                f"Ärendet står på föredragningslistan till {meeting}, som redan har skickats ut."
            )
        elif Report.objects.filter(item=item).exists():
            reasons.append(f"En tjänsteskrivelse har lämnats in till {meeting}.")
    return reasons


def _target_group(
    run: _Run, group: AccessGroup, groups: dict[int, AccessGroup | None]
) -> AccessGroup | None:
    """The receiving authority's group for the cases of `group`: its group for the
    same unit (or its general group), recreated there when it has none. Members who
    hold a staff role in the receiving authority keep reading; the others do not
    (behovsprincipen: secret information only to those who need it for their work)."""
    if group.pk in groups:
        return groups[group.pk]
    target = run.reorganisation.target_authority
    assert target is not None
    today = timezone.localdate()
    existing = AccessGroup.objects.filter(authority=target, unit=group.unit_id).first()
    if existing is not None:
        run.line(
            Kind.ACCESS_GROUP,
            Outcome.MOVED,
            str(group),
            str(existing),
            "Ärendena förs till den mottagande myndighetens grupp.",
        )
        received = existing
    else:
        received = AccessGroup(authority=target, unit=group.unit, name=group.name)
        run.line(
            Kind.ACCESS_GROUP,
            Outcome.MOVED,
            str(group),
            str(received),
            "Gruppen återskapas hos den mottagande myndigheten.",
        )
        if run.apply:
            received.save()
            record(
                actor=run.actor,
                action="reorganisation.recreate_access_group",
                obj=received,
                after={"from": group.pk, "authority": target.code},
            )
    current = Membership.objects.valid_on(today).filter(group=group).select_related("user")
    already = set()
    if received.pk is not None:
        already = set(
            Membership.objects.valid_on(today)
            .filter(group=received)
            .values_list("user_id", flat=True)
        )
    for membership in current.order_by("user__username"):
        person = membership.user
        if _has_staff_role(person.pk, target, today):
            if person.pk not in already:
                run.line(
                    Kind.ACCESS,
                    Outcome.MOVED,
                    str(group),
                    str(received),
                    f"{person} följer med och läser ärendenas sekretessbelagda handlingar.",
                )
                if run.apply:
                    Membership.objects.create(group=received, user=person, added_by=run.actor)
                    record(
                        actor=run.actor,
                        action="reorganisation.add_member",
                        obj=received,
                        after={"user": person.pk},
                    )
        else:
            run.line(
                Kind.ACCESS,
                Outcome.NOT_MOVED,
                str(group),
                "",
                f"{person} har ingen roll i {target.code} och läser inte längre de "
                "flyttade ärendenas sekretessbelagda handlingar.",
            )
    groups[group.pk] = received if run.apply else None
    return groups[group.pk]


def _move_responsibility(run: _Run) -> None:
    reorganisation = run.reorganisation
    source, target = reorganisation.source_authority, reorganisation.target_authority
    assert source is not None and target is not None
    today = timezone.localdate()
    chosen = selected_cases(reorganisation)
    stays = chosen.exclude(status__in=OPEN_STATUSES).count()
    if stays:
        # Arkivlagen 3 §: the closed matters belong to the archive of the authority that
        # handled them (its arkivbildning); they are not moved.
        run.line(
            Kind.CASE,
            Outcome.NOT_MOVED,
            source.code,
            "",
            f"{stays} avslutade eller makulerade ärenden stannar hos {source.code}, "
            "som bildade dem (arkivbildare).",
        )
    groups: dict[int, AccessGroup | None] = {}
    processes: dict[int, Classification] = {}
    codes = {c.code: c for c in Classification.objects.filter(authority=target)}
    for case in chosen.filter(status__in=OPEN_STATUSES).order_by("year", "number"):
        old = case.case_number
        items = _pending_items(case, source)
        reasons = _blockers(case, source, items, today)
        if reasons:
            run.line(Kind.CASE, Outcome.NOT_MOVED, old, "", " ".join(reasons), case=case)
            continue
        if case.classification is not None:
            processes[case.classification.pk] = case.classification
        _move_case(run, case, items, codes, groups)
    points = DelegationPoint.objects.filter(authority=source, classifications__in=processes)
    for point in points.distinct().order_by("code"):
        run.line(
            Kind.DELEGATION,
            Outcome.TO_DO,
            f"{source.code} {point}",
            target.code,
            f"Delegationen följer inte med: {target.code} beslutar sin egen "
            "delegationsordning (KL 6 kap. 37 §).",
        )


def _move_case(
    run: _Run,
    case: Case,
    items: list[AgendaItem],
    codes: dict[str, Classification],
    groups: dict[int, AccessGroup | None],
) -> None:
    source, target = case.authority, run.reorganisation.target_authority
    assert target is not None
    today = timezone.localdate()
    old, old_year, old_number = case.case_number, case.year, case.number
    keep = run.reorganisation.keep_numbers
    old_series = case.series or source  # the series the number now belongs to
    process = case.classification
    mapped = codes.get(process.code) if process is not None else None
    group = _target_group(run, case.access_group, groups) if case.access_group else None
    new = ""
    if run.apply:
        before = {
            "authority": source.code,
            "case_number": old,
            "access_group": case.access_group_id,
            "classification": case.classification_id,
        }
        if keep:
            # The number stays in the series it was taken from; back at that
            # authority, the case is in its own series again.
            case.series = None if old_series.pk == target.pk else old_series
        else:
            case.series = None
            case.year = today.year
            case.number = next_case_number(target, today.year)
        case.authority = target
        case.classification = mapped
        case.access_group = group
        case.save(update_fields=["authority", "series", "year", "number", "classification",
                                 "access_group"])  # fmt: skip
        new = case.case_number
        if not keep:
            PreviousCaseNumber.objects.create(
                case=case,
                reference=old,
                authority=old_series,
                year=old_year,
                number=old_number,
                reorganisation=run.reorganisation,
            )
        add_to_timeline(
            case,
            "reorganised",
            f"Flyttat från {source.name} ({old}) till {target.name} ({new}) genom "
            f"omorganisationen {run.reorganisation.title}.",
            run.actor,
        )
        record(
            actor=run.actor,
            action="reorganisation.move_case",
            obj=case,
            label=new,
            before=before,
            after={
                "authority": target.code,
                "series": case.series_code,
                "case_number": new,
                "access_group": case.access_group_id,
                "classification": case.classification_id,
                "reorganisation": run.reorganisation.pk,
            },
        )
    if keep:
        run.line(Kind.CASE, Outcome.MOVED, old, new or old,
                 f"Ärendet behåller sitt diarienummer hos {target.code}.", case=case)  # fmt: skip
    else:
        run.line(
            Kind.CASE,
            Outcome.MOVED,
            old,
            new or f"{target.code} (nytt nummer)",
            "Diarienumret byts till den mottagande myndighetens serie; det tidigare "
            "finns kvar på ärendet och i sökningen.",
            case=case,
        )
    if process is not None and mapped is None:
        run.line(
            Kind.CASE,
            Outcome.TO_DO,
            old,
            new,
            f"{target.code}s klassificering har ingen process {process.code}: "
            "ärendet behöver klassificeras.",
            case=case,
        )
    if case.unit is not None and not case.unit.authorities.filter(pk=target.pk).exists():
        run.line(
            Kind.UNIT, Outcome.TO_DO, old, str(case.unit),
            f"{case.unit} arbetar inte åt {target.code}: ange en ny ansvarig enhet.", case=case,
        )  # fmt: skip
    _officer(run, case, old, target, today)
    _grants(run, case, old, target, today)
    for item in items:
        _withdraw_item(run, case, item, old, target)
    if run.apply:
        search_index.index_case(case)


def _officer(run: _Run, case: Case, old: str, target: Authority, today: datetime.date) -> None:
    """The officer stays the officer. One with no role in the receiving authority is
    given none: roles follow employment and the receiving board's own decisions, which
    a move of cases does not make; the system administrator gives the role (or the
    receiving manager another officer) after reading the report."""
    officer = case.officer
    if officer is not None and not _has_staff_role(officer.pk, target, today):
        run.line(
            Kind.OFFICER,
            Outcome.TO_DO,
            old,
            str(officer),
            f"{officer} är fortfarande handläggare men har ingen roll i {target.code}; "
            "ingen roll ges automatiskt.",
            case=case,
        )


def _grants(run: _Run, case: Case, old: str, target: Authority, today: datetime.date) -> None:
    """A grant to someone with no role in the receiving authority ends today."""
    for grant in Grant.objects.valid_on(today).filter(case=case).select_related("user"):
        if _has_staff_role(grant.user_id, target, today):
            continue
        run.line(
            Kind.ACCESS,
            Outcome.NOT_MOVED,
            old,
            "",
            f"{grant.user}s tillfälliga behörighet upphör: ingen roll i {target.code}.",
            case=case,
        )
        if run.apply:
            grant.valid_to = today - datetime.timedelta(days=1)
            grant.save(update_fields=["valid_to"])
            record(
                actor=run.actor,
                action="reorganisation.end_grant",
                obj=grant,
                label=old,
                after={"valid_to": grant.valid_to},
            )


def _withdraw_item(run: _Run, case: Case, item: AgendaItem, old: str, target: Authority) -> None:
    """A pre-registered item of the old authority's meeting is withdrawn and listed for
    the receiving body's secretary, who puts the case on its own agenda. Only its
    number, section and meeting are kept in the report: the title of a non-public
    item is secret (OSL 5 kap. 5 §)."""
    meeting = item.meeting
    run.line(
        Kind.ITEM,
        Outcome.TO_DO,
        f"{meeting} – {old}",
        target.code,
        f"Anmälan till {meeting} ({item.get_section_display()}) togs bort; "
        f"{target.code}s sekreterare anmäler ärendet till sitt organ.",
        case=case,
    )
    if run.apply:
        record(
            actor=run.actor,
            action="reorganisation.withdraw_item",
            obj=item,
            label=old,
            before={"meeting": str(meeting), "case": old},
        )
        add_to_timeline(
            case, "agenda", f"Anmälan till {meeting} togs bort vid omorganisationen.", run.actor
        )
        item.attachments.clear()
        item.delete()


def _merge_units(run: _Run) -> None:
    reorganisation = run.reorganisation
    target = reorganisation.target_unit
    assert target is not None
    today = timezone.localdate()
    sources = list(reorganisation.units.order_by("name"))
    cases = Case.objects.filter(unit__in=sources, status__in=OPEN_STATUSES)
    for case in cases.select_related("authority__municipality", "unit").order_by("pk"):
        line_text = f"Från {case.unit} till {target}; handläggaren och behörighetsgruppen är kvar."
        if run.apply:
            before = {"unit": case.unit_id}
            add_to_timeline(
                case,
                "reorganised",
                f"Ansvarig enhet blev {target} genom omorganisationen {reorganisation.title}.",
                run.actor,
            )
            case.unit = target
            case.save(update_fields=["unit"])
            record(
                actor=run.actor,
                action="reorganisation.move_case",
                obj=case,
                before=before,
                after={"unit": target.pk, "reorganisation": reorganisation.pk},
            )
            search_index.index_case(case)
        run.line(Kind.CASE, Outcome.MOVED, case.case_number, case.case_number, line_text, case=case)
    closed = Case.objects.filter(unit__in=sources).exclude(status__in=OPEN_STATUSES).count()
    if closed:
        run.line(
            Kind.CASE,
            Outcome.NOT_MOVED,
            "",
            "",
            f"{closed} avslutade eller makulerade ärenden behåller sin enhet som historik.",
        )
    for person in User.objects.filter(unit__in=sources).order_by("username"):
        run.line(Kind.UNIT, Outcome.MOVED, str(person.unit), str(target), f"{person} byter enhet.")
        if run.apply:
            before = {"unit": person.unit_id}
            person.unit = target
            person.save(update_fields=["unit"])
            record(
                actor=run.actor,
                action="reorganisation.move_staff",
                obj=person,
                before=before,
                after={"unit": target.pk},
            )
    for unit in sources:
        for child in unit.children.valid_on(today).order_by("name"):
            run.line(
                Kind.UNIT,
                Outcome.TO_DO,
                str(child),
                str(unit),
                f"{child} ligger under {unit}, som upphör: ange var den ska höra hemma.",
            )
        ends = max(unit.valid_from, today - datetime.timedelta(days=1))
        run.line(
            Kind.UNIT,
            Outcome.MOVED,
            str(unit),
            str(target),
            f"{unit} upphör {ends.isoformat()} och efterträds av {target}.",
        )
        if run.apply:
            authorities = list(unit.authorities.all())
            unit.valid_to = ends
            unit.save(update_fields=["valid_to"])
            unit.successors.add(target)
            target.authorities.add(*authorities)
            record(
                actor=run.actor,
                action="reorganisation.end_unit",
                obj=unit,
                after={"valid_to": ends, "successor": target.pk},
            )
