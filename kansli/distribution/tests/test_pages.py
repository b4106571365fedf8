"""The sändlistor pages: keeping a list, sending a remiss, the record of a send, and
what those who must not see get (404, never a protected name)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from kansli.distribution import actions
from kansli.distribution.models import Channel, Dispatch, DistributionList, Member
from kansli.distribution.testing import make_list
from kansli.distribution.tests.test_sending import approved_paragraph, document_with_file
from kansli.meetings import actions as meetings
from kansli.meetings.testing import make_body, make_meeting, make_secretary
from kansli.org.actions import do_create_authority, do_create_municipality
from kansli.org.models import Authority, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_provision, make_registrar
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "sv"


def test_a_registrar_keeps_a_list_on_its_page() -> None:
    ks = make_authority()
    registrar = make_registrar(ks)
    browser = signed_in(registrar)
    assert browser.get("/sandlistor/").status_code == 200
    made = browser.post("/sandlistor/ny/", {"name": "Remissinstanser", "keeper": str(ks.pk)})
    dlist = DistributionList.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/sandlistor/{dlist.pk}/"
    url = f"/sandlistor/{dlist.pk}/"
    bad = browser.post(url, {"form": "add", "kind": "extern", "channel": "epost",
                             "name": "Trafikverket", "email": "inte en adress"})  # fmt: skip
    assert bad.status_code == 200 and "Ange en giltig e-postadress." in bad.content.decode()
    assert not dlist.members.exists()
    good = browser.post(url, {"form": "add", "kind": "extern", "channel": "epost",
                              "name": "Trafikverket", "email": "tv@trafikverket.se"})  # fmt: skip
    assert good.status_code == 302
    page = browser.get(url).content.decode()
    assert "Trafikverket" in page and "tv@trafikverket.se" in page
    browser.post(url, {"form": "rename", "name": "Remissinstanser samhällsbyggnad"})
    member = dlist.members.get()
    browser.post(url, {"form": "remove", "member": member.pk})
    assert not dlist.members.exists()
    browser.post(url, {"form": "close"})
    dlist.refresh_from_db()
    assert dlist.name == "Remissinstanser samhällsbyggnad" and dlist.closed_at is not None


def test_an_officer_reads_a_list_but_may_not_change_it() -> None:
    ks = make_authority()
    dlist = make_list(ks)
    browser = signed_in(make_user(roles=[(Role.OFFICER, ks)]))
    assert browser.get(f"/sandlistor/{dlist.pk}/").status_code == 200
    answer = browser.post(f"/sandlistor/{dlist.pk}/", {"form": "close"})
    assert answer.status_code == 403
    assert browser.get("/sandlistor/ny/").status_code == 404
    assert DistributionList.objects.get().closed_at is None


def other_municipality_staff() -> Any:
    other = do_create_municipality("Annan kommun", actor=None)
    authority = do_create_authority(other, Authority.Kind.EXECUTIVE, "AKS", "Annan KS", actor=None)
    return make_user(roles=[(Role.REGISTRAR, authority)])


def test_a_remiss_is_sent_from_its_page_and_its_record_is_shown(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ks = make_authority()
    registrar = make_registrar(ks)
    case = make_case("Detaljplan Vargödalen", authority=ks)
    document = document_with_file(case)
    dlist = make_list(ks)
    browser = signed_in(registrar)
    url = f"/sandlistor/remiss/{document.pk}/"
    assert browser.get(url).status_code == 200
    past = browser.post(url, {"dlist": dlist.pk, "reply_by": "2020-01-01"})
    assert "Svarsdagen ska ligga efter i dag." in past.content.decode()
    reply_by = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(url, {"dlist": dlist.pk, "reply_by": reply_by.isoformat()})
    dispatch = Dispatch.objects.get()
    assert sent["Location"] == f"/sandlistor/utskick/{dispatch.pk}/"
    page = browser.get(sent["Location"]).content.decode()
    assert "Naturskyddsföreningen" in page and "Box 4625" in page
    assert "stockholm@lansstyrelsen.se" in page
    assert len(mail.outbox) == 1
    assert "Remiss" in browser.get(f"/sandlistor/arende/{case.pk}/").content.decode()


def test_the_record_of_a_send_is_404_to_those_who_may_not_read_the_case() -> None:
    ks = make_authority()
    case = make_case("Detaljplan", authority=ks)
    dispatch = actions.do_send_referral(
        document_with_file(case), make_list(ks),
        timezone.localdate() + datetime.timedelta(days=9), actor=None,
    )  # fmt: skip
    elected = make_user(roles=[(Role.ELECTED, ks)])
    for outsider in (other_municipality_staff(), elected):
        browser = signed_in(outsider)
        assert browser.get(f"/sandlistor/utskick/{dispatch.pk}/").status_code == 404
        assert browser.get(f"/sandlistor/arende/{case.pk}/").status_code == 404
        assert browser.get(f"/sandlistor/{dispatch.dlist_id}/").status_code == 404
    assert signed_in(make_user(roles=[(Role.OFFICER, ks)])).get(
        f"/sandlistor/utskick/{dispatch.pk}/").status_code == 200  # fmt: skip


def test_a_secret_document_cannot_be_reached_for_a_remiss_by_those_outside_its_need() -> None:
    ks = make_authority()
    case = make_case("Personalärende", authority=ks)
    secret = document_with_file(case, secrecy=make_provision())
    dlist = make_list(ks)
    other_registrar = make_registrar(ks)  # staff: not in the case's access group
    browser = signed_in(other_registrar)
    url = f"/sandlistor/remiss/{secret.pk}/"
    assert browser.get(url).status_code == 404
    posted = browser.post(url, {"dlist": dlist.pk, "reply_by": "2099-01-01"})
    assert posted.status_code == 404 and not Dispatch.objects.exists()


def test_a_protected_name_is_never_on_the_record_page() -> None:
    ks = make_authority()
    case = make_case("Bygglov", authority=ks)
    registry.do_add_party(case, "Stina Skyddad", protected_identity=True, actor=None)
    document = document_with_file(case)
    registry.do_correct_document(
        document, "Namnet", description="Ansökan från Stina Skyddad", actor=None
    )
    dlist = make_list(ks)
    actions.do_add_member(
        dlist, Member.Kind.EXTERNAL, Channel.LETTER, name="Stina Skyddad",
        postal_address="Hemlig väg 1", actor=None,
    )  # fmt: skip
    dispatch = actions.do_send_referral(
        document, dlist, timezone.localdate() + datetime.timedelta(days=9), actor=None
    )
    officer = make_user(roles=[(Role.OFFICER, ks)])  # not the case's officer
    page = signed_in(officer).get(f"/sandlistor/utskick/{dispatch.pk}/").content.decode()
    assert "Skyddad identitet, ref." in page
    assert "Stina" not in page and "Hemlig väg" not in page
    case_page = signed_in(officer).get(f"/sandlistor/arende/{case.pk}/").content.decode()
    assert "Stina" not in case_page


def test_the_case_page_leads_its_registrar_to_the_remiss_of_an_open_document() -> None:
    ks = make_authority()
    registrar = make_registrar(ks)
    case = make_case("Detaljplan", authority=ks)
    document = document_with_file(case)
    secret = document_with_file(case, secrecy=make_provision())
    browser = signed_in(registrar)
    assert f"/sandlistor/arende/{case.pk}/" in browser.get(f"/arenden/{case.pk}/").content.decode()
    page = browser.get(f"/sandlistor/arende/{case.pk}/").content.decode()
    assert f"/sandlistor/remiss/{document.pk}/" in page
    assert f"/sandlistor/remiss/{secret.pk}/" not in page


def test_the_send_pages_are_the_secretarys(django_capture_on_commit_callbacks: Any) -> None:
    body = make_body()
    secretary = make_secretary(body)
    dlist = make_list(body.authority)
    paragraph = approved_paragraph(body)
    meeting = paragraph.minutes.meeting
    item = meetings.do_publish_news(
        body, "Snabbnytt", "KS beslutade.", meeting=meeting, actor=secretary
    )
    upcoming = make_meeting(body)
    meetings.do_preregister_item(
        upcoming, make_case(authority=body.authority), title="Parkbänkar", actor=None
    )
    meetings.do_dispatch_meeting(upcoming, actor=None)
    urls = [f"/sandlistor/kallelse/{upcoming.pk}/", f"/sandlistor/beslut/{paragraph.pk}/",
            f"/sandlistor/snabbnytt/{item.pk}/"]  # fmt: skip
    officer = signed_in(make_user(roles=[(Role.OFFICER, body.authority)]))
    browser = signed_in(secretary)
    for url in urls:
        assert browser.get(url).status_code == 200
        assert officer.get(url).status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            sent = browser.post(url, {"dlist": dlist.pk})
        assert sent.status_code == 302, url
    assert Dispatch.objects.count() == 3
    assert {m.to[0] for m in mail.outbox} >= {"stockholm@lansstyrelsen.se"}
