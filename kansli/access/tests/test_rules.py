"""The read gate: who reads open and secrecy-marked registrations."""

import datetime

import pytest
from django.utils import timezone

from kansli.access import actions
from kansli.access.groups import default_group
from kansli.access.rules import forget, may_read, may_read_secrets, may_see_protected_identities
from kansli.access.testing import make_access_group
from kansli.org import actions as org
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_sysadmin, make_unit, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.registry.testing import make_case, make_incoming, make_provision

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def secret_document() -> Document:
    document = make_incoming(make_case("Personalärende"), description="Läkarintyg")
    return registry.do_mark_secrecy(document, make_provision(), actor=None)


def readers(document: Document, *users: object) -> list[bool]:
    result = []
    for user in users:
        forget(user)
        listed = Document.objects.visible_to(user).filter(pk=document.pk).exists()
        assert listed == may_read(user, document)  # the query and the check agree
        result.append(listed)
    return result


def test_open_registrations_are_read_by_all_staff_of_the_municipality() -> None:
    ks = make_authority("KS")
    document = make_incoming(make_case())
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    elected = make_user("politiker", roles=[(Role.ELECTED, ks)])
    nobody = make_user("ingen")
    neighbour_town = org.do_create_municipality("Grannby kommun", actor=None)
    theirs = org.do_create_authority(neighbour_town, "ks", "GKS", "Grannby KS", actor=None)
    neighbour = make_user("granne", roles=[(Role.REGISTRAR, theirs)])
    assert readers(document, officer, make_sysadmin(), elected, nobody, neighbour) == [
        True, True, False, False, False,
    ]  # fmt: skip


def test_a_secret_document_is_read_by_group_members_grants_and_its_officer() -> None:
    ks = make_authority("KS")
    document = secret_document()
    member, colleague, officer, covering = (
        make_user(name, roles=[(Role.OFFICER, ks)])
        for name in ("hr", "kollega", "handl", "vikarie")
    )
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [member])
    registry.do_assign_officer(document.case, officer, actor=None)
    actions.do_grant_access(
        document.case, covering, "Vikarierar under semestern", last_day=TODAY, actor=None
    )
    document.case.refresh_from_db()
    assert readers(document, member, officer, covering, colleague, registrar, make_sysadmin()) == [
        True, True, True, False, False, False,
    ]  # fmt: skip


def test_a_grant_holds_only_for_its_period_and_a_membership_until_it_ends() -> None:
    ks = make_authority("KS")
    document = secret_document()
    covering = make_user("vikarie", roles=[(Role.OFFICER, ks)])
    member = make_user("hr", roles=[(Role.OFFICER, ks)])
    group = make_access_group(ks, [member])
    actions.do_grant_access(
        document.case, covering, "Granskning", first_day=TODAY - datetime.timedelta(days=10),
        last_day=TODAY - datetime.timedelta(days=1), actor=None,
    )  # fmt: skip
    assert readers(document, covering) == [False]
    actions.do_end_membership(group.memberships.get(user=member), actor=None)
    assert readers(document, member) == [False]


def test_whoever_registered_or_marked_it_still_reads_it() -> None:
    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    marker = make_user("markerare", roles=[(Role.REGISTRAR, ks)])
    document = make_incoming(make_case(), description="Utredning")
    registered = registry.do_register_document(
        document.case, "inkommen", TODAY, "Läkarintyg", counterpart="Vårdcentralen",
        secrecy=make_provision(), actor=registrar,
    )  # fmt: skip
    registry.do_mark_secrecy(document, make_provision(), actor=marker)
    assert readers(registered, registrar, marker) == [True, False]
    assert readers(document, registrar, marker) == [False, True]


def test_a_new_case_gets_its_units_group_or_the_nearest_above_or_the_general_one() -> None:
    ks = make_authority("KS")
    office = make_unit("Kommunledningskontoret")
    hr = make_unit("HR-avdelningen", parent=office)
    pay = make_unit("Lönegruppen", parent=hr)
    planning = make_unit("Planavdelningen", parent=office)
    general = make_access_group(ks)
    hr_group = make_access_group(ks, unit=hr)
    assert default_group(ks, pay) == hr_group
    assert default_group(ks, planning) == general
    assert default_group(ks, None) == general
    assert make_case("Rekrytering", authority=ks, unit=pay).access_group == hr_group


def test_protected_identities_are_for_the_officer_and_the_registrars() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    case = make_case(authority=ks)
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    registry.do_assign_officer(case, officer, actor=None)
    ks_registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    bun_registrar = make_user("bunreg", roles=[(Role.REGISTRAR, bun)])
    colleague = make_user("kollega", roles=[(Role.OFFICER, ks)])
    seen = [
        may_see_protected_identities(u, case)
        for u in (officer, ks_registrar, bun_registrar, colleague, make_sysadmin())
    ]
    assert seen == [True, True, False, False, False]


def test_who_needs_a_second_factor() -> None:
    ks = make_authority("KS")
    needs = [
        make_user(n, roles=[(r, ks)])
        for n, r in (
            ("reg", Role.REGISTRAR),
            ("handl", Role.OFFICER),
            ("chef", Role.MANAGER),
            ("sekr", Role.SECRETARY),
            ("politiker", Role.ELECTED),
        )
    ]
    archivist = make_user("arkiv", roles=[(Role.ARCHIVIST, ks)])
    assert all(may_read_secrets(user) for user in needs)  # elected: the member portal
    assert not may_read_secrets(archivist)
    make_access_group(ks, [archivist])
    forget(archivist)
    assert may_read_secrets(archivist)
