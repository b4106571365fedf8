"""E-justering in the browser (issue 13 part 6): the secretary has released the draft; the
approver finds it in the member portal, opens it, sees the own conflict of interest,
comments on a §, reads the secretary's answer and approves with the one-time code. The
draft page and the secretary's minutes page with the comment pass axe."""

import re

import pytest
from django.core import mail

from kansli.meetings import actions
from kansli.meetings.models import ApprovalComment, Minutes
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_approver_reads_the_draft_comments_and_approves(  # type: ignore[no-untyped-def]
    live_server, browser, settings, monkeypatch
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = live_server.url
    body = make_body(make_authority("KS", "Kommunstyrelsen"))
    secretary = make_user(
        "sekreterare", first_name="Karin", roles=[(Role.SECRETARY, body.authority)],
        password="kansli-demo",
    )  # fmt: skip
    chair = make_member(body, ElectedPosition.CHAIR, username="ordforande", first_name="Göran")
    approver = make_member(
        body, username="justerare", first_name="Fatima", last_name="Hedlund",
        email="fatima@example.se", password="kansli-demo",
    )  # fmt: skip
    meeting = make_meeting(body)
    for title in ["Detaljplan för Vargödalen", "Budget 2027"]:
        case = make_case(title, authority=body.authority)
        actions.do_preregister_item(meeting, case, title=title, proposal="Antas.", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[approver], actor=secretary)
    record_present(minutes, chair, approver)
    first = minutes.paragraphs.order_by("number").first()
    assert first is not None
    actions.do_record_conflict(first, approver, actor=secretary)
    meeting_over(monkeypatch, meeting)
    actions.do_release_draft(minutes, actor=secretary)
    (message,) = [m for m in mail.outbox if m.subject.startswith("Protokoll att justera")]
    assert message.to == ["fatima@example.se"]
    link = re.search(r"https?://\S+/protokoll/utkast/", message.body)
    assert link is not None

    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(page, url, "justerare")
    page.goto(f"{url}/moten/portal/")
    page.get_by_role("link", name=re.compile(str(body))).first.click()
    page.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/utkast/")
    assert page.url.endswith(link.group(0).split("://", 1)[1].split("/", 1)[1])
    text = page.locator("main").inner_text()
    conflict = sv("You have reported a conflict of interest in § %(number)s.", number=first.number)
    assert conflict in text
    assert axe_violations(page) == []
    label = sv("Your comment on § %(number)s", number=first.number)
    page.get_by_label(label).fill("Beslutet bör nämna plankartan.")
    page.get_by_role("button", name=sv("Comment on § %(number)s", number=first.number)).click()
    page.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/utkast/")
    assert page.get_by_role("status").inner_text().strip() == sv(
        "Your comment is sent to the secretary."
    )
    comment = ApprovalComment.objects.get()
    assert comment.paragraph == first and comment.author == approver

    # The secretary answers on the minutes page.
    desk = browser.new_context(locale="sv-SE").new_page()
    log_in(desk, url, "sekreterare")
    desk.goto(f"{url}/moten/{meeting.pk}/protokoll/")
    assert "Beslutet bör nämna plankartan." in desk.locator("main").inner_text()
    assert axe_violations(desk) == []
    desk.get_by_label(sv("Your answer")).fill("Tillagt i beslutet.")
    desk.get_by_role("button", name=sv("Answer"), exact=True).click()
    desk.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    desk.context.close()

    page.reload()
    assert "Tillagt i beslutet." in page.locator("main").inner_text()
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    page.get_by_role("button", name=sv("Approve the minutes")).click()
    page.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    assert page.get_by_role("status").inner_text().strip() == sv(
        "The minutes are approved, sealed and announced on the notice board."
    )
    assert Minutes.objects.get(pk=minutes.pk).sealed is not None
    context.close()
