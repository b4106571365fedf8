"""A flexible agenda (issue 13 part 7): procedural items without a case, sub-items,
references, rapporteurs, appendices to the minutes and the body's order of sections,
through the actions, the meeting page and the PDFs read back with pypdf."""

import io
from typing import Any

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from kansli.meetings import actions, measures, pdf
from kansli.meetings.actions.appendices import (
    NOT_FOR_PUBLIC_PART,
    do_add_appendix,
    do_remove_appendix,
)
from kansli.meetings.actions.items import (
    do_add_procedural_item,
    do_add_standard_items,
    do_set_item_details,
    do_set_section_order,
)
from kansli.meetings.actions.publication import NOT_DISPATCHED
from kansli.meetings.models import AgendaItem, Appendix, Meeting, Minutes, Section
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.actions import do_grant_role
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.actions import do_assign_officer
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> dict[str, Any]:
    body = make_body()
    people: dict[str, Any] = {
        "body": body,
        "secretary": make_secretary(body),
        "officer": make_user(roles=[(Role.OFFICER, body.authority)], first_name="Olle"),
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina"),
        "approver": make_member(body, first_name="Anders"),
    }
    people["meeting"] = make_meeting(body)
    people["case"] = make_case("Detaljplan för Vargödalen", authority=body.authority)
    return people


def case_item(cast: dict[str, Any], title: str = "Detaljplan för Vargödalen", **kw: Any) -> Any:
    case = kw.pop("case", None) or make_case(title, authority=cast["body"].authority)
    return actions.do_preregister_item(
        cast["meeting"],
        case,
        title=title,
        proposal="Nämnden beslutar.",
        actor=cast["officer"],
        **kw,
    )


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def notice_text(meeting: Meeting) -> str:
    meeting = Meeting.objects.get(pk=meeting.pk)
    with translation.override("en"):  # the secretary's screen in English: the PDF in Swedish
        return text_of(pdf.notice_pdf(meeting, list(meeting.items.all())))


def minutes_text(meeting: Meeting) -> str:
    with translation.override("en"):
        return text_of(pdf.minutes_pdf(Minutes.objects.get(meeting=meeting)))


def open_minutes(cast: dict[str, Any]) -> Minutes:
    return actions.do_open_minutes(
        cast["meeting"], approvers=[cast["approver"]], actor=cast["secretary"]
    )


def test_procedural_items_get_a_paragraph_without_case_number_and_are_not_dispatched(
    cast: dict[str, Any],
) -> None:
    item = case_item(cast, case=cast["case"])
    added = do_add_standard_items(cast["meeting"], actor=cast["secretary"])
    assert [i.title for i in added] == [
        "Mötets öppnande",
        "Val av justerare",
        "Godkännande av dagordningen",
    ]
    assert do_add_standard_items(cast["meeting"], actor=cast["secretary"]) == []  # idempotent
    assert cast["meeting"].items.filter(case=None).count() == 3
    assert all(not i.missing and not i.is_secret for i in added)
    text = notice_text(cast["meeting"])
    # Formalia first, numbered 1-3; the case item 4 with its case number.
    assert "1 Mötets öppnande 2 Val av justerare 3 Godkännande av dagordningen" in text
    assert f"4 Detaljplan för Vargödalen {cast['case'].case_number}" in text
    minutes = open_minutes(cast)
    paragraphs = list(minutes.paragraphs.order_by("number"))
    assert paragraphs[0].item.title == "Mötets öppnande"
    assert paragraphs[-1].item == item
    text = minutes_text(cast["meeting"])
    assert f"§ {paragraphs[0].number} Mötets öppnande" in text
    assert text.count("Dnr ") == 1
    with pytest.raises(ValidationError) as refused:
        actions.do_dispatch_decision(
            paragraphs[0], [("Anna", "anna@example.se", "epost")], actor=cast["secretary"]
        )
    assert refused.value.messages == [NOT_DISPATCHED]
    page = signed_in(cast["secretary"]).post(
        reverse("meetings:expedite", args=[paragraphs[0].pk]),
        {"recipients": "Anna; anna@example.se; epost"},
        follow=True,
    )
    assert page.status_code == 200 and "inte till något ärende" in page.content.decode()
    assert not paragraphs[0].expeditions.exists()
    with pytest.raises(ValidationError):  # a procedural item has no secrecy of its own
        actions.do_set_item_secrecy(added[0], make_provision(), actor=cast["secretary"])


