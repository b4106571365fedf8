import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from kansli.meetings.actions.delegation import do_add_delegation_point
from kansli.meetings.models import GraphicProfile
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.requests.actions.appeal import (
    appeal_ends,
    do_forward_appeal,
    do_reconsider,
    do_register_appeal,
)
from kansli.requests.actions.refuse import do_ask_for_decision, do_refuse, refusal_point
from kansli.requests.models import Refusal
from kansli.requests.pdf import kammarratt_of
from kansli.requests.tests.delivery_data import Data, make_data
from kansli.web.testing import signed_in
from kansli.workdays.calendar import legal_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def data() -> Data:
    return make_data()


@pytest.fixture
def chief() -> object:
    ks = make_authority("KS")
    chief = make_user(
        "kanslichefen", first_name="Karin", last_name="Chef", roles=[(Role.OFFICER, ks)]
    )
    substitute = make_user(
        "ersattaren", first_name="Erik", last_name="Ersätt", roles=[(Role.OFFICER, ks)]
    )
    do_add_delegation_point(
        ks,
        "2.1",
        "Beslut om att inte lämna ut allmän handling",
        "Kanslichef",
        delegates=[chief, substitute],
        actor=None,
    )
    return chief


def pdf_text(refusal: Refusal) -> str:
    with refusal.document.files.get().stored.open() as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_delegate_s_decision_is_registered_naming_the_kammarratt_and_three_weeks(
    data: Data, chief: object, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # mailed once committed
        refusal = do_refuse(
            data.request,
            [data.refused, data.redacted],
            "Uppgifterna rör enskildas hälsa.",
            actor=chief,
        )
    assert refusal.document.case == data.request.case
    assert refusal.document.direction == "utgaende"
    text = " ".join(pdf_text(refusal).split())
    assert "kammarrätt" in text and "tre veckor" in text
    assert "OSL 39 kap. 3 §" in text and "Uppgifterna rör enskildas hälsa." in text
    assert str(data.refused) in text  # its document number
    assert "Läkarintyg" not in text  # the secret document's description is not printed
    [message] = mail.outbox  # the contact is an e-mail address: sent at once
    assert message.to == ["anna@example.se"]
    assert message.attachments[0][2] == "application/pdf"
    assert refusal.sent_at is not None


def test_a_decision_for_post_is_sent_by_hand_and_only_then_does_the_period_run(
    chief: object,
) -> None:
    data = make_data(contact="Storgatan 1, 793 33 Leksand")
    refusal = do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    assert (refusal.sent_at, mail.outbox, appeal_ends(refusal)) == (None, [], None)
    page = signed_in(data.registrar).post(
        f"/begaran/{data.request.pk}/avslag/", {"do": "sent", "refusal": refusal.pk}
    )
    assert page.status_code == 302
    refusal.refresh_from_db()
    assert refusal.sent_at is not None
    assert appeal_ends(refusal) == legal_deadline(timezone.localdate(), weeks=3)


def test_anyone_but_the_delegate_and_substitutes_is_refused_naming_who_decides(
    data: Data, chief: object
) -> None:
    with pytest.raises(PermissionDenied, match=r"punkt 2\.1.*Karin Chef"):
        do_refuse(data.request, [data.refused], "Hälsa.", actor=data.registrar)
    assert Refusal.objects.count() == 0
    page = signed_in(data.registrar).post(
        f"/begaran/{data.request.pk}/avslag/",
        {"do": "refuse", "items": [data.refused.pk], "reasons": "Hälsa."},
    )
    assert page.status_code == 403 and "Karin Chef" in page.content.decode()
    assert Refusal.objects.count() == 0


def test_a_disclosed_document_cannot_be_refused_and_reasons_are_required(
    data: Data, chief: object
) -> None:
    with pytest.raises(ValidationError) as error:
        do_refuse(data.request, [data.disclosed], "", actor=chief)
    assert set(error.value.message_dict) == {"items", "reasons"}
    assert data.request.case.documents.filter(document_type="Beslut").count() == 0


def test_the_request_for_a_written_decision_is_recorded_once(data: Data) -> None:
    do_ask_for_decision(data.request, actor=data.registrar)
    assert data.request.decision_asked_at is not None
    with pytest.raises(ValidationError):
        do_ask_for_decision(data.request, actor=data.registrar)


def test_an_appeal_in_time_is_reconsidered_and_forwarded_a_late_one_rejected(
    data: Data, chief: object
) -> None:
    refusal = do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    refusal.sent_at = timezone.now() - datetime.timedelta(days=40)
    refusal.decided_on = timezone.localdate(refusal.sent_at)
    refusal.save()
    ends = appeal_ends(refusal)
    assert ends is not None and ends >= refusal.decided_on + datetime.timedelta(weeks=3)
    in_time = do_register_appeal(refusal, ends, actor=data.registrar)
    late = do_register_appeal(refusal, ends + datetime.timedelta(days=1), actor=data.registrar)
    assert (in_time.late, late.late) == (False, True)
    assert (
        in_time.document.direction == "inkommen" and in_time.document.case == refusal.document.case
    )
    with pytest.raises(ValidationError, match="för sent"):
        do_forward_appeal(late, actor=data.registrar)
    with pytest.raises(ValidationError, match="Ompröva"):
        do_forward_appeal(in_time, actor=data.registrar)
    with pytest.raises(PermissionDenied):
        do_reconsider(in_time, False, "Skälen står sig.", actor=data.registrar)
    do_reconsider(in_time, False, "Skälen står sig.", actor=chief)
    forwarded = do_forward_appeal(in_time, actor=data.registrar)
    assert forwarded.forwarded_at is not None
    assert data.request.case.documents.filter(counterpart="Kammarrätten").count() == 1


def test_an_appeal_granted_on_reconsideration_is_not_forwarded(data: Data, chief: object) -> None:
    refusal = do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    appeal = do_register_appeal(refusal, timezone.localdate(), actor=data.registrar)
    do_reconsider(appeal, True, "Uppgifterna är inte längre sekretessbelagda.", actor=chief)
    with pytest.raises(ValidationError, match="förfaller"):
        do_forward_appeal(appeal, actor=data.registrar)


def test_a_substitute_decides_naming_the_delegate_in_whose_place(data: Data, chief: object) -> None:
    point = refusal_point(make_authority("KS"))
    assert point is not None
    substitute = point.delegates.get(rank=2).user
    with pytest.raises(ValidationError, match="ersättare"):
        do_refuse(data.request, [data.refused], "Hälsa.", actor=substitute)
    refusal = do_refuse(
        data.request, [data.refused], "Hälsa.", substitute_for=chief, actor=substitute
    )
    assert "som ersättare för Karin Chef" in " ".join(pdf_text(refusal).split())


# Förordning (1977:937) om allmänna förvaltningsdomstolars behörighet m.m., 1 §, read by
# hand: the kammarrätt over each of the twelve förvaltningsrätter.
COURTS = [
    ("Förvaltningsrätten i Stockholm", "Kammarrätten i Stockholm"),
    ("Förvaltningsrätten i Uppsala", "Kammarrätten i Stockholm"),
    ("Förvaltningsrätten i Malmö", "Kammarrätten i Göteborg"),
    ("Förvaltningsrätten i Göteborg", "Kammarrätten i Göteborg"),
    ("Förvaltningsrätten i Karlstad", "Kammarrätten i Göteborg"),
    ("Förvaltningsrätten i Falun", "Kammarrätten i Sundsvall"),
    ("Förvaltningsrätten i Härnösand", "Kammarrätten i Sundsvall"),
    ("Förvaltningsrätten i Umeå", "Kammarrätten i Sundsvall"),
    ("Förvaltningsrätten i Luleå", "Kammarrätten i Sundsvall"),
    ("Förvaltningsrätten i Linköping", "Kammarrätten i Jönköping"),
    ("Förvaltningsrätten i Jönköping", "Kammarrätten i Jönköping"),
    ("Förvaltningsrätten i Växjö", "Kammarrätten i Jönköping"),
    ("förvaltningsrätten i falun", "Kammarrätten i Sundsvall"),
    ("Länsrätten i Dalarnas län", "kammarrätten"),  # not a court of today: no guess
    ("", "kammarrätten"),
]


@pytest.mark.parametrize(("court", "kammarratt"), COURTS)
def test_the_kammarratt_is_that_over_the_municipality_s_forvaltningsratt(
    court: str, kammarratt: str
) -> None:
    municipality = make_authority("KS").municipality
    GraphicProfile.objects.update_or_create(municipality=municipality, defaults={"court": court})
    assert kammarratt_of(municipality) == kammarratt


def test_the_decision_names_the_kammarratt_and_speaks_to_the_requester(
    data: Data, chief: object
) -> None:
    GraphicProfile.objects.update_or_create(
        municipality=data.request.authority.municipality,
        defaults={"court": "Förvaltningsrätten i Falun"},
    )
    refusal = do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    text = " ".join(pdf_text(refusal).split())
    assert "överklaga beslutet hos Kammarrätten i Sundsvall" in text
    assert "Till: Anna" in text and "Du begärde den" in text and "Anna begärde" not in text
    # The law is named once in full, then by its abbreviation.
    assert text.count("offentlighets- och sekretesslagen") == 1
    assert "sekretesslagen (2009:400), förkortad OSL" in text
    assert "fattat med stöd av delegation, punkt 2.1" in text and "Karin Chef" in text


def test_a_delegate_without_a_name_cannot_decide_for_the_decision_must_name_them(
    data: Data, chief: object
) -> None:
    point = refusal_point(data.request.authority)
    assert point is not None
    substitute = point.delegates.get(rank=2).user
    substitute.first_name = substitute.last_name = ""
    substitute.save(update_fields=["first_name", "last_name"])
    with pytest.raises(ValidationError, match=r"31 §.*ersattaren"):
        do_refuse(data.request, [data.refused], "Hälsa.", substitute_for=chief, actor=substitute)
    assert Refusal.objects.count() == 0
    assert data.request.case.documents.filter(document_type="Beslut").count() == 0


def test_an_appeal_of_a_decision_by_post_is_not_judged_late_by_the_day_of_sending(
    chief: object,
) -> None:
    """FL 44 §: the three weeks run from the day the requester got the decision. A letter
    arrives some day after it was sent, a day Kansli cannot know, and the authority must
    show an appeal late to reject it (FL 45 §): past three weeks from sending, the appeal
    is registered in time with a note to check, and forwarded like any other."""
    data = make_data(contact="Storgatan 1, 793 33 Leksand")
    GraphicProfile.objects.update_or_create(
        municipality=data.request.authority.municipality,
        defaults={"court": "Förvaltningsrätten i Falun"},
    )
    refusal = do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    refusal.sent_at = timezone.now() - datetime.timedelta(days=40)
    refusal.decided_on = timezone.localdate(refusal.sent_at)
    refusal.save()
    ends = appeal_ends(refusal)
    assert ends is not None
    appeal = do_register_appeal(refusal, ends + datetime.timedelta(days=1), actor=data.registrar)
    assert appeal.late is False
    note = data.request.case.timeline.filter(kind="appeal").get().text
    assert "skickades med post" in note and "44–45 §§" in note
    do_reconsider(appeal, False, "Skälen står sig.", actor=chief)
    do_forward_appeal(appeal, actor=data.registrar)
    sent = data.request.case.documents.get(document_type="Överlämnande")
    assert sent.counterpart == "Kammarrätten i Sundsvall"


# FL 44 §: three weeks from the day the requester got the decision (by e-mail, the day
# it was sent); a last day that is a Saturday, Sunday, allmän helgdag, midsommarafton,
# julafton or nyårsafton moves to the next day that is none (lag 1930:173 2 §). By hand:
APPEAL_ENDS = [
    ("2026-12-02", "2026-12-23"),  # a Wednesday: three weeks on
    ("2026-12-03", "2026-12-28"),  # julafton, juldagen, annandag jul, Sunday
    ("2026-12-10", "2027-01-04"),  # nyårsafton, nyårsdagen, the weekend
    ("2026-05-29", "2026-06-22"),  # midsommarafton, midsommardagen, Sunday
    ("2026-05-14", "2026-06-04"),  # sent on Kristi himmelsfärd: runs from it all the same
]


@pytest.mark.parametrize(("sent", "ends"), APPEAL_ENDS)
def test_the_appeal_period_matches_the_table_computed_by_hand(
    data: Data, chief: object, sent: str, ends: str
) -> None:
    refusal = do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    noon = datetime.datetime.combine(datetime.date.fromisoformat(sent), datetime.time(12))
    refusal.sent_at = timezone.make_aware(noon)
    assert appeal_ends(refusal) == datetime.date.fromisoformat(ends)
