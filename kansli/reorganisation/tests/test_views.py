import pytest

from kansli.access.models import Membership
from kansli.meetings.actions.agenda import do_preregister_item
from kansli.meetings.testing import make_meeting
from kansli.org.testing import make_unit
from kansli.registry import actions as registry
from kansli.registry.models import Case, Party
from kansli.reorganisation import actions
from kansli.reorganisation.models import Reorganisation
from kansli.reorganisation.testing import make_world, process
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


def urls(reorganisation):
    pk = reorganisation.pk
    return ["/omorganisation/", "/omorganisation/ny/ansvar/", "/omorganisation/ny/enheter/",
            f"/omorganisation/{pk}/", f"/omorganisation/{pk}/rapport.csv"]  # fmt: skip


def test_administrator_plans_previews_and_carries_out_from_the_pages():
    world = make_world()
    client = signed_in(world.admin)
    assert client.get("/omorganisation/ny/ansvar/").status_code == 200
    response = client.post("/omorganisation/ny/ansvar/", {
        "title": "Folkhälsa till KS", "source_authority": world.kfn.pk,
        "target_authority": world.ks.pk, "case_numbers": world.case.case_number,
    })  # fmt: skip
    reorganisation = Reorganisation.objects.get()
    assert response.status_code == 302 and response.url == f"/omorganisation/{reorganisation.pk}/"
    preview = client.get(response.url).content.decode()
    assert world.case.case_number in preview and "Genomför omorganisationen" in preview
    assert Case.objects.get(pk=world.case.pk).authority == world.kfn  # nothing moved yet
    done = client.post(f"/omorganisation/{reorganisation.pk}/genomfor/")
    assert done.status_code == 302
    case = Case.objects.get(pk=world.case.pk)
    assert case.authority == world.ks
    report = client.get(done.url).content.decode()
    assert case.case_number in report and "Genomför omorganisationen" not in report
    csv = client.get(f"/omorganisation/{reorganisation.pk}/rapport.csv").content.decode()
    assert world.case.case_number in csv and case.case_number in csv
    # The case page shows the earlier number.
    page = signed_in(world.both).get(f"/arenden/{case.pk}/").content.decode()
    assert "Tidigare diarienummer" in page and world.case.case_number in page


def test_bad_input_is_refused_in_swedish_and_nothing_saved():
    world = make_world()
    client = signed_in(world.admin)
    page = client.post("/omorganisation/ny/ansvar/", {
        "title": "X", "source_authority": world.kfn.pk, "target_authority": world.kfn.pk,
        "case_numbers": "KFN 2099/999",
    }).content.decode()  # fmt: skip
    assert "Det finns inget ärende KFN 2099/999." in page
    page = client.post("/omorganisation/ny/ansvar/", {
        "title": "X", "source_authority": world.kfn.pk, "target_authority": world.kfn.pk,
    }).content.decode()  # fmt: skip
    assert "Välj en annan myndighet att flytta till." in page
    unit = make_unit("Fritidsgården")
    page = client.post("/omorganisation/ny/enheter/", {
        "title": "Stängs", "units": [unit.pk], "target_unit": unit.pk,
    }).content.decode()  # fmt: skip
    assert "Den mottagande enheten kan inte själv upphöra." in page
    assert not Reorganisation.objects.exists()


def test_merging_units_from_the_page():
    world = make_world()
    old, target = make_unit("Ekonomikontoret"), make_unit("Kommunledningskontoret")
    client = signed_in(world.admin)
    response = client.post("/omorganisation/ny/enheter/", {
        "title": "Ett kontor", "units": [old.pk], "target_unit": target.pk,
    })  # fmt: skip
    reorganisation = Reorganisation.objects.get()
    client.post(f"/omorganisation/{reorganisation.pk}/genomfor/")
    old.refresh_from_db()
    assert response.status_code == 302 and old.valid_to is not None


def test_only_system_administrators_reach_the_pages():
    world = make_world()
    reorganisation = actions.do_plan_responsibility_move(
        world.kfn, world.ks, "Folkhälsa", cases=[world.case], actor=world.admin
    )
    for user in [world.kfn_manager, world.both, world.officer]:
        client = signed_in(user)
        for url in urls(reorganisation)[:3]:
            assert client.get(url).status_code == 403, (user, url)
        for url in urls(reorganisation)[3:]:  # like one that does not exist
            missing = url.replace(f"/{reorganisation.pk}/", "/999999/")
            assert client.get(url).status_code == client.get(missing).status_code == 404
        assert client.post(f"/omorganisation/{reorganisation.pk}/genomfor/").status_code == 403
    assert Case.objects.get(pk=world.case.pk).authority == world.kfn


