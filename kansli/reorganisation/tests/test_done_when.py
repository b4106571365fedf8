"""Issue 15, done when: "Moving a responsibility between two demo authorities moves its
open cases with their access groups, and an officer of the old authority who has no
role in the new one can no longer read the moved secret documents"."""

import pytest
from django.core.management import call_command

from kansli.access.models import Membership
from kansli.access.rules import forget
from kansli.files.store import store_bytes
from kansli.org.models import Authority, Role, RoleAssignment, User
from kansli.registry import actions as registry
from kansli.registry.models import Case, Document
from kansli.registry.models.cases import OPEN_STATUSES
from kansli.registry.testing import make_incoming, make_provision
from kansli.reorganisation import actions
from kansli.reorganisation.demo import PROCESS, TITLE
from kansli.reorganisation.models import Reorganisation
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db


def test_moving_a_demo_responsibility_takes_its_open_cases_and_groups_and_shuts_out_old_staff():
    call_command("demo", "--no-serve", "--scale", "0.02")
    kfn, ks = Authority.objects.get(code="KFN"), Authority.objects.get(code="KS")
    reorganisation = Reorganisation.objects.get(title=TITLE, carried_out_at=None)
    process = reorganisation.classifications.get(code=PROCESS)
    # A secret letter with a file in an open case of the process (the small demo may
    # have none of its own open, so one is registered as the registrar would).
    case = registry.do_register_case(kfn, "Ansökan om folkhälsobidrag", classification=process,
                                     actor=None)  # fmt: skip
    secret = make_incoming(case, description="Läkarintyg för sökanden")
    registry.do_mark_secrecy(secret, make_provision("OSL 25 kap. 1 §"), actor=None)
    stored = store_bytes(b"%PDF-1.4 intyg", "intyg.pdf")
    registry.do_attach_file(secret, stored, "intyg.pdf", actor=None)
    file_url = f"/arenden/{case.pk}/handlingar/{secret.number}/filer/{secret.files.get().pk}/"
    open_before = set(
        Case.objects.filter(
            authority=kfn, classification=process, status__in=OPEN_STATUSES
        ).values_list("pk", flat=True)
    )
    closed_before = set(
        Case.objects.filter(authority=kfn, classification=process)
        .exclude(status__in=OPEN_STATUSES).values_list("pk", flat=True)
    )  # fmt: skip
    old_group = Case.objects.get(pk=case.pk).access_group
    # Staff of KFN in the case's access group with no role in KS.
    ks_staff = RoleAssignment.objects.valid_on().filter(authority=ks).values("user")
    members = Membership.objects.valid_on().filter(group=old_group).values("user")
    old_staff = User.objects.filter(pk__in=members, roles__authority=kfn).exclude(pk__in=ks_staff)
    officer = old_staff.filter(roles__role__in=[Role.MANAGER, Role.REGISTRAR]).distinct().first()
    assert officer is not None
    assert Document.objects.visible_to(officer).filter(pk=secret.pk).exists()
    assert signed_in(officer).get(file_url).status_code == 200
    api = api_client(officer)
    assert api.get(f"/api/v1/documents/{secret.pk}").status_code == 200

    admin = User.objects.get(username="admin")
    preview = actions.preview(reorganisation)
    assert any(line.old_reference == case.case_number for line in preview)
    done = actions.do_carry_out_reorganisation(reorganisation, actor=admin)

    moved = Case.objects.filter(pk__in=open_before)
    assert moved.count() == len(open_before) and set(moved.values_list("authority", flat=True)) == {
        ks.pk
    }
    assert all(c.access_group.authority_id == ks.pk for c in moved if c.access_group)
    assert set(Case.objects.filter(pk__in=closed_before).values_list("authority", flat=True)) <= {
        kfn.pk
    }
    moved_case = Case.objects.get(pk=case.pk)
    assert moved_case.access_group is not None and moved_case.access_group.authority == ks
    assert done.lines.filter(case=moved_case, new_reference=moved_case.case_number).exists()

    forget(officer)
    assert not Document.objects.visible_to(officer).filter(pk=secret.pk).exists()
    client = signed_in(officer)
    assert client.get(file_url).status_code == 404
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert "Läkarintyg" not in page
    assert api.get(f"/api/v1/documents/{secret.pk}").status_code == 404
    detail = api.get(f"/api/v1/cases/{case.pk}")
    assert detail.status_code == 200 and "Läkarintyg" not in detail.content.decode()
