import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.audit.chain import verify
from kansli.audit.models import AuditEvent
from kansli.org import actions as org_actions
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_municipality, make_user
from kansli.registry import actions
from kansli.registry.models import Case, Document
from kansli.registry.testing import make_case, make_incoming, make_provision, make_registrar
from kansli.workdays.calendar import workdays_between

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_case_numbers_run_per_authority_and_year() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks), (Role.REGISTRAR, bun)])
    first = actions.do_register_case(ks, "Ett", actor=registrar)
    second = actions.do_register_case(ks, "Två", actor=registrar)
    other = actions.do_register_case(bun, "Tre", actor=registrar)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.case_number == f"KS {TODAY.year}/1"
    assert other.case_number == f"BUN {TODAY.year}/1"
    last_year = actions.do_register_case(
        ks, "Fyra", opened_at=timezone.now() - datetime.timedelta(days=400), actor=registrar
    )
    assert (last_year.year, last_year.number) == (TODAY.year - 1, 1)


def test_the_municipality_chooses_the_number_format() -> None:
    org_actions.do_change_municipality(
        make_municipality(), case_number_format="{series}-{year}-{number:04d}", actor=None
    )
    assert make_case().case_number == f"KS-{TODAY.year}-0001"
    with pytest.raises(ValidationError):
        org_actions.do_change_municipality(
            make_municipality(), case_number_format="{serie}", actor=None
        )


def test_a_rolled_back_registration_gives_its_number_back() -> None:
    make_case()
    with pytest.raises(ValidationError):
        actions.do_register_case(make_authority(), "   ", actor=None)
    assert make_case().number == 2


