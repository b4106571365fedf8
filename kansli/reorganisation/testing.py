"""Test helpers: two authorities of one municipality with a shared process, cases,
access groups and a meeting, built through the real actions."""

from __future__ import annotations

from dataclasses import dataclass

from kansli.access.models import AccessGroup
from kansli.access.testing import make_access_group
from kansli.meetings.models import Body
from kansli.meetings.testing import make_body
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Case, Classification, Document
from kansli.registry.scheme import SchemeRow
from kansli.registry.testing import make_incoming, make_provision

SCHEME = [SchemeRow("3.5", "Folkhälsa"), SchemeRow("3.5.1", "Folkhälsoinsatser"),
          SchemeRow("3.6", "Bibliotek")]  # fmt: skip


@dataclass
class World:
    kfn: Authority
    ks: Authority
    admin: User
    kfn_manager: User  # a member of KFN's general group with no role in KS
    both: User  # a KFN registrar who is also a KS officer
    officer: User  # KFN officer of the cases, no role in KS
    group: AccessGroup
    body: Body
    case: Case
    secret: Document
    other: Case  # filed under another process, stays
    closed: Case


def process(authority: Authority, code: str) -> Classification:
    return Classification.objects.get(authority=authority, code=code)


def make_world() -> World:
    kfn = make_authority("KFN", "Kultur- och fritidsnämnden")
    ks = make_authority("KS", "Kommunstyrelsen")
    for authority in (kfn, ks):
        registry.do_load_classification_scheme(authority, SCHEME, actor=None)
    admin = make_sysadmin()
    manager = make_user("kfnchef", roles=[(Role.MANAGER, kfn)])
    both = make_user("bada", roles=[(Role.REGISTRAR, kfn), (Role.OFFICER, ks)])
    officer = make_user("kfnhand", roles=[(Role.OFFICER, kfn)], first_name="Olle")
    group = make_access_group(kfn, [manager, both])
    make_access_group(ks, [])
    case = registry.do_register_case(
        kfn, "Folkhälsoinsats i Västerby", classification=process(kfn, "3.5.1"), actor=None
    )
    registry.do_assign_officer(case, officer, actor=None)
    secret = make_incoming(case, description="Läkarintyg")
    registry.do_mark_secrecy(secret, make_provision("OSL 25 kap. 1 §"), actor=None)
    other = registry.do_register_case(
        kfn, "Bibliotekets öppettider", classification=process(kfn, "3.6"), actor=None
    )
    closed = registry.do_register_case(
        kfn, "Folkhälsoenkät 2025", classification=process(kfn, "3.5"), actor=None
    )
    registry.do_change_case_status(closed, "avslutat", actor=None)
    return World(kfn, ks, admin, manager, both, officer, group, make_body(kfn), case, secret,
                 other, closed)  # fmt: skip
