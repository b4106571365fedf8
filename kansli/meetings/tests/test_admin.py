"""The graphic profile and the bodies' rules in the administration, through the actions."""

import datetime

import pytest
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.files.tests import samples
from kansli.meetings.models import Body, GraphicProfile
from kansli.meetings.pdf import notice_pdf
from kansli.meetings.testing import make_body, make_meeting
from kansli.org.models import User
from kansli.org.testing import make_municipality, make_sysadmin

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
    b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00"
    b"\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def admin() -> Client:
    browser = Client()
    browser.force_login(User.objects.filter(username="sysadmin").first() or make_sysadmin())
    return browser


def test_the_graphic_profile_is_set_without_code_and_used_in_the_notice() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    municipality = make_municipality()
    body = make_body()
    answer = admin().post(
        "/admin/meetings/graphicprofile/add/",
        {
            "municipality": municipality.pk,
            "colour": "#005a32",
            "font_family": "DejaVu Serif",
            "logo_upload": SimpleUploadedFile("logo.png", PNG),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    profile = GraphicProfile.objects.get()
    assert profile.logo is not None and profile.logo.content_type == "image/png"
    assert AuditEvent.objects.filter(action="meetings.set_graphic_profile").exists()
    notice = notice_pdf(make_meeting(body), [])
    assert notice.startswith(b"%PDF-") and b"/Image" in notice  # the logo is in it
    refused = admin().post(
        f"/admin/meetings/graphicprofile/{profile.pk}/change/",
        {
            "colour": "grön",
            "font_family": "DejaVu Serif",
            "logo_upload": SimpleUploadedFile("brev.pdf", samples.pdf("Brev", "Text")),
        },
    )
    assert refused.status_code == 200 and "bild" in refused.content.decode()
    profile.refresh_from_db()
    assert profile.colour == "#005a32"


def test_a_bodys_rules_change_through_the_action() -> None:
    body = make_body()
    answer = admin().post(
        f"/admin/meetings/body/{body.pk}/change/",
        {
            "item_deadline_workdays": 12,
            "dispatch_workdays": 6,
            "place": "Sessionssalen",
            "term_start_month": 1,
            "term_start_day": 1,
        },
    )
    assert answer.status_code == 302
    body = Body.objects.get()
    assert body.item_deadline_workdays == 12
    assert body.term(datetime.date(2026, 12, 2)) == (
        datetime.date(2023, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert AuditEvent.objects.filter(action="meetings.change_body_rules").exists()


def test_a_term_cannot_begin_on_a_day_that_some_years_lack() -> None:
    body = make_body()
    refused = admin().post(
        f"/admin/meetings/body/{body.pk}/change/",
        {
            "item_deadline_workdays": 15,
            "dispatch_workdays": 7,
            "place": "",
            "term_start_month": 2,
            "term_start_day": 29,
        },
    )
    assert refused.status_code == 200
    assert "finns varje år" in refused.content.decode()
    body.refresh_from_db()
    assert (body.term_start_month, body.term_start_day) == (10, 15)


def test_a_delegation_point_is_added_and_then_only_read() -> None:
    """Its wording and limits stay as added; who holds it changes, audited."""
    from kansli.meetings.models import DelegationPoint
    from kansli.org.testing import make_user

    body = make_body()
    anna, bo = make_user(first_name="Anna"), make_user(first_name="Bo")
    added = admin().post(
        "/admin/meetings/delegationpoint/add/",
        {
            "authority": body.authority.pk,
            "code": "3.1",
            "title": "Beslut om försörjningsstöd",
            "delegate": "Socialsekreterare",
            "reported": "on",
            "max_amount": "25000",
            "appeal_route": "laglighetsprovning",
            "holder": anna.pk,
            "substitute": bo.pk,
        },
    )
    assert added.status_code == 302
    point = DelegationPoint.objects.get()
    assert [d.user for d in point.delegates.all()] == [anna, bo]
    assert point.max_amount == 25000
    url = f"/admin/meetings/delegationpoint/{point.pk}/change/"
    assert admin().get(url).status_code == 200
    rewritten = {"title": "Annat", "max_amount": "1", "holder": bo.pk, "substitute": anna.pk}
    assert admin().post(url, rewritten).status_code == 302
    point = DelegationPoint.objects.get()
    assert (point.title, point.max_amount) == ("Beslut om försörjningsstöd", 25000)
    assert [d.user for d in point.delegates.all()] == [bo, anna]
    assert AuditEvent.objects.filter(action="meetings.set_delegates").count() == 1


def test_a_refused_action_is_shown_on_the_form_in_swedish() -> None:
    """Issue 12, part 7: the admin saves through the actions; what an action refuses is
    a message on the form (not a server error), in Swedish, and nothing is saved."""
    body = make_body()
    browser = admin()
    events = AuditEvent.objects.count()
    refused = browser.post(
        "/admin/meetings/body/add/",
        {
            "authority": body.authority_id,
            "item_deadline_workdays": 15,
            "dispatch_workdays": 7,
            "place": "",
            "term_start_month": 10,
            "term_start_day": 15,
        },
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Organet finns redan." in html
    assert "<title>Fel: Lägg till organ" in html  # the admin in Swedish
    assert Body.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_admin_speaks_swedish() -> None:
    html = admin().get("/admin/").content.decode()
    assert 'lang="sv"' in html and "Logga ut" in html
