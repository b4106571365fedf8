"""The receiving authority's choice: moved cases keep their case numbers. The number
stays in the series it was taken from (Case.series): the case page, a new document,
the staff search and the public e-diary show and find it by that number, while the
case belongs to the receiving authority; neither series gives the number again."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.registry.models import Case, CaseCounter
from kansli.registry.testing import make_case, make_incoming
from kansli.reorganisation import actions
from kansli.reorganisation.models import Line, Outcome, PreviousCaseNumber
from kansli.reorganisation.testing import make_world, process
from kansli.search.query import public_search, search
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


def keep(world):
    planned = actions.do_plan_responsibility_move(
        world.kfn, world.ks, "Folkhälsa till KS", classifications=[process(world.kfn, "3.5")],
        keep_numbers=True, actor=world.admin,
    )  # fmt: skip
    return actions.do_carry_out_reorganisation(planned, actor=world.admin)


def test_a_moved_case_keeps_its_number_and_its_documents_go_on_from_it():
    world = make_world()
    old = world.case.case_number
    ks_counter = CaseCounter.objects.filter(authority=world.ks).first()
    ks_taken = ks_counter.last_number if ks_counter else 0
    reorganisation = keep(world)

    case = Case.objects.get(pk=world.case.pk)
    assert case.authority == world.ks and case.series == world.kfn
    assert (case.case_number, case.year, case.number) == (old, world.case.year, world.case.number)
    assert not PreviousCaseNumber.objects.filter(case=case).exists()
    assert make_incoming(case).document_number == f"{old}-2"
    # KS's own series goes on from its own counter; KFN's never gives the number again.
    assert make_case(authority=world.ks).number == ks_taken + 1
    assert make_case(authority=world.kfn).number == world.closed.number + 1
    line = reorganisation.lines.get(kind=Line.Kind.CASE, outcome=Outcome.MOVED)
    assert (line.old_reference, line.new_reference) == (old, old)
    event = AuditEvent.objects.get(action="reorganisation.move_case", object_id=str(case.pk))
    assert event.after["series"] == "KFN" and event.after["authority"] == "KS"
    assert event.after["case_number"] == old
    page = signed_in(world.both).get(f"/arenden/{case.pk}/")
    assert page.status_code == 200 and old in page.content.decode()


def test_a_kept_number_never_collides_with_the_receiving_series():
    world = make_world()
    keep(world)
    case = Case.objects.get(pk=world.case.pk)
    # KS may hold its own case with the same year and number: another series.
    clash = Case(authority=world.ks, year=case.year, number=case.number, title="KS eget",
                 opened_at=case.opened_at)  # fmt: skip
    clash.save()
    assert clash.case_number != case.case_number
    # But a second case in the kept series with that number is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(authority=world.kfn, year=case.year, number=case.number,
                            title="Dubblett", opened_at=case.opened_at)  # fmt: skip


def test_search_finds_the_moved_case_by_its_kept_number_and_not_under_the_receiving_series():
    world = make_world()
    keep(world)
    case = Case.objects.get(pk=world.case.pk)
    found = search(world.both, f"KFN {case.year}/{case.number}").hits
    assert [hit.case.pk for hit in found] == [case.pk]
    assert not search(world.both, f"KS {case.year}/{case.number}").hits
    # The authority filter is the authority it belongs to now.
    assert search(world.both, "Västerby", authority=world.ks).hits
    assert not search(world.both, "Västerby", authority=world.kfn).hits


def test_the_public_diary_shows_and_finds_it_by_its_kept_number():
    world = make_world()
    open_document = make_incoming(world.case, description="Ansökan om bidrag")
    keep(world)
    case = Case.objects.get(pk=world.case.pk)
    hits = public_search(f"KFN {case.year}/{case.number}").hits
    assert open_document.pk in hits
    page = Client().get(f"/diarium/KFN/{case.year}/{case.number}/")
    assert page.status_code == 200 and case.case_number in page.content.decode()
    assert Client().get(f"/diarium/KS/{case.year}/{case.number}/").status_code == 404


def test_moved_back_the_case_is_in_its_own_series_again():
    world = make_world()
    keep(world)
    case = Case.objects.get(pk=world.case.pk)
    back = actions.do_plan_responsibility_move(
        world.ks, world.kfn, "Folkhälsa tillbaka", cases=[case], keep_numbers=True,
        actor=world.admin,
    )  # fmt: skip
    actions.do_carry_out_reorganisation(back, actor=world.admin)
    case.refresh_from_db()
    assert case.authority == world.kfn and case.series is None
    assert case.case_number == world.case.case_number


def test_the_choice_is_made_on_the_planning_page_and_shown_in_the_preview():
    world = make_world()
    client = signed_in(world.admin)
    form = client.get("/omorganisation/ny/ansvar/").content.decode()
    assert "Varje ärende behåller sitt diarienummer" in form
    response = client.post("/omorganisation/ny/ansvar/", {
        "title": "Folkhälsa till KS", "source_authority": world.kfn.pk,
        "target_authority": world.ks.pk, "case_numbers": world.case.case_number,
        "keep_numbers": "1",
    })  # fmt: skip
    assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    assert "Varje ärende behåller sitt diarienummer" in preview
    assert "KS (nytt nummer)" not in preview
    client.post(f"{response.url}genomfor/")
    assert Case.objects.get(pk=world.case.pk).case_number == world.case.case_number


def test_the_receiving_authority_finds_the_case_by_its_kept_number() -> None:
    from kansli.registry.forms import find_case

    world = make_world()
    keep(world)
    case = Case.objects.get(pk=world.case.pk)
    typed = f"KFN {case.year}/{case.number}"
    assert find_case(world.both, typed, world.ks) == case  # e.g. putting it on KS's agenda
    assert find_case(world.both, typed, world.kfn) is None  # no longer KFN's
    assert find_case(world.both, typed) == case
