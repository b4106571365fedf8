"""The case handbook: actions and versions, the text that lets no script in, search in
Swedish, the owners' reminders (a table of dates computed by hand first) and leaks
tested as those who must not read an internal page: the public and an elected member."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import Client, RequestFactory

from kansli.audit.models import AuditEvent
from kansli.handbook import actions
from kansli.handbook.models import Routine
from kansli.handbook.testing import make_manager, make_routine
from kansli.handbook.text import render, search
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db
INTERNAL = "Internt: larmkoden till arkivet"


@pytest.fixture(autouse=True)
def swedish(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "sv"


def test_each_edit_is_a_new_version_and_audited() -> None:
    owner = make_manager()
    routine = make_routine(owner=owner, steps=["registration"], approving_body="kommundirektören")
    actions.do_edit_routine(
        routine, actor=owner, body="Ny text om e-post.", title="Registrera e-post v2"
    )
    routine.refresh_from_db()
    assert routine.version == 2
    assert routine.step_list == ["registration"]
    assert [v.number for v in routine.versions.all()] == [2, 1]
    first = routine.versions.get(number=1)
    assert first.title == "Registrera e-post" and "samma dag" in first.body
    assert first.facts["approved_by"] == "kommundirektören"
    assert routine.versions.get(number=2).author == owner
    events = AuditEvent.objects.filter(action__startswith="handbook.").order_by("seq")
    assert [e.action for e in events] == ["handbook.create", "handbook.edit"]


def test_only_managers_sysadmins_and_the_owner_write() -> None:
    routine = make_routine()
    officer = make_user("handl", roles=[(Role.OFFICER, make_authority())])
    with pytest.raises(PermissionDenied):
        actions.do_edit_routine(routine, actor=officer, body="Hej")
    with pytest.raises(PermissionDenied):
        actions.do_create_routine(
            routine.municipality, actor=officer, title="X", body="Y", owner=officer
        )
    with pytest.raises(ValidationError):
        actions.do_edit_routine(routine, actor=None, steps=["nowhere"])
    routine.refresh_from_db()
    assert routine.version == 1 and routine.versions.count() == 1


def test_no_script_gets_in() -> None:
    html = render(
        '## Rubrik\n\nText <script>alert(1)</script> <img src=x onerror="alert(2)">\n\n- ett\n- två'
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "<h2>Rubrik</h2>" in html and "<li>två</li>" in html


def test_search_finds_swedish_words_and_parts_of_words() -> None:
    make_routine(body="Öppna e-postmeddelanden i den funktionella brevlådan. Ärendet registreras.")
    make_routine("Justera protokollet", body="Ordföranden och justeraren signerar protokollet.")
    manager = make_manager("chef2")
    assert [h.routine.title for h in search(manager, "e-post")] == ["Registrera e-post"]
    assert [h.routine.title for h in search(manager, "ärendet")] == ["Registrera e-post"]
    assert [h.routine.title for h in search(manager, "ÖPPNA brevlåda")] == ["Registrera e-post"]
    assert [h.routine.title for h in search(manager, "protokoll")] == ["Justera protokollet"]
    assert search(manager, "bygglov") == []
    snippet = search(manager, "e-post")[0].snippet
    assert "<mark>e-post</mark>meddelanden" in snippet


# valid until 2027-03-31, reminded 30 days before; computed by hand before the code.
VALID = datetime.date(2027, 3, 31)
TABLE = [
    # today, reminded_for, valid_until, reminded?
    (datetime.date(2027, 2, 28), None, VALID, False),  # 31 days left
    (datetime.date(2027, 3, 1), None, VALID, True),  # 30 days left
    (datetime.date(2027, 3, 31), None, VALID, True),  # the last day
    (datetime.date(2027, 4, 1), None, VALID, True),  # expired, never reminded
    (datetime.date(2027, 3, 15), VALID, VALID, False),  # already reminded of this date
    (datetime.date(2027, 3, 15), datetime.date(2026, 3, 31), VALID, True),  # of last year's
    (datetime.date(2027, 3, 15), None, None, False),  # no valid-until date
]


@pytest.mark.parametrize(("today", "reminded_for", "valid_until", "expected"), TABLE)
def test_reminder_table(today: Any, reminded_for: Any, valid_until: Any, expected: bool) -> None:
    routine = Routine(valid_until=valid_until, reminded_for=reminded_for)
    assert actions.reminder_due(routine, today, 30) is expected


def test_owner_is_reminded_once_by_kansli_remind(settings: Any) -> None:
    from django.core.management import call_command

    settings.KANSLI_HANDBOOK_REMIND_DAYS = 10
    from django.utils import timezone

    today = timezone.localdate()
    make_routine(valid_until=today + datetime.timedelta(days=10))
    make_routine("Långt fram", valid_until=today + datetime.timedelta(days=11))
    call_command("remind", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("remind", stdout=open("/dev/null", "w"))  # noqa: SIM115
    handbook_mails = [m for m in mail.outbox if "giltig till" in m.subject]
    assert len(handbook_mails) == 1
    assert handbook_mails[0].to == ["chefen@kommun.se"]
    assert "Registrera e-post" in handbook_mails[0].subject


def test_staff_pages_versions_and_edit() -> None:
    owner = make_manager()
    routine = make_routine(owner=owner, steps=["registration"], template_kinds=["acknowledgement"])
    client = signed_in(owner)
    assert (
        'href="/mallar/acknowledgement/"' in client.get(f"/handbok/{routine.pk}/").content.decode()
    )
    page = client.get("/handbok/").content.decode()
    assert "Registrera e-post" in page
    assert "<mark>e-post</mark>" in client.get("/handbok/?q=e-post").content.decode()
    response = client.post(
        f"/handbok/{routine.pk}/andra/",
        {"title": "Registrera e-post", "body": "Version två.", "document_type": "rutin",
         "owner": owner.pk, "steps": ["registration"], "template_kinds": ["acknowledgement"]},
    )  # fmt: skip
    assert response.status_code == 302
    assert "Version två." in client.get(f"/handbok/{routine.pk}/").content.decode()
    assert "samma dag" in client.get(f"/handbok/{routine.pk}/versioner/1/").content.decode()
    bad = client.post(
        f"/handbok/{routine.pk}/andra/",
        {"title": "", "body": "", "owner": owner.pk, "document_type": "rutin"},
    )
    assert bad.status_code == 200
    routine.refresh_from_db()
    assert routine.version == 2


def test_public_never_reads_an_internal_page(client: Client) -> None:
    internal = make_routine("Larmkoder", body=INTERNAL, steps=["registration"])
    public = make_routine(
        "Så diarieförs din skrivelse", body="Allmänheten: e-post registreras.", public=True
    )
    for url in [f"/diarium/handbok/{internal.pk}/", f"/handbok/{internal.pk}/", "/handbok/"]:
        assert client.get(url).status_code in (302, 404), url
    assert client.get(f"/diarium/handbok/{public.pk}/").status_code == 200
    for query in ["larmkoden", "arkivet", "registreras"]:
        page = client.get("/diarium/handbok/", {"q": query}).content.decode()
        assert "till arkivet" not in page and "Larmkoder" not in page
    member = make_user("ledamot", roles=[(Role.ELECTED, make_authority())])
    client = signed_in(member)
    assert client.get(f"/handbok/{internal.pk}/").status_code == 404
    assert client.get(f"/diarium/handbok/{internal.pk}/").status_code == 404
    assert "Larmkoder" not in client.get("/diarium/handbok/", {"q": "larmkoden"}).content.decode()
    request = RequestFactory().get("/")
    request.user = member
    tag = Template('{% load handbook %}{% routine_link "registration" %}')
    assert "Larmkoder" not in tag.render(Context({"request": request}))


def test_routine_link_on_the_registration_step() -> None:
    routine = make_routine(steps=["registration"])
    make_routine("Gammal rutin", steps=["registration"], valid_until=datetime.date(2020, 1, 1))
    request = RequestFactory().get("/")
    request.user = make_manager("chef3")
    html = Template('{% load handbook %}{% routine_link "registration" %}').render(
        Context({"request": request})
    )
    assert f'href="/handbok/{routine.pk}/"' in html and "Registrera e-post" in html
    assert (
        Template('{% load handbook %}{% routine_link "archiving" %}').render(
            Context({"request": request})
        )
        == ""
    )


def test_the_demo_handbook_covers_every_step() -> None:
    from django.core.management import call_command

    from kansli.handbook.models import Step

    call_command("demo", "--no-serve", "--scale", "0.02", stdout=open("/dev/null", "w"))  # noqa: SIM115
    routines = list(Routine.objects.all())
    covered = {step for r in routines for step in r.step_list}
    assert covered == set(Step.values)
    email = Routine.objects.get(title="Registrera e-post")
    assert "registration" in email.step_list and email.valid_until and email.approver


def test_registration_rules_are_set_by_action_and_shown_where_registrars_register() -> None:
    from kansli.handbook.models import RegistrationRule
    from kansli.registry.testing import make_registrar

    ks = make_authority()
    manager = make_manager()
    officer = make_user("handl2", roles=[(Role.OFFICER, ks)])
    with pytest.raises(PermissionDenied):
        actions.do_set_registration_rule(
            ks.municipality, "Faktura", "hålls ordnad", kept_where="Ekonomisystemet", actor=officer
        )
    with pytest.raises(ValidationError):
        actions.do_set_registration_rule(ks.municipality, "Skrivelse", "diarieförs", actor=manager)
    actions.do_set_registration_rule(
        ks.municipality, "Faktura", "hålls ordnad", kept_where="Ekonomisystemet", actor=manager
    )
    actions.do_set_registration_rule(
        ks.municipality, "faktura", "diarieförs", authority=ks, note="Ny regel", actor=manager
    )
    rule = RegistrationRule.objects.get()
    assert (rule.handling, rule.authority) == ("diarieförs", ks)
    assert AuditEvent.objects.filter(action="handbook.set_rule").count() == 2
    client = signed_in(make_registrar(ks, "reg1"))
    for url in ["/registrera/", "/handbok/"]:
        page = client.get(url).content.decode()
        assert "Ny regel" in page and "OSL 5 kap. 1 §" in page, url
    assert "Ny regel" not in Client().get("/diarium/handbok/").content.decode()


def test_the_public_notice_board_links_only_a_public_routine_to_its_public_page() -> None:
    from django.contrib.auth.models import AnonymousUser

    make_routine("Intern anslagsrutin", body=INTERNAL, steps=["publication"])
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    tag = Template('{% load handbook %}{% routine_link "publication" %}')
    assert tag.render(Context({"request": request})) == ""
    public = make_routine("Anslå protokollet", steps=["publication"], public=True)
    html = tag.render(Context({"request": request}))
    assert f'href="/diarium/handbok/{public.pk}/"' in html and "Intern" not in html
    board = Client().get("/anslagstavla/").content.decode()
    assert "Anslå protokollet" in board and "Intern anslagsrutin" not in board


def test_registration_rules_in_the_admin_go_through_the_action() -> None:
    from kansli.handbook.models import RegistrationRule
    from kansli.org.testing import make_sysadmin

    ks = make_authority()
    admin = make_sysadmin()
    admin.is_staff = True
    admin.save()
    client = signed_in(admin)
    response = client.post(
        "/admin/handbook/registrationrule/add/",
        {"municipality": ks.municipality.pk, "document_type": "Faktura",
         "handling": "hålls ordnad", "kept_where": "", "note": ""},
    )  # fmt: skip
    assert response.status_code == 200 and not RegistrationRule.objects.exists()
    assert "Ange var handlingen hålls ordnad." in response.content.decode()
    client.post(
        "/admin/handbook/registrationrule/add/",
        {"municipality": ks.municipality.pk, "document_type": "Faktura",
         "handling": "hålls ordnad", "kept_where": "Ekonomisystemet", "note": ""},
    )  # fmt: skip
    assert RegistrationRule.objects.get().kept_where == "Ekonomisystemet"
    assert AuditEvent.objects.filter(action="handbook.set_rule", actor_id=admin.pk).exists()