def test_procedural_items_do_not_count_in_the_measures(cast: dict[str, Any]) -> None:
    near = make_meeting(cast["body"], days_ahead=2)  # after the item deadline
    cast["meeting"] = near
    do_add_procedural_item(near, "Information från förvaltningen", section=Section.DECISIONS,
                           actor=cast["secretary"])  # fmt: skip
    case_item(cast)
    open_minutes(cast)
    (quarter,) = measures.quarters(cast["body"])
    assert (quarter.items, quarter.late, quarter.incomplete) == (1, 1, 0)


def test_a_procedural_item_is_refused_on_bad_input_and_by_others(cast: dict[str, Any]) -> None:
    meeting, secretary = cast["meeting"], cast["secretary"]
    for title in ["", "   ", "x" * 10_000]:
        with pytest.raises(ValidationError) as refused:
            do_add_procedural_item(meeting, title, actor=secretary)
        assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError):
        do_add_procedural_item(meeting, "Öppnande", section="nonsense", actor=secretary)
    with pytest.raises(PermissionDenied):
        do_add_procedural_item(meeting, "Öppnande", actor=cast["officer"])
    assert not meeting.items.exists()
    open_minutes_after = case_item(cast)
    open_minutes(cast)
    with pytest.raises(ValidationError):  # the § numbers are given: the agenda is closed
        do_add_procedural_item(meeting, "Övriga frågor", actor=secretary)
    assert list(meeting.items.all()) == [open_minutes_after]


def test_sub_items_are_numbered_under_their_parent_everywhere(cast: dict[str, Any]) -> None:
    secretary = cast["secretary"]
    do_add_procedural_item(cast["meeting"], "Mötets öppnande", actor=secretary)
    parent = case_item(cast, "Budget 2027")
    first = case_item(cast, "Driftbudget")
    second = case_item(cast, "Investeringsbudget")
    last = case_item(cast, "Motion om cykelbanor")
    do_set_item_details(second, parent=parent, reference="", rapporteur="", actor=secretary)
    do_set_item_details(first, parent=parent, reference="", rapporteur="Olle Ek", actor=secretary)
    text = notice_text(cast["meeting"])
    assert "2 Budget 2027" in text
    assert "2 a Driftbudget" in text and "Föredragande: Olle Ek" in text
    assert "2 b Investeringsbudget" in text and "3 Motion om cykelbanor" in text
    page = signed_in(secretary).get(reverse("meetings:meeting", args=[cast["meeting"].pk]))
    assert '<span class="item-label">2 a</span>' in page.content.decode()
    # The API lists the agenda in the same order, numbered as printed.
    listed = api_client(secretary).get(f"/api/v1/meetings/{cast['meeting'].pk}/items").json()
    assert [(row["label"], row["title"]) for row in listed] == [
        ("1", "Mötets öppnande"),
        ("2", "Budget 2027"),
        ("2 a", "Driftbudget"),
        ("2 b", "Investeringsbudget"),
        ("3", "Motion om cykelbanor"),
    ]
    minutes = open_minutes(cast)
    numbers = {p.item_id: p.number for p in minutes.paragraphs.all()}
    assert sorted(numbers.values()) == list(range(1, 6))  # no gaps
    assert (
        numbers[parent.pk] + 1 == numbers[first.pk] and numbers[first.pk] + 1 == numbers[second.pk]
    )
    assert numbers[last.pk] == 5
    text = minutes_text(cast["meeting"])
    assert f"§ {numbers[first.pk]} (punkt 2 a) Driftbudget" in text
    assert "Föredragande: Olle Ek" in text


