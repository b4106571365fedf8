"""Demo access: each authority's general access group with its registrars and managers,
the personnel cases of KS in the HR unit's group, and a few senders who are parties with
protected identity, so that the read gate and the public e-diary's masking can be seen.
Loaded after the registry; a second run finds what is there and adds nothing."""

from __future__ import annotations

from typing import Any

from kansli.access import actions
from kansli.access.models import AccessGroup, Membership
from kansli.org.models import Authority, Role, RoleAssignment, Unit, User
from kansli.registry import actions as registry
from kansli.registry.demo import PRIVATE_SENDERS
from kansli.registry.models import Case, Document

HR_UNIT = "HR-avdelningen"
PERSONNEL_CODES = ("2.2.3",)  # rehabilitation and other personnel cases (KLASSA example)
PROTECTED = {"KS": 2, "BUN": 3, "SN": 4}  # cases per authority with a protected party


def _people(authority: Authority, roles: list[Role], unit: Unit | None = None) -> list[User]:
    held = RoleAssignment.objects.valid_on().filter(authority=authority, role__in=roles)
    people = User.objects.filter(pk__in=held.values("user"))
    if unit is not None:
        people = people.filter(unit=unit)
    return list(people.order_by("username"))


def _group(authority: Authority, name: str, unit: Unit | None, members: list[User]) -> AccessGroup:
    group = AccessGroup.objects.filter(authority=authority, unit=unit).first()
    if group is None:
        group = actions.do_create_access_group(authority, name, unit=unit, actor=None)
    current = set(Membership.objects.valid_on().filter(group=group).values_list("user", flat=True))
    for person in members:
        if person.pk not in current:
            actions.do_add_member(group, person, actor=None)
    return group


def load(seed: int, scale: float, report: Any) -> list[Any]:
    groups = moved = protected = 0
    for authority in Authority.objects.order_by("code"):
        general = _group(authority, f"{authority.code} allmän", None,
                         _people(authority, [Role.REGISTRAR, Role.MANAGER]))  # fmt: skip
        groups += 1
        for case in authority.cases.filter(access_group__isnull=True):
            actions.do_move_case_to_group(case, general, actor=None)
        hr = Unit.objects.filter(name=HR_UNIT).first()
        if authority.code == "KS" and hr is not None:
            staff = _people(authority, [Role.OFFICER, Role.MANAGER], unit=hr)
            hr_group = _group(authority, "HR", hr, staff)
            groups += 1
            personnel = authority.cases.filter(classification__code__in=PERSONNEL_CODES)
            for case in personnel.exclude(access_group=hr_group):
                actions.do_move_case_to_group(case, hr_group, actor=None)
                moved += 1
        protected += _protect(authority)
    report(f"Behörighet: {groups} behörighetsgrupper, {moved} personalärenden i HR:s grupp, "
           f"{protected} parter med skyddade personuppgifter")  # fmt: skip
    return []


def _protect(authority: Authority) -> int:
    """Make the sender of a few of the authority's cases a party with protected
    identity (skyddade personuppgifter): the public e-diary then shows the sender as
    protected, and staff other than the officer and the registrars do not see the
    party."""
    wanted = PROTECTED.get(authority.code, 0)
    done = Case.objects.filter(authority=authority, parties__protected_identity=True).count()
    if done >= wanted:
        return 0
    # Only the demo diary's own cases: those that later loaders open (meetings, reports,
    # requests, e-services) would otherwise give a second run one more party.
    firsts = Document.objects.filter(
        case__authority=authority, case__parties__isnull=True, number=1,
        counterpart__in=PRIVATE_SENDERS, secrecy__isnull=True,
        case__external_id__startswith=f"demo-{authority.code}-",
    ).select_related("case").order_by("pk")  # fmt: skip
    chosen = list(firsts[: wanted - done])
    for first in chosen:
        registry.do_add_party(first.case, first.counterpart, protected_identity=True,
                              role="sökande", actor=None)  # fmt: skip
    return len(chosen)
