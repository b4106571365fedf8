"""The reasons for a decision (beslutsmotivering, FL 32 §): recorded on the § page, the
decisions page and the API; printed under the decision in the minutes and the extract;
masked wherever the decision is (a protected name, OSL 21 kap. 3 §; a non-public §,
only in the non-public part); and a party decision without reasons is warned about."""

import io
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.utils import translation

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, pdf
from kansli.meetings.models import AppealRoute, Paragraph
from kansli.meetings.protected_text import NAMES_PROTECTED
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_provision
from kansli.web.testing import api_client, signed_in, sv

pytestmark = pytest.mark.django_db
NAME = "Bo Berg"
REASONS = f"{NAME} uppfyller inte villkoren i 4 kap. 1 § SoL."
SECRET_REASONS = "Arbetsförmågan är nedsatt enligt läkarintyget."
WARNING = (
    "The decision can be appealed by a party but gives no reasons. A decision that may "
    "affect someone's situation must give its reasons unless that is obviously needless "
    "(FL 32 §)."
)


@pytest.fixture
def held(settings: Any) -> dict[str, Any]:
    """A meeting with a § about a party with protected identity and a non-public §."""
    settings.LANGUAGE_CODE = "sv"
    body = make_body()
    secretary = make_secretary(body)
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek")
    meeting = make_meeting(body)
    case = make_case(f"Ansökan från {NAME}", authority=body.authority)
    registry.do_add_party(case, NAME, protected_identity=True, actor=None)
    actions.do_preregister_item(meeting, case, title="Ansökan om bistånd", actor=None)
    secret_case = make_case("Personalärende", authority=body.authority)
    item = actions.do_preregister_item(meeting, secret_case, title="Rehabilitering", actor=None)
    actions.do_set_item_secrecy(item, make_provision(), public_title="Personalärende", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=secretary)
    first, second = minutes.paragraphs.order_by("number")
    return {
        "body": body,
        "secretary": secretary,
        "chair": chair,
        "meeting": meeting,
        "minutes": minutes,
        "open": first,
        "secret": second,
    }


def decide(paragraph: Paragraph, reasons: str, secretary: Any) -> None:
    actions.do_record_decision(
        paragraph,
        decision="Ansökan avslås.",
        reasons=reasons,
        appeal_route=AppealRoute.ADMINISTRATIVE,
        actor=secretary,
    )


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_secretary_records_reasons_on_the_paragraph_page(held: dict[str, Any]) -> None:
    paragraph = held["open"]
    page = signed_in(held["secretary"]).post(
        f"/moten/paragraf/{paragraph.pk}/",
        {
            "form": "decision",
            "outcome": "beslutat",
            "decision": "Ansökan avslås.",
            "reasons": "Villkoren i 4 kap. 1 § SoL är inte uppfyllda.",
            "appeal_route": AppealRoute.ADMINISTRATIVE,
            "note": "",
        },
        follow=True,
    )
    html = page.content.decode()
    assert "Motivering" in html and "Villkoren i 4 kap. 1 § SoL är inte uppfyllda." in html
    assert sv(WARNING) not in html
    stored = Paragraph.objects.get(pk=paragraph.pk)
    assert stored.reasons == "Villkoren i 4 kap. 1 § SoL är inte uppfyllda."
    event = AuditEvent.objects.filter(action="meetings.record_decision").latest("pk")
    assert "4 kap. 1 § SoL" in str(event.after)


def test_a_party_decision_without_reasons_is_warned_about(held: dict[str, Any]) -> None:
    paragraph = held["open"]
    decide(paragraph, "", held["secretary"])
    client = signed_in(held["secretary"])
    assert sv(WARNING) in client.get(f"/moten/paragraf/{paragraph.pk}/").content.decode()
    decisions = client.get(f"/moten/{held['meeting'].pk}/protokoll/beslut/").content.decode()
    assert sv(WARNING) in decisions
    # A legality-review decision (a general decision of the board) is not warned about.
    actions.do_record_decision(paragraph, decision="Antas.", actor=held["secretary"])
    assert sv(WARNING) not in client.get(f"/moten/paragraf/{paragraph.pk}/").content.decode()


def test_the_decisions_page_saves_reasons_only_where_they_changed(
    held: dict[str, Any],
) -> None:
    first, second = held["open"], held["secret"]
    for p in (first, second):
        actions.do_record_decision(p, decision="Antas.", actor=held["secretary"])
    data: dict[str, str] = {}
    for p in (first, second):
        data |= {
            f"outcome_{p.pk}": p.outcome,
            f"decision_{p.pk}": p.decision,
            f"reasons_{p.pk}": "",
            f"appeal_route_{p.pk}": p.appeal_route,
            f"later_{p.pk}": "",
        }
    data[f"reasons_{first.pk}"] = "Planen följer översiktsplanen."
    events = AuditEvent.objects.count()
    client = signed_in(held["secretary"])
    client.post(f"/moten/{held['meeting'].pk}/protokoll/beslut/", data)
    assert Paragraph.objects.get(pk=first.pk).reasons == "Planen följer översiktsplanen."
    assert Paragraph.objects.get(pk=second.pk).reasons == ""
    assert AuditEvent.objects.count() == events + 1
    # Too long: refused with its message, nothing saved.
    data[f"reasons_{second.pk}"] = "x" * 20001
    page = client.post(f"/moten/{held['meeting'].pk}/protokoll/beslut/", data)
    assert page.status_code == 200 and Paragraph.objects.get(pk=second.pk).reasons == ""
    assert AuditEvent.objects.count() == events + 1


