"""An attacker's review of issue 13's surfaces: what each one gives away of a non-public
item (OSL 5 kap. 1 §) or a protected identity (OSL 21 kap. 3 §) to whoever may not read
it, and whether an id of someone else's object is taken where one's own is expected.
One test per finding or per surface no other test covered."""

import datetime
import io
from typing import Any

import pypdf
import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from kansli.files.store import store_bytes
from kansli.meetings import actions, pdf
from kansli.meetings.actions import appendices, eapproval
from kansli.meetings.actions.immediate import do_approve_paragraph, do_mark_immediate_approval
from kansli.meetings.models import ApprovalComment, Attendance, Motion, Paragraph
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    record_present,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db
NAME = "Bo Berg"
SECRET_TITLE = "Rehabilitering av Eva Lund"
PUBLIC_HEADING = "Personalärende"


@pytest.fixture
def held(settings: Any) -> dict[str, Any]:
    """Minutes of a meeting with a § about a party with protected identity (an open
    item) and a non-public §, the chair and one approver present, the draft released."""
    settings.LANGUAGE_CODE = "sv"
    body = make_body()
    secretary = make_secretary(body)
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek")
    approver = make_member(body, first_name="Jan", last_name="Just")
    other_member = make_member(body, first_name="Olle", last_name="Övrig")
    meeting = make_meeting(body)
    case = make_case(f"Ansökan från {NAME}", authority=body.authority)
    registry.do_add_party(case, NAME, protected_identity=True, actor=None)
    actions.do_preregister_item(meeting, case, title=f"Bistånd till {NAME}", actor=None)
    secret_case = make_case("Personalärende", authority=body.authority)
    item = actions.do_preregister_item(meeting, secret_case, title=SECRET_TITLE, actor=None)
    actions.do_set_item_secrecy(item, make_provision(), public_title=PUBLIC_HEADING, actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[approver], actor=secretary)
    record_present(minutes, chair, approver, other_member)
    first, second = minutes.paragraphs.order_by("number")
    return {
        "body": body,
        "case": case,
        "secretary": secretary,
        "chair": chair,
        "approver": approver,
        "other_member": other_member,
        "meeting": meeting,
        "minutes": minutes,
        "open": first,
        "secret": second,
    }


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def released(held: dict[str, Any]) -> None:
    eapproval.do_release_draft(held["minutes"], actor=held["secretary"])


def outsiders(held: dict[str, Any]) -> dict[str, Any]:
    """Everyone who must not read the draft: another authority's secretary, a member of
    another body, a member of the same body who does not approve, an officer of the
    authority who has no access to the cases."""
    other_body = make_body(make_authority(code="BN", name="Byggnadsnämnden"))
    return {
        "another authority's secretary": make_secretary(other_body),
        "a member of another body": make_member(other_body),
        "a member who does not approve": held["other_member"],
        "an officer": make_user("officer9", roles=[(Role.OFFICER, held["body"].authority)]),
    }


# Leaks of a protected identity.


def test_the_motions_api_hides_a_protected_name_in_the_motions_text(
    held: dict[str, Any],
) -> None:
    """The § API gave each motion's text as typed, while its minutes_text masked it."""
    paragraph = held["open"]
    actions.do_add_motion(
        paragraph, held["chair"], f"Bifall till {NAME}s ansökan.", actor=held["secretary"]
    )
    client = api_client(held["secretary"])
    answer = client.get(f"/api/v1/paragraphs/{paragraph.pk}/motions")
    assert answer.status_code == 200
    (motion,) = answer.json()["motions"]
    assert motion["text"] == "Bifall till Skyddad identitets ansökan."
    assert NAME not in answer.content.decode()
    # Nor in what the API answers when a motion or a dissent is recorded.
    made = client.post(
        f"/api/v1/paragraphs/{paragraph.pk}/dissents",
        {"user_id": held["approver"].pk, "reason": f"{NAME} borde få bistånd."},
        content_type="application/json",
    )
    assert made.status_code == 201 and NAME not in made.content.decode()
    assert made.json()["reason"] == "Skyddad identitet borde få bistånd."


