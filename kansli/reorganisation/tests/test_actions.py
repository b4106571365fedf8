import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.access.models import AccessGroup, Grant
from kansli.access.rules import forget
from kansli.audit.models import AuditEvent
from kansli.meetings.actions.agenda import do_preregister_item
from kansli.meetings.actions.delegation import do_add_delegation_point
from kansli.meetings.models import AgendaItem
from kansli.meetings.testing import make_meeting
from kansli.org.models import Role
from kansli.org.testing import make_unit, make_user
from kansli.registry.models import Case, CaseCounter, Document
from kansli.registry.testing import make_case
from kansli.reorganisation import actions
from kansli.reorganisation.models import Line, Outcome, PreviousCaseNumber
from kansli.reorganisation.testing import make_world, process

pytestmark = pytest.mark.django_db


def plan(world, **kwargs):
    kwargs.setdefault("classifications", [process(world.kfn, "3.5")])
    return actions.do_plan_responsibility_move(
        world.kfn, world.ks, "Folkhälsa till KS", actor=world.admin, **kwargs
    )


def readable(user, document):
    forget(user)
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


def test_moves_open_cases_of_the_process_with_a_new_number_linked_to_the_old():
    world = make_world()
    old = world.case.case_number
    ks_before = CaseCounter.objects.filter(authority=world.ks).first()
    taken = ks_before.last_number if ks_before else 0
    reorganisation = actions.do_carry_out_reorganisation(plan(world), actor=world.admin)

    case = Case.objects.get(pk=world.case.pk)
    year = timezone.localdate().year
    assert (case.authority, case.year, case.number) == (world.ks, year, taken + 1)
    assert case.officer == world.officer  # the officer stays the officer
    assert case.classification == process(world.ks, "3.5.1")
    assert case.previous_numbers.get().reference == old
    assert case.documents.get() == world.secret  # documents follow the case
    assert "Flyttat från Kultur- och fritidsnämnden" in case.timeline.last().text
    event = AuditEvent.objects.get(action="reorganisation.move_case", object_id=str(case.pk))
    assert event.before["case_number"] == old and event.after["case_number"] == case.case_number
    # Closed cases and cases of other processes stay with the authority that made them.
    assert Case.objects.get(pk=world.closed.pk).authority == world.kfn
    assert Case.objects.get(pk=world.other.pk).authority == world.kfn
    moved = reorganisation.lines.get(kind=Line.Kind.CASE, outcome=Outcome.MOVED)
    assert (moved.old_reference, moved.new_reference) == (old, case.case_number)
    assert reorganisation.lines.filter(outcome=Outcome.NOT_MOVED, text__contains="arkivbildare")
    # The old series' counter is untouched: the old number is never given again.
    assert make_case(authority=world.kfn).number == world.closed.number + 1


def test_access_group_follows_and_staff_without_a_role_in_the_new_authority_lose_access():
    world = make_world()
    assert readable(world.kfn_manager, world.secret) and readable(world.both, world.secret)
    reorganisation = actions.do_carry_out_reorganisation(plan(world), actor=world.admin)
    case = Case.objects.get(pk=world.case.pk)
    ks_group = AccessGroup.objects.get(authority=world.ks, unit=None)
    assert case.access_group == ks_group
    assert not readable(world.kfn_manager, world.secret)
    assert readable(world.both, world.secret)  # has a role in KS: came with the group
    assert readable(world.officer, world.secret)  # still the case's officer
    # The old group stays with KFN for the cases that stay.
    assert Case.objects.get(pk=world.other.pk).access_group == world.group
    texts = list(reorganisation.lines.values_list("outcome", "text"))
    assert any(o == Outcome.NOT_MOVED and "kfnchef" in t for o, t in texts)
    assert any(o == Outcome.TO_DO and "ingen roll i KS" in t for o, t in texts)  # the officer


