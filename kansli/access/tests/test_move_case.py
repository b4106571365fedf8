"""Choosing a case's access group from the case page and the API: who may, what it
changes (who reads the secret documents), and what is refused."""

from typing import NamedTuple

import pytest
from django.utils import translation
from django.utils.html import escape

from kansli.access.models import AccessGroup
from kansli.access.testing import make_access_group
from kansli.audit.models import AuditEvent
from kansli.org import actions as org_actions
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_unit, make_user
from kansli.registry.models import Case
from kansli.registry.testing import make_case, make_incoming, make_provision, make_registrar
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ks() -> Authority:
    return make_authority("KS", "Kommunstyrelsen")


class Groups(NamedTuple):
    general: AccessGroup
    hr: AccessGroup
    general_member: User
    hr_member: User


@pytest.fixture
def groups(ks: Authority) -> Groups:
    """The authority's general group and the HR unit's, each with one member."""
    general_member = make_user("allman", roles=[(Role.OFFICER, ks)])
    hr_member = make_user("hr", roles=[(Role.OFFICER, ks)])
    general = make_access_group(ks, [general_member])
    hr = make_access_group(ks, [hr_member], unit=make_unit("HR"))
    return Groups(general, hr, general_member, hr_member)


@pytest.fixture
def case(ks: Authority, groups: Groups) -> Case:
    case = make_case("Personalärende", authority=ks)
    make_incoming(case, description="Läkarintyg", secrecy=make_provision())
    return case


def test_a_registrar_moves_the_case_and_so_changes_who_reads_its_secrets(
    case: Case, ks: Authority, groups: Groups
) -> None:
    hr, general_member, hr_member = groups.hr, groups.general_member, groups.hr_member
    assert "Läkarintyg" in signed_in(general_member).get(f"/arenden/{case.pk}/").content.decode()
    assert "Läkarintyg" not in signed_in(hr_member).get(f"/arenden/{case.pk}/").content.decode()
    registrar = make_registrar(ks, "registrator")
    client = signed_in(registrar)
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert f'action="/arenden/{case.pk}/behorighet/grupp/"' in page
    with translation.override("sv"):
        warning = translation.gettext(
            "Moving the case to another group changes who may read its secrecy-marked "
            "documents: the members of the chosen group may, those of the group it is in "
            "now no longer may (unless they are its officer or hold a grant for it)."
        )
    assert warning.startswith("Flyttas ärendet") and escape(warning) in page
    moved = client.post(f"/arenden/{case.pk}/behorighet/grupp/", {"group": hr.pk}, follow=True)
    case.refresh_from_db()
    assert case.access_group == hr
    assert "Ärendet ligger nu i behörighetsgruppen HR." in moved.content.decode()
    event = AuditEvent.objects.get(action="access.move_case")
    assert event.actor == registrar and event.after == {"access_group": hr.pk}
    assert "Läkarintyg" in signed_in(hr_member).get(f"/arenden/{case.pk}/").content.decode()
    assert (
        "Läkarintyg" not in signed_in(general_member).get(f"/arenden/{case.pk}/").content.decode()
    )


def test_who_may_not_move_it_gets_no_form_and_is_refused(
    case: Case, ks: Authority, groups: Groups
) -> None:
    hr, general = groups.hr, groups.general
    officer = signed_in(make_user("handlaggare", roles=[(Role.OFFICER, ks)]))
    assert "/behorighet/grupp/" not in officer.get(f"/arenden/{case.pk}/").content.decode()
    assert officer.get(f"/arenden/{case.pk}/behorighet/grupp/").status_code == 403
    assert (
        officer.post(f"/arenden/{case.pk}/behorighet/grupp/", {"group": hr.pk}).status_code == 403
    )
    bun_group = make_access_group(make_authority("BUN", "Barn- och utbildningsnämnden"))
    registrar = signed_in(make_registrar(ks, "registrator"))
    foreign = registrar.post(f"/arenden/{case.pk}/behorighet/grupp/", {"group": bun_group.pk})
    assert foreign.status_code == 200 and 'role="alert"' in foreign.content.decode()
    case.refresh_from_db()
    assert case.access_group == general
    assert not AuditEvent.objects.filter(action="access.move_case", actor__isnull=False).exists()


def test_a_case_outside_the_users_registry_is_not_found(case: Case, groups: Groups) -> None:
    neighbour = org_actions.do_create_authority(
        org_actions.do_create_municipality("Grannkommun", actor=None),
        Authority.Kind.EXECUTIVE, "GKS", "Grannens KS", actor=None,
    )  # fmt: skip
    outsider = signed_in(make_registrar(neighbour, "grannreg"))
    url = f"/arenden/{case.pk}/behorighet/grupp/"
    assert outsider.post(url, {"group": groups.hr.pk}).status_code == 404
    answer = api_client(make_registrar(neighbour, "grannreg2")).put(
        f"/api/v1/cases/{case.pk}/access-group", {"group_id": groups.hr.pk},
        content_type="application/json",
    )  # fmt: skip
    assert (answer.status_code, answer.json()) == (404, {"detail": "Hittades inte."})
    case.refresh_from_db()
    assert case.access_group == groups.general


def test_the_api_lists_the_groups_and_moves_the_case(
    case: Case, ks: Authority, groups: Groups
) -> None:
    hr, general = groups.hr, groups.general
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    client = api_client(manager)
    listed = client.get(f"/api/v1/cases/{case.pk}/access-groups").json()
    assert {(g["id"], g["unit"]) for g in listed} == {(general.pk, None), (hr.pk, "HR")}
    url = f"/api/v1/cases/{case.pk}/access-group"
    answer = client.put(url, {"group_id": hr.pk}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["access_group"] == {"id": hr.pk, "name": "HR", "unit": "HR"}
    case.refresh_from_db()
    assert case.access_group == hr
    assert AuditEvent.objects.get(action="access.move_case", actor=manager).after == {
        "access_group": hr.pk
    }
    bun_group = make_access_group(make_authority("BUN", "Barn- och utbildningsnämnden"))
    foreign = client.put(url, {"group_id": bun_group.pk}, content_type="application/json")
    assert (foreign.status_code, foreign.json()["errors"]) == (
        422, {"group_id": ["KS har ingen sådan grupp."]},
    )  # fmt: skip
    officer = api_client(make_user("handlaggare", roles=[(Role.OFFICER, ks)]))
    refused = officer.put(url, {"group_id": general.pk}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Du har inte behörighet att ändra behörigheter för KS."}
    # Not allowed is said first, whatever the group: neither the group's id nor the
    # list of groups is answered to one who may not move the case.
    unknown = officer.put(url, {"group_id": 999_999}, content_type="application/json")
    assert unknown.status_code == 403
    assert officer.get(f"/api/v1/cases/{case.pk}/access-groups").status_code == 403
    case.refresh_from_db()
    assert case.access_group == hr
