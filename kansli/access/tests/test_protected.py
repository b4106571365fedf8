"""Protected identities on the staff's surfaces (issue 12, part 3; OSL 21 kap. 3 §): the
name a careless registrar wrote in the case title, as the sender and in the
description, and an officer in the agenda title and the decision, is read as "Skyddad
identitet" by everyone but the case's officer and its authority's registrars, on the
case page, the search, the API, the meeting pages and the minutes' PDF; and a search
for the name finds nothing, for anyone."""

import io
from typing import Any

import pypdf
import pytest
from django.test import Client

from kansli.meetings import actions as meetings
from kansli.meetings.models import Minutes
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.actions import do_create_api_token
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_user
from kansli.registry import actions as registry

pytestmark = pytest.mark.django_db

NAME = "Vera Qvist"
NUMBER = "19850612-1234"


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    body = make_body()
    ks = body.authority
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    case = registry.do_register_case(ks, f"Ansökan om färdtjänst, {NAME}", actor=None)
    registry.do_add_party(case, NAME, identity_number=NUMBER, protected_identity=True, actor=None)
    registry.do_assign_officer(case, officer, actor=None)
    document = registry.do_register_document(
        case, "inkommen", case.opened_at.date(), f"Ansökan från {NAME} ({NUMBER})",
        counterpart=NAME, counterpart_address="Hemliga gatan 1", actor=None,
    )  # fmt: skip
    meeting = make_meeting(body)
    meetings.do_preregister_item(
        meeting, case, title=f"Färdtjänst för {NAME}", proposal="Bifalls.", actor=None
    )
    meetings.do_dispatch_meeting(meeting, actor=None)
    minutes = meetings.do_open_minutes(meeting, approvers=[], actor=None)
    meetings.do_record_decision(
        minutes.paragraphs.get(), decision=f"{NAME} beviljas färdtjänst.", actor=None
    )
    chair = make_member(body, ElectedPosition.CHAIR)
    record_present(minutes, chair)
    meeting_over(monkeypatch, meeting)
    meetings.do_approve_minutes(minutes, verified=True, actor=chair)
    return {
        "case": case,
        "document": document,
        "meeting": meeting,
        "minutes": Minutes.objects.get(pk=minutes.pk),
        "officer": officer,
        "registrar": make_user("reg", roles=[(Role.REGISTRAR, ks)]),
        "colleague": make_user("kollega", roles=[(Role.OFFICER, ks)]),
        "secretary": make_secretary(body),
    }


def browse(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.content.decode()


def api(user: Any, url: str) -> str:
    _token, key = do_create_api_token(user, "test", actor=None)
    answer = Client().get(url, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200, url
    return answer.content.decode()


def test_only_the_officer_and_the_registrars_read_the_name(world: dict[str, Any]) -> None:
    case, meeting = world["case"], world["meeting"]
    paragraph = world["minutes"].paragraphs.get()
    pages = [f"/arenden/{case.pk}/", f"/moten/{meeting.pk}/", f"/moten/{meeting.pk}/protokoll/",
             f"/moten/paragraf/{paragraph.pk}/"]  # fmt: skip
    answers = [f"/api/v1/cases/{case.pk}", f"/api/v1/documents/{world['document'].pk}",
               f"/api/v1/meetings/{meeting.pk}/items", "/api/v1/cases"]  # fmt: skip
    for who in ["colleague", "secretary"]:
        # The secretary's own decision form holds the text the secretary writes.
        shown = pages if who == "colleague" else pages[:-1]
        for text in [
            *(browse(world[who], p) for p in shown),
            *(api(world[who], a) for a in answers),
        ]:
            assert NAME not in text and NUMBER not in text and "Hemliga gatan" not in text, who
            assert "Skyddad identitet" in text or "/items" in text or "cases" in text
    for who in ["officer", "registrar"]:
        assert NAME in browse(world[who], f"/arenden/{case.pk}/"), who
        assert NAME in api(world[who], f"/api/v1/cases/{case.pk}"), who


def test_no_search_finds_the_name_and_the_minutes_do_not_print_it(world: dict[str, Any]) -> None:
    for who in ["officer", "colleague"]:
        found = api(world[who], "/api/v1/search?q=Qvist")
        assert '"items": []' in found.replace('"items":[]', '"items": []'), who
    with world["minutes"].sealed.open() as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert NAME not in text and "Skyddad identitet" in text


def test_the_name_written_surname_first_is_hidden_too(world: dict[str, Any]) -> None:
    """Registers write "Efternamn, Förnamn": that way, with or without the comma, the
    name is hidden and found by no search as it is written first name first."""
    case = world["case"]
    document = registry.do_register_document(
        case, "inkommen", case.opened_at.date(), "Komplettering från QVIST Vera",
        counterpart="Qvist, Vera", actor=None,
    )  # fmt: skip
    for text in [browse(world["colleague"], f"/arenden/{case.pk}/"),
                 api(world["colleague"], f"/api/v1/documents/{document.pk}")]:  # fmt: skip
        assert "Qvist" not in text and "QVIST" not in text
        assert "Skyddad identitet" in text
    for words in ["Qvist Vera", "Qvist"]:
        found = api(world["colleague"], f"/api/v1/search?q={words}")
        assert '"items": []' in found.replace('"items":[]', '"items": []'), words


def test_a_long_name_is_hidden_as_written_only() -> None:
    """A name is turned (surname first) while it has a person's few words; a party's
    name of 150 words, typed on purpose, is not made into 150 alternatives for every
    text a page shows."""
    from kansli.access.protected import Hide, names_pattern

    three = names_pattern(("Anna Karin Hemlig",))
    assert three is not None and len(three.pattern.split("|")) == 3
    long = " ".join(["a"] * 150)
    pattern = names_pattern((long,))
    assert pattern is not None and len(pattern.pattern.split("|")) == 1
    assert Hide([long])(f"Brev från {long}.") == "Brev från Skyddad identitet."