def test_reasons_are_in_the_minutes_and_the_extract_masked_like_the_decision(
    held: dict[str, Any],
) -> None:
    decide(held["open"], REASONS, held["secretary"])
    decide(held["secret"], SECRET_REASONS, held["secretary"])
    minutes = held["minutes"]
    with translation.override("en"):
        public = text_of(pdf.minutes_pdf(minutes))
        secret = text_of(pdf.minutes_pdf(minutes, secret_part=True))
        draft = text_of(pdf.minutes_pdf(minutes, draft=True))
    # The public part: the reasons under Motivering, the protected name masked; the
    # non-public § only by its heading.
    assert "Motivering Skyddad identitet uppfyller inte villkoren i 4 kap. 1 § SoL." in public
    assert NAME not in public and SECRET_REASONS not in public
    assert NAME not in draft and SECRET_REASONS not in draft
    # The non-public part holds the non-public § in full.
    assert SECRET_REASONS in secret
    # The extract goes to the party: the decision and its reasons in full.
    extract = text_of(pdf.extract_pdf(Paragraph.objects.get(pk=held["open"].pk)))
    assert f"Motivering {REASONS}" in extract


def test_reasons_are_masked_on_the_pages_for_whoever_may_not_know_the_name(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    decide(held["open"], REASONS, held["secretary"])
    decide(held["secret"], SECRET_REASONS, held["secretary"])
    minutes = held["minutes"]
    secretary = signed_in(held["secretary"])
    page = secretary.get(f"/moten/paragraf/{held['open'].pk}/").content.decode()
    assert "uppfyller inte villkoren" in page and NAME not in page
    page = secretary.get(f"/moten/{held['meeting'].pk}/protokoll/").content.decode()
    assert "uppfyller inte villkoren" in page and NAME not in page
    # An officer of the authority reads the minutes but not the non-public § in full.
    officer = make_user("officer2", roles=[(Role.OFFICER, held["body"].authority)])
    page = signed_in(officer).get(f"/moten/{held['meeting'].pk}/protokoll/").content.decode()
    assert "uppfyller inte villkoren" in page and NAME not in page
    assert SECRET_REASONS not in page
    # The public, once the minutes are approved and posted.
    record_present(minutes, held["chair"])
    meeting_over(monkeypatch, held["meeting"])
    actions.do_approve_minutes(minutes, verified=True, actor=held["chair"])
    notice = type(minutes).objects.get(pk=minutes.pk).notice
    page = Client().get(f"/anslagstavla/{notice.pk}/").content.decode()
    assert "uppfyller inte villkoren" in page
    assert NAME not in page and SECRET_REASONS not in page


def test_the_api_reads_and_records_the_decision_with_its_reasons(
    held: dict[str, Any],
) -> None:
    paragraph = held["open"]
    api = api_client(held["secretary"])
    url = f"/api/v1/paragraphs/{paragraph.pk}/decision"
    answer = api.put(
        url,
        {"decision": "Ansökan avslås.", "reasons": REASONS, "appeal_route": "forvaltningsbesvar"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["decision"] == "Ansökan avslås." and body["appeal_route"] == "forvaltningsbesvar"
    assert "uppfyller inte villkoren" in body["reasons"] and NAME not in body["reasons"]
    assert any("42 § förvaltningslagen" in text for text in body["appeal_instructions"])
    assert body["legal_force"] is None and body["notified"] == []
    assert body["decided_on"] == held["meeting"].day.isoformat()
    assert Paragraph.objects.get(pk=paragraph.pk).reasons == REASONS
    assert api.get(url).json()["reasons"] == body["reasons"]
    # Sent back as read (masked), the stored reasons are kept; changed, refused.
    read = api.get(url).json()
    back = {k: read[k] for k in ("decision", "reasons", "note", "appeal_route", "outcome")}
    answer = api.put(
        url, back | {"decision": "Ansökan avslås helt."}, content_type="application/json"
    )
    assert answer.status_code == 200
    stored = Paragraph.objects.get(pk=paragraph.pk)
    assert stored.reasons == REASONS and stored.decision == "Ansökan avslås helt."
    answer = api.put(url, back | {"reasons": "Annat skäl."}, content_type="application/json")
    assert answer.status_code == 422 and "skyddade personuppgifter" in answer.content.decode()
    assert Paragraph.objects.get(pk=paragraph.pk).reasons == REASONS


def test_the_api_decision_refuses_bad_input_and_strangers(held: dict[str, Any]) -> None:
    paragraph, secretary = held["open"], held["secretary"]
    api = api_client(secretary)
    url = f"/api/v1/paragraphs/{paragraph.pk}/decision"
    other_body = make_body(make_authority("BN", "Byggnadsnämnden"))
    elsewhere = make_meeting(other_body, days_ahead=60)
    events = AuditEvent.objects.count()
    for payload in [
        {"decision": "Beslut", "reasons": "\ud800"},
        {"decision": "Beslut", "reasons": "x" * 100_001},
        {"decision": "", "outcome": "bordlagt", "later_meeting_id": elsewhere.pk},
        {"decision": "Beslut", "outcome": "okänt"},
    ]:
        answer = api.put(url, payload, content_type="application/json")
        assert answer.status_code == 422, (payload, answer.content)
        assert answer.json()["detail"]
    assert AuditEvent.objects.count() == events
    assert Paragraph.objects.get(pk=paragraph.pk).reasons == ""
    # Another authority's secretary, an elected member and a registrar elsewhere: 404.
    strangers = [
        make_secretary(other_body),
        make_member(held["body"], first_name="Mia", last_name="Ledamot"),
        make_user("registrar2", roles=[(Role.REGISTRAR, other_body.authority)]),
    ]
    for stranger in strangers:
        other = api_client(stranger)
        assert other.get(url).status_code == 404
        assert other.put(url, {"decision": "x"}, content_type="application/json").status_code == 404
    assert AuditEvent.objects.filter(action="meetings.record_decision").count() == 0


def test_a_text_naming_a_protected_party_is_kept_when_someone_not_entitled_saves(
    held: dict[str, Any],
) -> None:
    """The secretary does not know the protected name: the decision form shows the texts
    masked and read-only, and saving the rest of the form keeps the stored texts whole."""
    paragraph = held["open"]
    decide(paragraph, REASONS, held["secretary"])
    client = signed_in(held["secretary"])
    page = client.get(f"/moten/paragraf/{paragraph.pk}/").content.decode()
    assert NAME not in page and sv(str(NAMES_PROTECTED)) in page
    client.post(
        f"/moten/paragraf/{paragraph.pk}/",
        {
            "form": "decision",
            "outcome": "beslutat",
            "decision": "Ansökan bifalls.",
            "reasons": "Skyddad identitet uppfyller inte villkoren",
            "appeal_route": AppealRoute.ADMINISTRATIVE,
            "note": "Tillagd anteckning.",
        },
    )
    stored = Paragraph.objects.get(pk=paragraph.pk)
    assert stored.reasons == REASONS and stored.note == "Tillagd anteckning."
    assert stored.decision == "Ansökan bifalls."  # no name in it: changed as asked
    # The decisions page: the same, and the § title masked too.
    page = client.get(f"/moten/{held['meeting'].pk}/protokoll/beslut/").content.decode()
    assert NAME not in page


def test_the_reasons_of_approved_minutes_change_by_a_correction(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rättelse of the reasons: proposed on the § page with the decision and the reasons
    prefilled, approved by the chair, then printed with the former wording (a protected
    name masked in the public part); both texts changed at once is refused."""
    paragraph, minutes, chair = held["open"], held["minutes"], held["chair"]
    decide(paragraph, REASONS, held["secretary"])
    record_present(minutes, chair)
    meeting_over(monkeypatch, held["meeting"])
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    # A registrar sees the protected name (kansli.access.protected) and may correct it.
    registrar = make_user(
        "registrar3",
        roles=[(Role.REGISTRAR, held["body"].authority), (Role.SECRETARY, held["body"].authority)],
    )
    client = signed_in(registrar)
    url = f"/moten/paragraf/{paragraph.pk}/"
    form = {"form": "correction", "decision": "Ansökan avslås.", "reason": "Fel paragraf i SoL"}
    fixed = REASONS.replace("4 kap. 1 §", "4 kap. 1 a §")
    page = client.post(url, form | {"decision": "Ansökan bifalls.", "reasons": fixed})
    assert sv("Correct the decision and the reasons one at a time.") in page.content.decode()
    assert not paragraph.corrections.exists()
    client.post(url, form | {"reasons": fixed})
    correction = paragraph.corrections.get()
    assert correction.part == "reasons" and correction.before == REASONS
    # The chair sees what is approved: the new reasons.
    shown = signed_in(chair).get(f"/moten/{held['meeting'].pk}/protokoll/").content.decode()
    assert "ny motivering" in shown and "4 kap. 1 a §" in shown
    actions.do_approve_correction(correction, verified=True, actor=chair)
    stored = Paragraph.objects.get(pk=paragraph.pk)
    assert stored.reasons == fixed and stored.decision == "Ansökan avslås."
    with translation.override("en"):
        public = text_of(pdf.minutes_pdf(minutes))
    assert "Tidigare lydelse av motiveringen: Skyddad identitet uppfyller" in public
    assert NAME not in public and "4 kap. 1 a §" in public