def test_the_vote_forms_on_the_paragraph_page_hide_a_protected_name_in_motions(
    held: dict[str, Any],
) -> None:
    """The § page's vote forms named each motion by its text as typed."""
    paragraph = held["open"]
    actions.do_add_motion(
        paragraph, held["chair"], f"Bifall till {NAME}s ansökan.", actor=held["secretary"]
    )
    page = signed_in(held["secretary"]).get(f"/moten/paragraf/{paragraph.pk}/")
    assert page.status_code == 200
    assert "ansökan" in page.content.decode() and NAME not in page.content.decode()


def test_the_public_minutes_pdf_hides_a_protected_name_in_an_appendix_title(
    held: dict[str, Any],
) -> None:
    """An appendix from a document of the case took the document's description as its
    title, and the public part of the minutes printed it as it was."""
    document = make_incoming(held["case"], description=f"Läkarintyg för {NAME}")
    appendices.do_add_appendix(
        held["minutes"], "", paragraph=held["open"], document=document, actor=held["secretary"]
    )
    appendices.do_add_appendix(
        held["minutes"], f"Yttrande om {NAME}", actor=held["secretary"]
    )  # on the whole minutes
    public = text_of(pdf.minutes_pdf(held["minutes"]))
    assert "Läkarintyg för Skyddad identitet" in public and NAME not in public
    assert "Yttrande om Skyddad identitet" in public
    # Stored as given: the name is for those entitled.
    assert held["minutes"].appendices.filter(title=f"Läkarintyg för {NAME}").exists()