def test_bad_placements_are_refused_and_nothing_changes(cast: dict[str, Any]) -> None:
    secretary = cast["secretary"]
    parent, child, other = case_item(cast, "A"), case_item(cast, "B"), case_item(cast, "C")
    do_set_item_details(child, parent=parent, reference="", rapporteur="", actor=secretary)
    elsewhere = actions.do_preregister_item(
        make_meeting(cast["body"], days_ahead=40), cast["case"], title="D", actor=cast["officer"]
    )
    refusals = [
        (other, elsewhere, "samma sammanträde"),  # parent in another meeting
        (other, child, "egna underpunkter"),  # a sub-item of a sub-item
        (parent, other, "egna underpunkter"),  # an item with sub-items under another
        (other, other, "under sig själv"),
    ]
    for item, under, words in refusals:
        with pytest.raises(ValidationError) as refused:
            do_set_item_details(item, parent=under, reference="", rapporteur="", actor=secretary)
        assert words in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        do_set_item_details(other, parent=None, reference="x" * 51, rapporteur="", actor=secretary)
    with pytest.raises(PermissionDenied):
        do_set_item_details(
            other, parent=parent, reference="", rapporteur="", actor=cast["officer"]
        )
    found = {i.pk: (i.parent_id, i.reference) for i in AgendaItem.objects.all()}
    assert found[other.pk] == (None, "") and found[parent.pk] == (None, "")
    assert found[child.pk] == (parent.pk, "")


def test_a_reference_is_shown_for_an_item_without_case_number(cast: dict[str, Any]) -> None:
    do_add_procedural_item(
        cast["meeting"], "Remiss från regionen", reference="RS 2026/88", actor=cast["secretary"]
    )
    case_item(cast, case=cast["case"])
    assert "Remiss från regionen RS 2026/88" in notice_text(cast["meeting"])
    open_minutes(cast)
    assert "RS 2026/88" in minutes_text(cast["meeting"])


def test_appendices_are_numbered_referred_to_and_renumbered(cast: dict[str, Any]) -> None:
    secretary = cast["secretary"]
    item = case_item(cast, case=cast["case"])
    letter = make_incoming(cast["case"], description="Yttrande från Lantmäteriet")
    secret = make_incoming(cast["case"], description="Läkarintyg", secrecy=make_provision())
    foreign = make_incoming(make_case("Annat", authority=cast["body"].authority))
    minutes = open_minutes(cast)
    paragraph = minutes.paragraphs.get(item=item)
    first = do_add_appendix(minutes, "Karta", paragraph=paragraph, actor=secretary)
    second = do_add_appendix(minutes, "", paragraph=paragraph, document=letter, actor=secretary)
    third = do_add_appendix(minutes, "Närvarolista", actor=secretary)
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert second.title == "Yttrande från Lantmäteriet"
    text = minutes_text(cast["meeting"])
    assert "Bilaga 2: Yttrande från Lantmäteriet" in text
    assert f"Bilagor Bilaga 1 Karta (§ {paragraph.number})" in text
    for document, words in [(secret, NOT_FOR_PUBLIC_PART), (foreign, "finns inte")]:
        with pytest.raises(ValidationError) as refused:
            do_add_appendix(minutes, "X", paragraph=paragraph, document=document, actor=secretary)
        assert words in " ".join(refused.value.messages)
    for title in ["", "x" * 10_000]:
        with pytest.raises(ValidationError):
            do_add_appendix(minutes, title, actor=secretary)
    with pytest.raises(PermissionDenied):
        do_add_appendix(minutes, "Karta", actor=cast["officer"])
    do_remove_appendix(first, actor=secretary)
    assert list(minutes.appendices.values_list("number", "title")) == [
        (1, "Yttrande från Lantmäteriet"),
        (2, "Närvarolista"),
    ]
    Minutes.objects.filter(pk=minutes.pk).update(locked_at=timezone.now())  # approved
    with pytest.raises(ValidationError):
        do_add_appendix(minutes, "Sent", actor=secretary)
    with pytest.raises(ValidationError):
        do_remove_appendix(Appendix.objects.get(minutes=minutes, number=1), actor=secretary)
    assert minutes.appendices.count() == 2


def test_a_secret_document_may_be_an_appendix_of_a_non_public_paragraph_only(
    cast: dict[str, Any],
) -> None:
    secretary = cast["secretary"]
    item = case_item(cast, case=cast["case"])
    actions.do_set_item_secrecy(item, make_provision(), public_title="Ärende", actor=secretary)
    manager = make_user(roles=[(Role.MANAGER, cast["body"].authority)], username="chef")
    do_grant_role(secretary, Role.OFFICER, authority=cast["body"].authority, actor=None)
    do_assign_officer(cast["case"], secretary, actor=manager)  # reads the case's secrets
    secret = make_incoming(cast["case"], description="Läkarintyg", secrecy=make_provision())
    minutes = open_minutes(cast)
    paragraph = minutes.paragraphs.get(item=item)
    do_add_appendix(minutes, "", paragraph=paragraph, document=secret, actor=secretary)
    public = minutes_text(cast["meeting"])
    assert "Läkarintyg" not in public and "Finns i protokollets sekretessbilaga" in public
    with translation.override("en"):
        hidden = text_of(pdf.minutes_pdf(minutes, secret_part=True))
    assert "Bilaga 1: Läkarintyg" in hidden