def test_a_group_the_receiving_authority_lacks_is_recreated_there():
    world = make_world()
    unit = make_unit("Folkhälsoenheten")
    unit_group = AccessGroup.objects.create(authority=world.kfn, unit=unit, name="Folkhälsa")
    Case.objects.filter(pk=world.case.pk).update(access_group=unit_group, unit=unit)
    done = actions.do_carry_out_reorganisation(plan(world), actor=world.admin)
    note = done.lines.get(kind=Line.Kind.UNIT)  # the unit does not serve KS
    assert note.outcome == Outcome.TO_DO and "ange en ny ansvarig enhet" in note.text
    recreated = AccessGroup.objects.get(authority=world.ks, unit=unit)
    assert recreated.name == "Folkhälsa"
    assert Case.objects.get(pk=world.case.pk).access_group == recreated


def test_grants_end_for_those_without_a_role_in_the_new_authority():
    world = make_world()
    helper = make_user("vikarie", roles=[(Role.OFFICER, world.kfn)])
    Grant.objects.create(case=world.case, user=helper, reason="Semester")
    assert readable(helper, world.secret)
    actions.do_carry_out_reorganisation(plan(world), actor=world.admin)
    assert not readable(helper, world.secret)


def test_pending_items_are_withdrawn_and_listed_and_delegation_points_reported():
    world = make_world()
    meeting = make_meeting(world.body, days_ahead=20)
    item = do_preregister_item(meeting, world.case, title="Folkhälsoinsats", actor=None)
    point = do_add_delegation_point(
        world.kfn,
        "4.1",
        "Folkhälsobidrag",
        "Förvaltningschef",
        classifications=[process(world.kfn, "3.5.1")],
        actor=None,
    )
    reorganisation = actions.do_carry_out_reorganisation(plan(world), actor=world.admin)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    listed = reorganisation.lines.get(kind=Line.Kind.ITEM)
    assert listed.outcome == Outcome.TO_DO and str(meeting) in listed.text
    delegation = reorganisation.lines.get(kind=Line.Kind.DELEGATION)
    assert str(point) in delegation.old_reference and "KL 6 kap. 37 §" in delegation.text
    assert point.authority == world.kfn  # nothing invented for KS


def test_a_case_on_a_dispatched_agenda_stays_and_is_listed():
    world = make_world()
    meeting = make_meeting(world.body, days_ahead=20)
    do_preregister_item(meeting, world.case, title="Folkhälsoinsats", actor=None)
    type(meeting).objects.filter(pk=meeting.pk).update(dispatched_at=timezone.now())
    reorganisation = actions.do_carry_out_reorganisation(plan(world), actor=world.admin)
    assert Case.objects.get(pk=world.case.pk).authority == world.kfn
    line = reorganisation.lines.get(kind=Line.Kind.CASE, outcome=Outcome.NOT_MOVED, case=world.case)
    assert "redan har skickats ut" in line.text


def test_preview_lists_the_same_lines_and_changes_nothing():
    world = make_world()
    reorganisation = plan(world)
    lines = actions.preview(reorganisation)
    assert Case.objects.get(pk=world.case.pk).authority == world.kfn
    assert not Line.objects.exists() and not PreviousCaseNumber.objects.exists()
    assert not AccessGroup.objects.filter(authority=world.ks).exclude(unit=None).exists()
    done = actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)
    assert [(x.kind, x.outcome, x.old_reference) for x in lines] == list(
        done.lines.values_list("kind", "outcome", "old_reference")
    )


def test_nothing_is_half_moved_when_one_case_fails(monkeypatch):
    world = make_world()
    second = make_case(
        "Folkhälsodag", authority=world.kfn, classification=process(world.kfn, "3.5")
    )
    reorganisation = plan(world)
    real = actions.next_case_number
    calls = []

    def failing(authority, year):
        calls.append(authority)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(authority, year)

    monkeypatch.setattr(actions, "next_case_number", failing)
    with pytest.raises(RuntimeError):
        actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)
    assert set(
        Case.objects.filter(pk__in=[world.case.pk, second.pk]).values_list("authority", flat=True)
    ) == {world.kfn.pk}
    assert not PreviousCaseNumber.objects.exists() and not Line.objects.exists()
    reorganisation.refresh_from_db()
    assert reorganisation.carried_out_at is None
    assert not CaseCounter.objects.filter(authority=world.ks, last_number__gt=0).exists()


