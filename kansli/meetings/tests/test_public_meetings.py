"""Council meetings in public (issue 13, part 8): the coming meetings on the notice
board, for fullmäktige as its announcement (kungörelse, KL 5 kap. 11–12 §§), each with
its time, place and matters and the notice as sent, readable without login; a non-public
matter by its heading only and a protected name masked; the approved minutes by body
and year."""

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from kansli.meetings import actions
from kansli.meetings.models import Notice
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    meeting_over,
    record_present,
)
from kansli.org.models import Authority, ElectedPosition
from kansli.org.testing import make_authority
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_provision

pytestmark = pytest.mark.django_db
NAME = "Bo Berg"


@pytest.fixture
def council(settings: Any) -> dict[str, Any]:
    settings.LANGUAGE_CODE = "sv"
    caches["public-pages"].clear()
    body = make_body(make_authority("KF", "Kommunfullmäktige", kind=Authority.Kind.COUNCIL))
    meeting = make_meeting(body, place="Sessionssalen")
    open_case = make_case("Budget 2027", authority=body.authority)
    actions.do_preregister_item(meeting, open_case, title="Budget 2027", actor=None)
    protected = make_case(f"Medborgarförslag från {NAME}", authority=body.authority)
    registry.do_add_party(protected, NAME, protected_identity=True, actor=None)
    actions.do_preregister_item(meeting, protected, title=f"Förslag från {NAME}", actor=None)
    secret_case = make_case("Personalärende Eva Ek", authority=body.authority)
    item = actions.do_preregister_item(meeting, secret_case, title="Eva Ek, rehab", actor=None)
    actions.do_set_item_secrecy(item, make_provision(), public_title="Personalärende", actor=None)
    return {"body": body, "meeting": meeting}


def test_a_council_meeting_is_announced_without_login(council: dict[str, Any]) -> None:
    meeting = council["meeting"]
    public = Client()
    assert public.get(f"/anslagstavla/sammantrade/{meeting.pk}/").status_code == 404  # not sent
    actions.do_dispatch_meeting(meeting, actor=None)
    caches["public-pages"].clear()
    board = public.get("/anslagstavla/").content.decode()
    assert "Kommande sammanträden" in board and "Kungörelse: KF Kommunfullmäktige" in board
    page = public.get(f"/anslagstavla/sammantrade/{meeting.pk}/").content.decode()
    assert "Kungörelse" in page and "Sessionssalen" in page and "Budget 2027" in page
    assert "Personalärende (OSL 39 kap. 3 §)" in page
    assert "Eva Ek" not in page and NAME not in page
    notice = public.get(f"/anslagstavla/sammantrade/{meeting.pk}/kallelse.pdf")
    assert notice.status_code == 200 and notice.getvalue()[:5] == b"%PDF-"


def test_the_approved_minutes_are_listed_by_body_and_year(
    council: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = council["meeting"]
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    chair = make_member(council["body"], ElectedPosition.CHAIR, first_name="Carina")
    record_present(minutes, chair)
    meeting_over(monkeypatch, meeting)
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    notice = Notice.objects.get(minutes=minutes)
    year = meeting.starts_at.year
    archive = Client().get(f"/anslagstavla/protokoll/?ar={year}").content.decode()
    assert "Kommunfullmäktige" in archive and f"/anslagstavla/{notice.pk}/" in archive
    earlier = Client().get(f"/anslagstavla/protokoll/?ar={year - 1}").content.decode()
    assert "Inga protokoll justerades det året." in earlier
    # The other years offered are those with minutes: from the empty year, only this one.
    assert f'href="?ar={year}"' in earlier and f'href="?ar={year - 2}"' not in earlier
    # An address with a year outside 1900–2200 (or none) shows this year's.
    assert Client().get("/anslagstavla/protokoll/?ar=-1").status_code == 200