def test_the_notice_follows_the_bodys_order_of_sections(cast: dict[str, Any]) -> None:
    secretary = cast["secretary"]
    case_item(cast, "Årsredovisning")
    case_item(cast, "Ekonomisk uppföljning", section=Section.INFORMATION)
    do_add_procedural_item(cast["meeting"], "Mötets öppnande", actor=secretary)
    before = notice_text(cast["meeting"])
    assert before.index("Formalia") < before.index("Beslutsärenden") < before.index("Informations")
    do_set_section_order(cast["body"], ["information", "formalia"], actor=secretary)
    after = notice_text(cast["meeting"])
    assert after.index("Informations") < after.index("Formalia") < after.index("Beslutsärenden")
    assert "Informationsärenden 1 Ekonomisk uppföljning KS" in after
    assert "Formalia 2 Mötets öppnande Beslutsärenden 3 Årsredovisning" in after
    for order in [["nonsense"], ["formalia", "formalia"]]:
        with pytest.raises(ValidationError):
            do_set_section_order(cast["body"], order, actor=secretary)
    with pytest.raises(PermissionDenied):
        do_set_section_order(cast["body"], [], actor=cast["officer"])
    cast["body"].refresh_from_db()
    assert cast["body"].section_order == ["information", "formalia"]


def test_the_pages_refuse_outsiders_with_404_and_bad_input_with_a_swedish_message(
    cast: dict[str, Any],
) -> None:
    meeting = cast["meeting"]
    item = case_item(cast, case=cast["case"])
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    outsiders = [
        make_user(roles=[(Role.SECRETARY, other)], username="annan"),
        make_member(cast["body"], username="ledamot"),
    ]
    posts = [
        ("meetings:add-procedural", meeting.pk, {"title": "Öppnande", "section": "formalia"}),
        ("meetings:add-standard", meeting.pk, {}),
        ("meetings:item-details", item.pk, {f"item{item.pk}-reference": "X"}),
        ("meetings:section-order", meeting.pk, {"place_0": "information"}),
        ("meetings:add-appendix", meeting.pk, {"title": "Karta"}),
    ]
    for user in outsiders:
        browser = signed_in(user)
        for name, pk, data in posts:
            assert browser.post(reverse(name, args=[pk]), data).status_code == 404, name
    browser = signed_in(cast["secretary"])
    url = reverse("meetings:add-procedural", args=[meeting.pk])
    for title in ["", "x" * 10_000]:
        page = browser.post(url, {"title": title, "section": "formalia"}, HTTP_ACCEPT_LANGUAGE="sv")
        assert page.status_code == 200
        assert "Inget sparades" in page.content.decode()
    assert not meeting.items.filter(case=None).exists()
    done = browser.post(
        url, {"title": "Mötets öppnande", "section": "formalia", "rapporteur": "Sara"}
    )
    assert done.status_code == 302
    assert meeting.items.get(case=None).rapporteur == "Sara"
    cast["body"].refresh_from_db()
    assert cast["body"].section_order == []