def test_the_meeting_pages_agenda_tools_hide_a_protected_name_from_the_secretary(
    held: dict[str, Any],
) -> None:
    """The secretary's forms on the meeting page (an item's parent, an appendix's § and
    the appendices listed) named the § by its item's title as stored."""
    document = make_incoming(held["case"], description=f"Läkarintyg för {NAME}")
    appendices.do_add_appendix(
        held["minutes"], "", paragraph=held["open"], document=document, actor=held["secretary"]
    )
    page = signed_in(held["secretary"]).get(f"/moten/{held['meeting'].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bistånd till" in html and "Läkarintyg för" in html and NAME not in html


def test_arranging_the_agenda_and_the_items_secrecy_page_hide_a_protected_name(
    held: dict[str, Any],
) -> None:
    """Before the minutes are opened the secretary arranges the agenda; the table and
    the page that makes an item non-public named the item by its title as stored."""
    later = make_meeting(held["body"], days_ahead=60)
    item = actions.do_preregister_item(
        later, held["case"], title=f"Bistånd till {NAME}", actor=None
    )
    client = signed_in(held["secretary"])
    for url in (f"/moten/{later.pk}/", f"/moten/punkt/{item.pk}/sekretess/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Bistånd till" in page.content.decode() and NAME not in page.content.decode(), url


def test_the_appendix_api_answers_with_a_protected_name_masked(held: dict[str, Any]) -> None:
    """The API answered an appendix added from a document with the document's
    description, naming the party to a secretary who may not know the name."""
    document = make_incoming(held["case"], description=f"Läkarintyg för {NAME}")
    answer = api_client(held["secretary"]).post(
        f"/api/v1/meetings/{held['meeting'].pk}/appendices",
        {"paragraph_id": held["open"].pk, "document_number": document.number},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["title"] == "Läkarintyg för Skyddad identitet"
    assert held["minutes"].appendices.get().title == f"Läkarintyg för {NAME}"


def delegated(held: dict[str, Any]) -> tuple[Any, Any]:
    """A delegate's decision in the case of the party with protected identity, its
    summary naming the party."""
    delegate = make_user("delegate", roles=[(Role.OFFICER, held["body"].authority)])
    point = actions.do_add_delegation_point(
        held["body"].authority, "3.1", "Bistånd", "Socialsekreterare", delegates=[delegate],
        actor=None,
    )  # fmt: skip
    decision = actions.do_register_delegated_decision(
        point,
        held["case"],
        f"Bistånd till {NAME} beviljas",
        decided_on=timezone.localdate(),
        decided_by=delegate,
        actor=delegate,
    )
    return delegate, decision


def test_a_reported_delegated_decision_goes_on_the_agenda_without_a_protected_name(
    held: dict[str, Any],
) -> None:
    """Reported to the board, the summaries became the proposal of an item in the
    board's report case, whose parties are not the decisions': the name went on to the
    agenda, the members' portal and the minutes as written."""
    delegated(held)
    later = make_meeting(held["body"], days_ahead=60)
    standing = make_case("Anmälan av delegationsbeslut", authority=held["body"].authority)
    item = actions.do_report_delegated_decisions(later, standing, actor=held["secretary"])
    assert "3.1 Bistånd till [Skyddad personuppgift] beviljas" in item.proposal
    assert NAME not in item.proposal


def test_the_delegation_page_and_api_hide_a_protected_name_in_a_summary(
    held: dict[str, Any],
) -> None:
    """The list of delegated decisions and the API's answer gave the summary as typed
    to staff who are neither the case's officer nor a registrar."""
    delegate, decision = delegated(held)
    page = signed_in(held["secretary"]).get("/moten/delegation/")
    assert page.status_code == 200
    assert "Bistånd till" in page.content.decode() and NAME not in page.content.decode()
    answer = api_client(delegate).post(
        "/api/v1/delegation/decisions",
        {
            "point_id": decision.point_id,
            "case_id": held["case"].pk,
            "summary": f"Bistånd till {NAME} avslås",
            "decided_on": f"{timezone.localdate():%Y-%m-%d}",
            "decided_by_id": delegate.pk,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["summary"] == "Bistånd till Skyddad identitet avslås"
    # Those entitled read it whole.
    registrar = make_user("registrar9", roles=[(Role.REGISTRAR, held["body"].authority)])
    assert NAME in signed_in(registrar).get("/moten/delegation/").content.decode()


def a_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_documents(held: dict[str, Any]) -> Any:
    """A later meeting, dispatched, whose item about the party has two documents with
    PDF files, the second described by the party's name."""
    later = make_meeting(held["body"], days_ahead=60)
    documents = [
        make_incoming(held["case"], description=description)
        for description in ("Ansökan", f"Läkarintyg för {NAME}")
    ]
    for document in documents:
        registry.do_attach_file(document, store_bytes(a_pdf(), "a.pdf"), "a.pdf", actor=None)
    actions.do_preregister_item(
        later, held["case"], title="Bistånd", attachments=documents, actor=None
    )
    actions.do_dispatch_meeting(later, actor=None)
    return type(later).objects.get(pk=later.pk)


def test_the_member_portal_hides_a_protected_name_in_a_documents_description(
    held: dict[str, Any],
) -> None:
    """The portal masked the item's title but listed its documents by their
    descriptions as registered."""
    later = with_documents(held)
    page = signed_in(held["other_member"]).get(f"/moten/portal/{later.pk}/")
    assert page.status_code == 200
    assert "Läkarintyg för" in page.content.decode() and NAME not in page.content.decode()


def test_the_meeting_pack_names_no_protected_party_in_its_bookmarks(
    held: dict[str, Any],
) -> None:
    """The pack's bookmarks named each further document of an item by its description."""
    later = with_documents(held)
    with later.pack.open() as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))

    def titles(outline: list[Any]) -> list[str]:
        return [t for o in outline for t in (titles(o) if isinstance(o, list) else [o.title])]

    marks = titles(reader.outline)
    assert any("Läkarintyg för" in mark for mark in marks), marks
    assert not any(NAME in mark for mark in marks), marks


def test_the_item_details_api_answers_with_a_protected_name_masked(
    held: dict[str, Any],
) -> None:
    later = make_meeting(held["body"], days_ahead=60)
    item = actions.do_preregister_item(
        later, held["case"], title=f"Bistånd till {NAME}", actor=None
    )
    answer = api_client(held["secretary"]).put(
        f"/api/v1/meetings/items/{item.pk}/details",
        {"reference": "Dnr SN 2026/1", "rapporteur": "Sara Sekreterare"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["title"] == "Bistånd till Skyddad identitet"
    assert type(item).objects.get(pk=item.pk).title == f"Bistånd till {NAME}"


def test_the_draft_comments_hide_a_protected_name_from_the_secretary(
    held: dict[str, Any],
) -> None:
    """The chair may know the name; a comment naming the party is shown to the
    secretary, who may not, on the draft page and in the API."""
    released(held)
    eapproval.do_comment_draft(
        held["minutes"], f"Skriv ut {NAME} i beslutet.", paragraph=held["open"], actor=held["chair"]
    )
    eapproval.do_comment_draft(held["minutes"], f"{NAME} saknas.", actor=held["approver"])
    meeting = held["meeting"]
    client = signed_in(held["secretary"])
    draft = client.get(f"/moten/{meeting.pk}/protokoll/utkast/")
    minutes = client.get(f"/moten/{meeting.pk}/protokoll/")
    api = api_client(held["secretary"]).get(f"/api/v1/meetings/{meeting.pk}/draft/comments")
    assert draft.status_code == 200 and minutes.status_code == 200 and api.status_code == 200
    for shown in (draft.content.decode(), minutes.content.decode(), api.content.decode()):
        assert "i beslutet" in shown and "saknas" in shown and NAME not in shown
    assert [c["text"] for c in api.json()] == [
        "Skriv ut Skyddad identitet i beslutet.",
        "Skyddad identitet saknas.",
    ]
    # The chair reads the comment as written, and it is stored as written.
    chair = signed_in(held["chair"]).get(f"/moten/{meeting.pk}/protokoll/utkast/")
    assert f"Skriv ut {NAME} i beslutet." in chair.content.decode()
    assert ApprovalComment.objects.filter(text=f"{NAME} saknas.").exists()


def test_the_draft_pdf_hides_a_protected_name_in_a_non_public_paragraph_from_the_secretary(
    held: dict[str, Any],
) -> None:
    """The pages mask the name for the secretary (not the case's officer nor a
    registrar); the draft PDF's non-public part prints a non-public § naming its party."""
    registry.do_add_party(held["secret"].item.case, "Eva Lund", protected_identity=True, actor=None)
    actions.do_record_decision(held["secret"], decision="Eva Lund omplaceras.", actor=None)
    released(held)
    page = signed_in(held["secretary"]).get(f"/moten/paragraf/{held['secret'].pk}/")
    assert (
        "omplaceras" in page.content.decode() and "Eva Lund omplaceras" not in page.content.decode()
    )
    draft = signed_in(held["secretary"]).get(f"/moten/{held['meeting'].pk}/protokoll/utkast.pdf")
    assert draft.status_code == 200
    assert "Eva Lund" not in text_of(draft.getvalue())


def test_the_public_notice_hides_a_party_given_protected_identity_after_dispatch(
    held: dict[str, Any],
) -> None:
    """Identity protection often comes after the case is opened (Skatteverket marks the
    person later). The public meeting page masks the name from then on; the public
    notice PDF on the notice board keeps it."""
    later = make_meeting(held["body"], days_ahead=60)
    case = make_case("Bostadsanpassning", authority=held["body"].authority)
    actions.do_preregister_item(later, case, title="Bidrag till Lisa Ring", actor=None)
    actions.do_dispatch_meeting(later, actor=None)
    later.refresh_from_db()
    assert later.notice is not None
    with later.notice.open() as handle:
        sent = handle.read()
    url = f"/anslagstavla/sammantrade/{later.pk}/kallelse.pdf"
    as_sent = Client().get(url)
    assert b"".join(as_sent.streaming_content) == sent  # type: ignore[attr-defined]
    caches["public-pages"].clear()
    registry.do_add_party(case, "Lisa Ring", protected_identity=True, actor=None)
    page = Client().get(f"/anslagstavla/sammantrade/{later.pk}/").content.decode()
    assert "Bidrag till" in page and "Lisa Ring" not in page
    notice = Client().get(f"/anslagstavla/sammantrade/{later.pk}/kallelse.pdf")
    assert notice.status_code == 200
    assert "Lisa Ring" not in text_of(notice.getvalue())


# Non-public items: surfaces no test covered yet.


def test_the_draft_page_pdf_and_comments_are_404_to_all_but_its_readers(
    held: dict[str, Any],
) -> None:
    released(held)
    eapproval.do_comment_draft(
        held["minutes"], "Stavfel i § 2.", paragraph=held["secret"], actor=held["approver"]
    )
    meeting = held["meeting"]
    urls = [f"/moten/{meeting.pk}/protokoll/utkast/", f"/moten/{meeting.pk}/protokoll/utkast.pdf"]
    assert Client().get(urls[0]).status_code == 302  # to the login
    assert Client().get(f"/api/v1/meetings/{meeting.pk}/draft/comments").status_code == 401
    for who, user in outsiders(held).items():
        for url in urls:
            assert signed_in(user).get(url).status_code == 404, (who, url)
        api = api_client(user).get(f"/api/v1/meetings/{meeting.pk}/draft/comments")
        assert api.status_code == 404, who
    # The approver reads the draft, the non-public § in full.
    assert SECRET_TITLE in signed_in(held["approver"]).get(urls[0]).content.decode()


def test_the_draft_e_mail_names_no_item_and_carries_no_pdf(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    held["chair"].email, held["approver"].email = "carina@example.se", "jan@example.se"
    for person in (held["chair"], held["approver"]):
        person.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        released(held)
    assert sorted(m.to[0] for m in mail.outbox) == ["carina@example.se", "jan@example.se"]
    for message in mail.outbox:
        assert not message.attachments
        for secret in (SECRET_TITLE, PUBLIC_HEADING, NAME, "Bistånd"):
            assert secret not in f"{message.subject} {message.body}"


def test_the_public_part_of_the_draft_pdf_gives_the_non_public_item_by_heading_only(
    held: dict[str, Any],
) -> None:
    actions.do_add_motion(
        held["secret"], held["chair"], "Eva Lund ska omplaceras.", actor=held["secretary"]
    )
    public = text_of(pdf.minutes_pdf(held["minutes"], draft=True))
    assert PUBLIC_HEADING in public
    assert "Eva Lund" not in public and "omplaceras" not in public


def test_the_notice_board_names_an_immediately_approved_paragraph_without_the_party(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    during = held["meeting"].starts_at + datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: during)
    actions.do_record_decision(held["open"], decision=f"{NAME} beviljas.", actor=None)
    do_mark_immediate_approval(held["open"], actor=held["secretary"])
    for who in ("chair", "approver"):
        do_approve_paragraph(held["open"], verified=True, actor=held[who])
    posted = Paragraph.objects.get(pk=held["open"].pk).notice.posted_on  # a working day
    monkeypatch.setattr(timezone, "now", lambda: during + (posted - during.date()))
    board = Client().get("/anslagstavla/").content.decode()
    assert "Bistånd till" in board and NAME not in board


def test_the_motions_of_a_non_public_paragraph_are_not_shown_to_an_officer(
    held: dict[str, Any],
) -> None:
    secret = held["secret"]
    actions.do_add_motion(
        secret, held["chair"], "Eva Lund ska omplaceras.", actor=held["secretary"]
    )
    actions.do_record_dissent(
        secret, held["approver"], reason="Omplacering strider mot LAS.", actor=held["secretary"]
    )
    officer = outsiders(held)["an officer"]
    assert api_client(officer).get(f"/api/v1/paragraphs/{secret.pk}/motions").status_code == 404
    for url in (f"/moten/paragraf/{secret.pk}/", f"/moten/{held['meeting'].pk}/protokoll/"):
        page = signed_in(officer).get(url)
        html = page.content.decode()
        assert page.status_code in (200, 404), url
        assert "omplaceras" not in html and "LAS" not in html and SECRET_TITLE not in html, url


def test_the_paragraph_apis_and_page_are_404_to_another_authority_and_to_members(
    held: dict[str, Any],
) -> None:
    paragraph = held["open"]
    actions.do_add_motion(paragraph, held["chair"], "Avslag.", actor=held["secretary"])
    people = outsiders(held)
    urls = [
        f"/api/v1/paragraphs/{paragraph.pk}/motions",
        f"/api/v1/paragraphs/{paragraph.pk}/decision",
        f"/api/v1/paragraphs/{paragraph.pk}/immediate-approval",
    ]
    for who in ("another authority's secretary", "a member of another body"):
        for url in urls:
            assert api_client(people[who]).get(url).status_code == 404, (who, url)
        page = signed_in(people[who]).get(f"/moten/paragraf/{paragraph.pk}/")
        assert page.status_code == 404, who
    member = signed_in(held["other_member"]).get(f"/moten/paragraf/{paragraph.pk}/")
    assert member.status_code == 404
    # A motion posted to the § by a stranger is not saved.
    answer = api_client(people["another authority's secretary"]).post(
        urls[0], {"mover_id": held["chair"].pk, "text": "Bifall."}, content_type="application/json"
    )
    assert answer.status_code == 404 and paragraph.motions.count() == 1


def test_the_attendance_api_is_404_to_another_authority_and_to_members(
    held: dict[str, Any],
) -> None:
    url = f"/api/v1/meetings/{held['meeting'].pk}/attendance"
    assert api_client(held["secretary"]).get(url).status_code == 200
    people = outsiders(held)
    for who in ("another authority's secretary", "a member of another body"):
        assert api_client(people[who]).get(url).status_code == 404, who


# IDOR: an id of someone else's object where one's own is expected.


def test_a_vote_with_a_motion_of_another_paragraph_is_refused(held: dict[str, Any]) -> None:
    secretary, chair = held["secretary"], held["chair"]
    own = actions.do_add_motion(held["open"], chair, "Avslag.", actor=secretary)
    elsewhere = actions.do_add_motion(held["secret"], chair, "Bifall.", actor=secretary)
    ballots = [
        {"user_id": p.pk, "choice": "ja"}
        for p in (held["chair"], held["approver"], held["other_member"])
    ]
    answer = api_client(secretary).post(
        f"/api/v1/paragraphs/{held['open'].pk}/votes",
        {"yes_motion_id": own.pk, "no_motion_id": elsewhere.pk, "ballots": ballots},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "finns inte i paragrafen" in answer.content.decode()
    assert not Paragraph.objects.get(pk=held["open"].pk).votes.exists()
    assert Motion.objects.get(pk=elsewhere.pk).paragraph_id == held["secret"].pk


def test_postponing_to_a_later_meeting_of_another_body_is_refused(held: dict[str, Any]) -> None:
    other_body = make_body(make_authority(code="BN", name="Byggnadsnämnden"))
    elsewhere = make_meeting(other_body, days_ahead=60)
    answer = api_client(held["secretary"]).put(
        f"/api/v1/paragraphs/{held['open'].pk}/decision",
        {"outcome": "bordlagt", "decision": "", "later_meeting_id": elsewhere.pk},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "samma organ" in answer.content.decode()
    assert Paragraph.objects.get(pk=held["open"].pk).outcome == held["open"].outcome
    assert not elsewhere.items.exists()


def test_moving_an_item_to_a_meeting_of_another_body_is_refused(held: dict[str, Any]) -> None:
    later = make_meeting(held["body"], days_ahead=60)
    item = actions.do_preregister_item(later, held["case"], title="Bistånd", actor=None)
    elsewhere = make_meeting(make_body(make_authority(code="BN", name="Bygg")), days_ahead=70)
    page = signed_in(held["secretary"]).post(
        f"/moten/{later.pk}/ordning/",
        {f"position_{item.pk}": "1", f"section_{item.pk}": item.section,
         f"move_{item.pk}": str(elsewhere.pk)},
    )  # fmt: skip
    assert page.status_code == 200  # the page that says nothing was saved
    assert type(item).objects.get(pk=item.pk).meeting_id == later.pk
    assert not elsewhere.items.exists()


def test_a_draft_comment_on_a_paragraph_of_other_minutes_is_refused(
    held: dict[str, Any],
) -> None:
    released(held)
    other_meeting = make_meeting(held["body"], days_ahead=60)
    case = make_case("Annat ärende", authority=held["body"].authority)
    actions.do_preregister_item(other_meeting, case, title="Annat", actor=None)
    actions.do_dispatch_meeting(other_meeting, actor=None)
    other = actions.do_open_minutes(other_meeting, approvers=[], actor=held["secretary"])
    foreign = other.paragraphs.get()
    meeting = held["meeting"]
    page = signed_in(held["approver"]).post(
        f"/moten/{meeting.pk}/protokoll/utkast/kommentera/",
        {"text": "Fel här.", "paragraph": foreign.pk},
    )
    api = api_client(held["approver"]).post(
        f"/api/v1/meetings/{meeting.pk}/draft/comments",
        {"text": "Fel här.", "paragraph_id": foreign.pk},
        content_type="application/json",
    )
    assert page.status_code in (200, 422) and api.status_code == 422
    assert not ApprovalComment.objects.exists()


def test_answering_a_comment_of_another_authoritys_minutes_is_404(
    held: dict[str, Any],
) -> None:
    released(held)
    comment = eapproval.do_comment_draft(held["minutes"], "Stavfel.", actor=held["approver"])
    stranger = outsiders(held)["another authority's secretary"]
    page = signed_in(stranger).post(f"/moten/kommentar/{comment.pk}/svar/", {"answer": "Nej."})
    api = api_client(stranger).post(
        f"/api/v1/draft-comments/{comment.pk}/answer",
        {"answer": "Nej."},
        content_type="application/json",
    )
    assert page.status_code == 404 and api.status_code == 404
    assert ApprovalComment.objects.get(pk=comment.pk).answer == ""


def test_an_appendix_from_a_document_of_another_case_is_refused(held: dict[str, Any]) -> None:
    elsewhere = make_incoming(make_case("Annat", authority=make_authority(code="XN")))
    with pytest.raises(Exception, match="paragrafens ärende"):
        appendices.do_add_appendix(
            held["minutes"],
            "",
            paragraph=held["open"],
            document=elsewhere,
            actor=held["secretary"],
        )
    assert not held["minutes"].appendices.exists()


def test_the_attendance_api_refuses_a_substitute_replacing_a_member_of_another_body(
    held: dict[str, Any],
) -> None:
    stranger = outsiders(held)["a member of another body"]
    rows = [
        {"capacity": Attendance.Capacity.MEMBER, "user_id": held["chair"].pk},
        {
            "capacity": Attendance.Capacity.SUBSTITUTE,
            "user_id": held["other_member"].pk,
            "replaces_id": stranger.pk,
        },
    ]
    before = list(held["minutes"].attendance.values_list("pk", flat=True))
    answer = api_client(held["secretary"]).put(
        f"/api/v1/meetings/{held['meeting'].pk}/attendance",
        {"rows": rows},
        content_type="application/json",
    )
    assert answer.status_code == 422 and f"id {stranger.pk}" in answer.content.decode()
    assert list(held["minutes"].attendance.values_list("pk", flat=True)) == before
