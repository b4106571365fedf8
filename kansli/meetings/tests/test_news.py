"""Snabbnytt (Leksand's measure 8): the secretary publishes it after a meeting, warned
of the non-public items, whose titles are never filled in; the authority's staff read it
under Snabbnytt, the first reading recorded; elected members, the public and another
authority's staff do not see it; bad input is refused and saves nothing."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.models import Meeting, NewsItem, NewsRead
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_provision
from kansli.web.testing import signed_in, sv

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Omplacering av Anna Svensson"


@pytest.fixture
def held() -> dict[str, Any]:
    """A KS meeting held yesterday with a public and a non-public item."""
    body = make_body(make_authority("KS"))
    secretary = make_secretary(body)
    meeting = make_meeting(body)
    actions.do_preregister_item(meeting, make_case("Parkbänkar"), title="Parkbänkar", actor=None)
    secret = actions.do_preregister_item(
        meeting, make_case("Omplacering"), title=SECRET_TITLE, actor=None
    )
    actions.do_set_item_secrecy(
        secret, make_provision(), public_title="Personalärende", actor=secretary
    )
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=yesterday)
    return {
        "body": body,
        "meeting": Meeting.objects.get(pk=meeting.pk),
        "secretary": secretary,
        "officer": make_user("handl", roles=[(Role.OFFICER, body.authority)]),
        "member": make_member(body),
        "outsider": make_user("bun", roles=[(Role.OFFICER, make_authority("BUN"))]),
    }


def publish(held: dict[str, Any], **data: str) -> Any:
    page = f"/moten/{held['meeting'].pk}/snabbnytt/"
    return signed_in(held["secretary"]).post(page, data)


def test_the_form_warns_of_non_public_items_and_fills_in_none_of_their_titles(
    held: dict[str, Any],
) -> None:
    page = signed_in(held["secretary"]).get(f"/moten/{held['meeting'].pk}/snabbnytt/")
    text = page.content.decode()
    assert sv("Snabbnytt from %(meeting)s", meeting=str(held["meeting"])) in text
    assert "Personalärende (OSL 39 kap. 3 §)" in text  # the neutral heading, in the warning
    assert SECRET_TITLE not in text and "Parkbänkar" not in text  # the text is the secretary's


def test_the_secretary_publishes_and_staff_read_it_once(held: dict[str, Any]) -> None:
    answer = publish(held, title="Snabbnytt från KS", text="KS beslutade om parkbänkar.")
    assert answer.status_code == 302 and answer["Location"] == "/snabbnytt/"
    item = NewsItem.objects.get()
    assert (item.body, item.meeting, item.published_by) == (
        held["body"],
        held["meeting"],
        held["secretary"],
    )
    assert AuditEvent.objects.filter(action="meetings.publish_news").count() == 1
    officer = signed_in(held["officer"])
    listing = officer.get("/snabbnytt/").content.decode()
    assert "Snabbnytt från KS" in listing and sv("Not read") in listing
    assert "KS beslutade om parkbänkar." in officer.get(f"/snabbnytt/{item.pk}/").content.decode()
    first = NewsRead.objects.get(item=item, user=held["officer"]).read_at
    officer.get(f"/snabbnytt/{item.pk}/")
    assert NewsRead.objects.get(item=item, user=held["officer"]).read_at == first
    assert AuditEvent.objects.filter(action="meetings.read_news").count() == 1
    assert sv("Not read") not in officer.get("/snabbnytt/").content.decode()
    assert 'href="/snabbnytt/"' in listing  # in the main menu


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_elected_members_and_another_authoritys_staff_do_not_see_it(
    held: dict[str, Any], who: str
) -> None:
    item = actions.do_publish_news(
        held["body"],
        "Snabbnytt från KS",
        "Beslut.",
        meeting=held["meeting"],
        actor=held["secretary"],
    )
    browser = signed_in(held[who])
    assert browser.get(f"/snabbnytt/{item.pk}/").status_code == 404
    listing = browser.get("/snabbnytt/").content.decode()
    assert "Snabbnytt från KS" not in listing
    # In the menu for the staff of any authority (BUN's own news), not for a member.
    assert ('href="/snabbnytt/"' in listing) == (who == "outsider")
    assert browser.get(f"/moten/{held['meeting'].pk}/snabbnytt/").status_code == 404
    assert not NewsRead.objects.exists()


def test_the_public_is_sent_to_log_in_and_a_wrong_id_is_missing(held: dict[str, Any]) -> None:
    item = actions.do_publish_news(held["body"], "Rubrik", "Text.", actor=held["secretary"])
    for path in [
        "/snabbnytt/",
        f"/snabbnytt/{item.pk}/",
        f"/moten/{held['meeting'].pk}/snabbnytt/",
    ]:
        answer = Client().get(path)
        assert answer.status_code == 302 and "next=" in answer["Location"]
    assert signed_in(held["officer"]).get("/snabbnytt/999999/").status_code == 404
    assert not NewsRead.objects.exists()


def test_only_the_secretary_publishes(held: dict[str, Any]) -> None:
    page = f"/moten/{held['meeting'].pk}/snabbnytt/"
    answer = signed_in(held["officer"]).post(page, {"title": "Rubrik", "text": "Text."})
    assert answer.status_code == 403
    assert not NewsItem.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "  ", "text": "Text."}, "This field is required."),
        ({"title": "Rubrik", "text": ""}, "This field is required."),
        ({"title": "Rubrik", "text": "x" * 10_001}, None),
        ({"title": "R" * 201, "text": "Text."}, None),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    held: dict[str, Any], data: dict[str, str], message: str | None
) -> None:
    answer = publish(held, **data)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert sv("Error") in text
    if message:
        assert sv(message) in text
    assert not NewsItem.objects.exists()


def test_not_before_the_meeting(held: dict[str, Any]) -> None:
    ahead = make_meeting(held["body"], days_ahead=10)
    page = f"/moten/{ahead.pk}/snabbnytt/"
    answer = signed_in(held["secretary"]).post(page, {"title": "Rubrik", "text": "Text."})
    assert "Snabbnytt skrivs efter sammanträdet." in answer.content.decode()
    assert not NewsItem.objects.exists()
    assert signed_in(held["secretary"]).get("/moten/999999/snabbnytt/").status_code == 404