def test_the_api_adds_places_and_orders_with_json_errors(cast: dict[str, Any]) -> None:
    meeting, secretary = cast["meeting"], cast["secretary"]
    api = api_client(secretary)
    base = f"/api/v1/meetings/{meeting.pk}"
    added = api.post(f"{base}/standard-items", content_type="application/json")
    assert added.status_code == 201 and len(added.json()) == 3
    assert api.post(f"{base}/standard-items", content_type="application/json").json() == []
    for title in ["", "x" * 10_000]:
        refused = api.post(f"{base}/procedural-items", {"title": title}, "application/json")
        assert refused.status_code == 422, refused.content
    item = case_item(cast, case=cast["case"])
    own = api.post(
        f"{base}/procedural-items",
        {"title": "Remiss", "section": "beslut", "reference": "RS 2026/88"},
        "application/json",
    )
    assert own.status_code == 201 and own.json()["reference"] == "RS 2026/88"
    url = f"/api/v1/meetings/items/{own.json()['id']}/details"
    details = {"parent_id": item.pk, "reference": "RS 2026/88", "rapporteur": "Olle Ek"}
    placed = api.put(url, details, "application/json")
    assert placed.status_code == 200 and placed.json()["parent_id"] == item.pk
    under_sub = api.put(
        f"/api/v1/meetings/items/{item.pk}/details",
        {"parent_id": added.json()[0]["id"]},
        "application/json",
    )
    assert under_sub.status_code == 422 and "underpunkter" in under_sub.json()["detail"]
    wrong = api.put(url, {"parent_id": 999_999}, "application/json")
    assert wrong.status_code == 422
    listed = api.get(f"{base}/items").json()
    by_id = {row["id"]: row for row in listed}
    assert by_id[own.json()["id"]]["case_number"] == "RS 2026/88"
    assert by_id[own.json()["id"]]["missing"] == [] and by_id[item.pk]["parent_id"] is None
    order = api.put(f"{base}/section-order", {"order": ["beslut", "formalia"]}, "application/json")
    assert order.status_code == 200 and order.json()["order"] == ["beslut", "formalia"]
    bad = api.put(f"{base}/section-order", {"order": ["nonsense"]}, "application/json")
    assert bad.status_code == 422
    minutes = open_minutes(cast)
    paragraph = minutes.paragraphs.get(item=item)
    letter = make_incoming(cast["case"], description="Yttrande")
    appendix = api.post(
        f"{base}/appendices",
        {"paragraph_id": paragraph.pk, "document_number": letter.number},
        "application/json",
    )
    assert appendix.status_code == 201 and appendix.json()["number"] == 1
    assert appendix.json()["title"] == "Yttrande"
    missing = api.post(f"{base}/appendices", {"document_number": 1}, "application/json")
    assert missing.status_code == 422
    assert api.delete(f"{base}/appendices/1").status_code == 204
    assert not minutes.appendices.exists()


def test_the_api_answers_404_to_other_authorities_and_members(cast: dict[str, Any]) -> None:
    meeting = cast["meeting"]
    item = case_item(cast, case=cast["case"])
    open_minutes(cast)
    do_add_appendix(Minutes.objects.get(meeting=meeting), "Karta", actor=cast["secretary"])
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    base = f"/api/v1/meetings/{meeting.pk}"
    calls = [
        ("post", f"{base}/procedural-items", {"title": "Öppnande"}),
        ("post", f"{base}/standard-items", {}),
        ("put", f"/api/v1/meetings/items/{item.pk}/details", {"reference": "X"}),
        ("put", f"{base}/section-order", {"order": ["information"]}),
        ("post", f"{base}/appendices", {"title": "Karta"}),
        ("delete", f"{base}/appendices/1", None),
    ]
    for user in [
        make_user(roles=[(Role.SECRETARY, other)], username="annan"),
        make_member(cast["body"], username="ledamot"),
    ]:
        api = api_client(user)
        for method, url, data in calls:
            answer = getattr(api, method)(url, data, "application/json")
            assert answer.status_code == 404, (method, url, answer.content)
    item.refresh_from_db()
    cast["body"].refresh_from_db()
    assert item.reference == "" and cast["body"].section_order == []
    assert Minutes.objects.get(meeting=meeting).appendices.count() == 1
    assert not meeting.items.filter(case=None).exists()


def test_the_officer_names_the_rapporteur_when_pre_registering(cast: dict[str, Any]) -> None:
    browser = signed_in(cast["officer"])
    page = browser.post(
        reverse("meetings:preregister", args=[cast["meeting"].pk]),
        {
            "case_number": cast["case"].case_number,
            "section": "beslut",
            "proposal": "Planen antas.",
            "rapporteur": "Olle Ek, planarkitekt",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    item = cast["meeting"].items.get()
    assert item.rapporteur == "Olle Ek, planarkitekt"
    assert "Föredragande: Olle Ek, planarkitekt" in notice_text(cast["meeting"])
    with pytest.raises(ValidationError) as refused:
        case_item(cast, "Lång", rapporteur="x" * 201)
    assert "rapporteur" in refused.value.message_dict
    assert cast["meeting"].items.count() == 1