def test_the_report_leaks_no_titles_protected_names_or_secret_items():
    """The administrator reads the report as a record of numbers and people; the
    cases' titles, a protected party's name and a non-public item's title stay out of
    it (OSL 21 kap. 3 §, 5 kap. 5 §): the administrator does not read secrets as such."""
    world = make_world()
    registry.do_add_party(world.case, "Hemlig Person", protected_identity=True, actor=None)
    registry.do_change_case(world.case, title="Insats för Hemlig Person", actor=None)
    meeting = make_meeting(world.body, days_ahead=20)
    item = do_preregister_item(meeting, world.case, title="Stöd till Hemlig Person", actor=None)
    assert Party.objects.filter(protected_identity=True).exists() and item.pk
    reorganisation = actions.do_plan_responsibility_move(
        world.kfn, world.ks, "Folkhälsa", classifications=[process(world.kfn, "3.5")],
        actor=world.admin,
    )  # fmt: skip
    client = signed_in(world.admin)
    for when in ["preview", "report"]:
        for url in urls(reorganisation)[3:]:
            body = client.get(url).content.decode()
            assert "Hemlig" not in body and "Läkarintyg" not in body, (when, url)
        if when == "preview":
            client.post(f"/omorganisation/{reorganisation.pk}/genomfor/")
    assert Membership.objects.filter(group__authority=world.ks, user=world.both).exists()


def test_the_admin_shows_the_report_read_only():
    world = make_world()
    reorganisation = actions.do_plan_responsibility_move(
        world.kfn, world.ks, "Folkhälsa", cases=[world.case], actor=world.admin
    )
    actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    client = signed_in(world.admin)
    url = f"/admin/reorganisation/reorganisation/{reorganisation.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and world.case.case_number in page.content.decode()
    assert client.post(url, {"title": "Annat"}).status_code == 403
    assert client.get("/admin/reorganisation/reorganisation/add/").status_code == 403


def test_the_earlier_number_finds_the_moved_case_in_the_staff_search():
    from kansli.search.query import search

    world = make_world()
    old, document = world.case.case_number, world.secret
    reorganisation = actions.do_plan_responsibility_move(
        world.kfn, world.ks, "Folkhälsa", cases=[world.case], actor=world.admin
    )
    actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)
    case = Case.objects.get(pk=world.case.pk)
    assert [hit.pk for hit in search(world.both, old).hits] == [document.pk]
    assert [hit.pk for hit in search(world.both, f"{old}-1").hits] == [document.pk]
    page = signed_in(world.both).get("/sok/", {"q": old.lower()}).content.decode()
    assert f"{case.case_number}-1" in page
    # Who may not read the secret document does not find it by its earlier number either.
    assert search(world.kfn_manager, old).hits == []


def test_the_receiving_secretary_reads_the_report_once_carried_out():
    from kansli.org.models import Role
    from kansli.org.testing import make_user

    world = make_world()
    secretary = make_user("kssekr", roles=[(Role.SECRETARY, world.ks)])
    kfn_secretary = make_user("kfnsekr", roles=[(Role.SECRETARY, world.kfn)])
    meeting = make_meeting(world.body, days_ahead=20)
    do_preregister_item(meeting, world.case, title="Folkhälsoinsats", actor=None)
    reorganisation = actions.do_plan_responsibility_move(
        world.kfn, world.ks, "Folkhälsa", cases=[world.case], actor=world.admin
    )
    report, csv = urls(reorganisation)[3:]
    assert signed_in(secretary).get(report).status_code == 404  # not before
    actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)
    client = signed_in(secretary)
    page = client.get(report).content.decode()
    assert str(meeting) in page and "Genomför omorganisationen" not in page
    assert client.get(csv).status_code == 200
    assert client.get("/omorganisation/").status_code == 403
    assert client.post(f"/omorganisation/{reorganisation.pk}/genomfor/").status_code == 403
    assert signed_in(kfn_secretary).get(report).status_code == 404