def test_only_a_system_administrator_plans_and_carries_out():
    world = make_world()
    with pytest.raises(PermissionDenied):
        actions.do_plan_responsibility_move(
            world.kfn, world.ks, "X", cases=[world.case], actor=world.kfn_manager
        )
    reorganisation = plan(world)
    with pytest.raises(PermissionDenied):
        actions.do_carry_out_reorganisation(reorganisation, actor=world.both)
    actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)
    with pytest.raises(ValidationError):
        actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)


def test_plan_is_checked():
    world = make_world()
    with pytest.raises(ValidationError) as error:
        actions.do_plan_responsibility_move(world.kfn, world.kfn, "", actor=world.admin)
    assert {"title", "target_authority", "classifications"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        actions.do_plan_responsibility_move(
            world.kfn, world.ks, "X", classifications=[process(world.ks, "3.5")], actor=world.admin
        )


def test_explicit_list_and_unit_select_cases():
    world = make_world()
    reorganisation = plan(world, classifications=[], cases=[world.other])
    assert list(actions.selected_cases(reorganisation)) == [world.other]
    unit = make_unit("Folkhälsoenheten")
    Case.objects.filter(pk=world.closed.pk).update(unit=unit)
    by_unit = plan(world, classifications=[], units=[unit])
    assert list(actions.selected_cases(by_unit)) == [world.closed]
    done = actions.do_carry_out_reorganisation(by_unit, actor=world.admin)
    assert not done.lines.filter(outcome=Outcome.MOVED).exists()  # closed: stays


def test_merging_units_moves_open_cases_and_staff_and_ends_the_units():
    world = make_world()
    old_a, old_b = make_unit("Ekonomikontoret"), make_unit("Personalkontoret")
    target = make_unit("Kommunledningskontoret")
    Case.objects.filter(pk=world.case.pk).update(unit=old_a)
    Case.objects.filter(pk=world.closed.pk).update(unit=old_b)
    person = make_user("ekonom", unit=old_b)
    reorganisation = actions.do_plan_unit_merge(
        [old_a, old_b], target, "Ett kontor", actor=world.admin
    )
    actions.do_carry_out_reorganisation(reorganisation, actor=world.admin)
    assert Case.objects.get(pk=world.case.pk).unit == target
    assert Case.objects.get(pk=world.closed.pk).unit == old_b  # closed: history
    person.refresh_from_db()
    assert person.unit == target
    old_a.refresh_from_db()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert old_a.valid_to == max(old_a.valid_from, yesterday)
    assert list(old_a.successors.all()) == [target]
    assert Case.objects.get(pk=world.case.pk).officer == world.officer


def test_closing_a_unit_needs_another_receiving_unit():
    world = make_world()
    unit = make_unit("Fritidsgården")
    with pytest.raises(ValidationError):
        actions.do_plan_unit_merge([unit], unit, "Stängs", actor=world.admin)


def test_a_case_with_an_unanswered_request_for_its_documents_stays_and_is_listed():
    from kansli.requests.models import AccessRequest
    from kansli.requests.testing import make_request

    world = make_world()
    request = make_request(world.kfn, documents=[world.secret])
    reorganisation = actions.do_carry_out_reorganisation(plan(world), actor=world.admin)
    assert Case.objects.get(pk=world.case.pk).authority == world.kfn
    line = reorganisation.lines.get(case=world.case)
    assert line.outcome == Outcome.NOT_MOVED and "inte besvarad" in line.text
    # The request's own case is the requested authority's and does not move either.
    assert AccessRequest.objects.get(pk=request.pk).case.authority == world.kfn


def test_a_case_whose_meeting_is_held_without_minutes_yet_stays():
    world = make_world()
    meeting = make_meeting(world.body, days_ahead=20)
    do_preregister_item(meeting, world.case, title="Folkhälsoinsats", actor=None)
    past = timezone.now() - datetime.timedelta(days=2)
    type(meeting).objects.filter(pk=meeting.pk).update(starts_at=past)
    reorganisation = actions.do_carry_out_reorganisation(plan(world), actor=world.admin)
    line = reorganisation.lines.get(case=world.case)
    assert line.outcome == Outcome.NOT_MOVED and "protokollet är inte klart" in line.text