def test_documents_are_numbered_within_the_case() -> None:
    case = make_case()
    first, second = make_incoming(case), make_incoming(case)
    assert (first.number, second.number) == (1, 2)
    assert second.document_number == f"KS {TODAY.year}/1-2"
    assert [e.kind for e in case.timeline.all()] == ["registered", "document", "document"]
    actions_logged = AuditEvent.objects.values_list("action", flat=True)
    assert list(actions_logged).count("registry.register_document") == 2
    assert verify().ok


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"document_date": TODAY + datetime.timedelta(days=1)}, "document_date"),
        ({"description": "  "}, "description"),
        ({"counterpart": ""}, "counterpart"),
        ({"direction": "okänd"}, "direction"),
        ({"withhold_counterpart": True}, "secrecy"),
    ],
)
def test_bad_registrations_are_refused_and_nothing_is_saved(changes: dict, field: str) -> None:
    case = make_case()
    values = {
        "direction": "inkommen",
        "document_date": TODAY,
        "description": "Ansökan",
        "counterpart": "Bo Ek",
    } | changes
    before = (Document.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        actions.do_register_document(
            case, values.pop("direction"), values.pop("document_date"),
            values.pop("description"), actor=None, **values,
        )  # fmt: skip
    assert field in error.value.message_dict
    assert (Document.objects.count(), AuditEvent.objects.count()) == before
    case.refresh_from_db()
    assert case.last_document_number == 0


def test_only_staff_of_the_authority_register() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    bun_registrar = make_registrar(bun)
    with pytest.raises(PermissionDenied):
        actions.do_register_case(ks, "Fel myndighet", actor=bun_registrar)
    elected = make_user(roles=[])
    with pytest.raises(PermissionDenied):
        actions.do_register_case(ks, "Inte personal", actor=elected)
    assert not Case.objects.exists()


def test_registration_lag_counts_working_days() -> None:
    # Received Friday 2026-11-13, registered today: the lag is the working days between.
    received = datetime.date(2026, 11, 13)
    document = make_incoming(document_date=received)
    assert document.registration_lag == workdays_between(received, TODAY)
    # A document drawn up counts from the day it was drawn up (Leksand's measure 1); an
    # internal memo has none.
    drawn_up = actions.do_register_document(
        document.case, "upprattad", received, "Tjänsteskrivelse", actor=None
    )
    assert drawn_up.registration_lag == workdays_between(received, TODAY)
    memo = actions.do_register_document(document.case, "pm", received, "PM", actor=None)
    assert memo.registration_lag is None


def test_secrecy_marking_records_provision_date_and_who() -> None:
    registrar = make_registrar()
    document = make_incoming()
    provision = make_provision()
    actions.do_mark_secrecy(document, provision, withhold_counterpart=True, actor=registrar)
    document.refresh_from_db()
    assert document.secrecy == provision and document.secrecy_marked_by == registrar
    assert document.secrecy_marked_at is not None and document.withhold_counterpart
    with pytest.raises(ValidationError) as refused:
        actions.do_mark_secrecy(document, None, actor=registrar)
    assert "reason" in refused.value.message_dict
    actions.do_mark_secrecy(document, None, reason="Inga sekretessuppgifter.", actor=registrar)
    document.refresh_from_db()
    assert not document.is_secret and not document.withhold_counterpart
    lifted = AuditEvent.objects.filter(action="registry.mark_secrecy").last()
    assert lifted is not None and lifted.after["reason"] == "Inga sekretessuppgifter."


def test_corrections_keep_every_earlier_value() -> None:
    registrar = make_registrar()
    document = make_incoming(counterpart="Anna Andersson")
    actions.do_correct_document(document, "Stavfel", counterpart="Anna Andersén", actor=registrar)
    actions.do_correct_document(document, "Fel person", counterpart="Berit Berg", actor=registrar)
    history = list(document.corrections.values_list("before", "after", "reason"))
    assert history == [
        ({"counterpart": "Anna Andersson"}, {"counterpart": "Anna Andersén"}, "Stavfel"),
        ({"counterpart": "Anna Andersén"}, {"counterpart": "Berit Berg"}, "Fel person"),
    ]
    with pytest.raises(ValidationError):
        actions.do_correct_document(document, "", counterpart="X", actor=registrar)
    with pytest.raises(ValidationError):
        actions.do_correct_document(document, "Nej", case=None, actor=registrar)


def test_voiding_keeps_the_registration() -> None:
    registrar = make_registrar()
    document = make_incoming()
    with pytest.raises(ValidationError):
        actions.do_void_document(document, " ", actor=registrar)
    actions.do_void_document(document, "Registrerad i fel ärende", actor=registrar)
    document.refresh_from_db()
    assert document.is_voided and document.void_reason == "Registrerad i fel ärende"
    assert Document.objects.filter(pk=document.pk).exists()
    with pytest.raises(ValidationError):
        actions.do_void_document(document, "Igen", actor=registrar)
    with pytest.raises(ValidationError):
        actions.do_correct_document(document, "Rätta", description="X", actor=registrar)


def test_status_transitions_are_enforced() -> None:
    registrar = make_registrar()
    case = make_case()
    actions.do_change_case_status(case, "beslutat", actor=registrar)
    actions.do_change_case_status(case, "avslutat", actor=registrar)
    assert case.closed_at is not None
    with pytest.raises(ValidationError):
        actions.do_change_case_status(case, "makulerat", reason="Fel", actor=registrar)
    actions.do_change_case_status(case, "under_handlaggning", actor=registrar)
    with pytest.raises(ValidationError):
        actions.do_change_case_status(case, "makulerat", actor=registrar)  # no reason
    actions.do_change_case_status(case, "makulerat", reason="Dubblett", actor=registrar)
    with pytest.raises(ValidationError):
        actions.do_change_case_status(case, "under_handlaggning", actor=registrar)
    with pytest.raises(ValidationError):
        make_incoming(case)
    statuses = [e.kind for e in case.timeline.all()]
    assert statuses[-1] == "makulerat"


def test_assigning_an_officer_mails_them_and_counts_the_days(
    mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    ks = make_authority("KS")
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    officer = make_user("handl", roles=[(Role.OFFICER, ks)], email="handl@example.se")
    outsider = make_user("annan", roles=[(Role.OFFICER, make_authority("BUN", "BUN"))])
    case = make_case(opened_at=timezone.now() - datetime.timedelta(days=7))
    with pytest.raises(ValidationError):
        actions.do_assign_officer(case, outsider, actor=manager)
    with pytest.raises(PermissionDenied):
        actions.do_assign_officer(case, officer, actor=officer)
    with pytest.raises(PermissionDenied):
        actions.do_assign_officer(case, officer, actor=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_assign_officer(case, officer, actor=manager)
    case.refresh_from_db()
    assert case.officer == officer and case.status == "under_handlaggning"
    assert case.days_to_assignment is not None and 3 <= case.days_to_assignment <= 5
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["handl@example.se"]
    assert case.case_number in mailoutbox[0].subject


def test_a_corrected_date_is_kept_in_the_history() -> None:
    registrar = make_registrar()
    document = make_incoming(document_date=datetime.date(2026, 11, 2))
    actions.do_correct_document(
        document, "Fel datum", document_date=datetime.date(2026, 11, 3), actor=registrar
    )
    correction = document.corrections.get()
    assert correction.before == {"document_date": "2026-11-02"}
    assert correction.after == {"document_date": "2026-11-03"}


def test_the_read_gate_asks_the_database_once_per_user(
    django_assert_num_queries: Any,
) -> None:
    from kansli.access.rules import staff_municipalities
    from kansli.org.testing import make_sysadmin

    for user in (make_sysadmin(), make_registrar()):
        first = staff_municipalities(user)
        with django_assert_num_queries(0):
            assert staff_municipalities(user) == first
