"""Issue 12's test of secrecy that holds everywhere: an individual social-services case
(OSL 26 kap. 1 §) with a counterpart with protected identity goes through registration,
the officer's report, a meeting where its item is dealt with behind closed doors,
approval, the notice board, the extract and the dispatch of the decision, all in the
browser. Then a member of staff outside the case's access group, a member who has left
the board, and the public look for the person's name, personal identity number and the
decision text on every page, API answer, PDF and search result they can reach, and find
none of them."""

import datetime
import io
import re
from html import escape
from typing import Any
from urllib.parse import quote, quote_plus

import pypdf
import pytest
from django.test import Client
from django.utils import timezone

from kansli.meetings.models import Meeting, Minutes, Notice
from kansli.meetings.testing import make_body, make_meeting, make_member, record_present
from kansli.org.actions import do_create_api_token, do_end_role
from kansli.org.models import ElectedPosition, Role, RoleAssignment, User
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Case, Classification
from kansli.registry.testing import make_provision
from tests.browser.conftest import as_user, axe_violations, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Siv Qvarnström"
PIN = "19850612-1234"
DECISION = "Qvarnström beviljas ekonomiskt bistånd med 7 350 kronor för december."
SECRETS = (NAME, "Qvarnström", PIN, "850612", "7 350")
HEADING = "Ärende enligt socialtjänstlagen (OSL 26 kap. 1 §)"
NOTHING = "Zqxingenting"


def settle(page: Any) -> None:
    """Let the registration form's checks (htmx, after a short delay) finish first: the
    live server and the test share one SQLite database."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def searches(page: Any, url: str, prefix: str, words: list[str]) -> list[str]:
    """The searches for `words` whose answer differs from the answer to a search for a
    word that matches nothing (the word itself, which the page repeats, and the form's
    token aside): a hit without text would give the person away too."""

    def answer(word: str) -> str:
        page.goto(f"{url}{prefix}{quote(word)}")
        text = page.content()
        for form in (word, escape(word), quote(word), quote_plus(word)):
            text = text.replace(form, "ORDET")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)

    nothing = answer(NOTHING)
    return [f"{prefix}{word}" for word in words if answer(word) != nothing]


def test_a_social_services_case_leaks_nothing(
    live_server: Any, browser: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = live_server.url
    sn = make_authority("SN", "Socialnämnden")
    body = make_body(sn)
    process = Classification.objects.create(
        authority=sn, code="3.2.1", title="Utreda och besluta om bistånd"
    )
    registry.do_set_default_secrecy(
        process,
        make_provision("OSL 26 kap. 1 §"),
        withhold_counterpart=True,
        withhold_description=True,
        actor=None,
    )
    login = {"password": "kansli-demo"}
    make_user("registrator", roles=[(Role.REGISTRAR, sn)], **login)
    officer = make_user(
        "handlaggare", first_name="Johan", last_name="Berg", roles=[(Role.OFFICER, sn)], **login
    )
    make_user("kollega", roles=[(Role.OFFICER, sn)], **login)
    make_user("sekreterare", first_name="Karin", roles=[(Role.SECRETARY, sn)], **login)
    make_member(body, ElectedPosition.CHAIR, username="ordforande", first_name="Göran", **login)
    make_member(body, username="ledamot", first_name="Fatima", last_name="Hedlund", **login)
    former = make_member(body, username="tidigare", first_name="Tove", **login)
    meeting = make_meeting(body, days_ahead=40)

    # The registrar registers the application: the process marks it secret by default.
    context, registrar = as_user(browser, url, "registrator")
    registrar.goto(f"{url}/registrera/")
    registrar.get_by_label(sv("Case title"), exact=True).fill("Ansökan om ekonomiskt bistånd")
    registrar.get_by_label(sv("Classification")).select_option(
        label="3.2.1 Utreda och besluta om bistånd (sekretess: OSL 26 kap. 1 §)"
    )
    registrar.get_by_label(sv("Sender or recipient"), exact=True).fill(NAME)
    registrar.get_by_label(sv("Document description"), exact=True).fill(
        f"Ansökan om bistånd från {NAME}, {PIN}"
    )
    settle(registrar)
    registrar.get_by_role("button", name=sv("Register"), exact=True).click()
    registrar.wait_for_url(re.compile(r"/arenden/\d+/"))
    case = Case.objects.get()
    letter = case.documents.get()
    assert letter.secrecy is not None and letter.secrecy.reference == "OSL 26 kap. 1 §"
    # ... and the applicant as a party with protected identity.
    registrar.get_by_text(sv("Add a party")).click()
    registrar.get_by_label(sv("Name"), exact=True).fill(NAME)
    registrar.get_by_label(sv("Personal or organisation number")).fill(PIN)
    registrar.get_by_label(sv("Protected identity")).check()
    registrar.get_by_role("button", name=sv("Add the party")).click()
    registrar.wait_for_load_state()
    assert case.parties.get().protected_identity
    context.close()
    registry.do_assign_officer(case, officer, actor=None)

    # The officer writes the report and pre-registers the item, naming the applicant.
    context, page = as_user(browser, url, "handlaggare")
    page.goto(f"{url}/moten/{meeting.pk}/anmal/")
    page.get_by_label(sv("Case number")).fill(case.case_number)
    page.get_by_label(sv("Title on the agenda")).fill(f"Bistånd till {NAME}")
    page.get_by_label(sv("Proposed decision")).fill(DECISION)
    page.get_by_label(sv("Background")).fill(f"{NAME} ({PIN}) har ansökt om bistånd.")
    page.get_by_role("button", name=sv("Pre-register"), exact=True).click()
    page.wait_for_url(f"{url}/moten/{meeting.pk}/")
    item = meeting.items.get()
    assert item.secrecy is not None and item.report is not None and item.report.secrecy
    context.close()

    # The secretary names the item neutrally and sends the notice, writes the decision
    # behind closed doors, and the chair and the approver approve.
    context, secretary = as_user(browser, url, "sekreterare")
    secretary.goto(f"{url}/moten/{meeting.pk}/")
    secretary.get_by_role("link", name=sv("Public or not")).click()
    secretary.get_by_label(sv("Neutral heading")).fill("Ärende enligt socialtjänstlagen")
    secretary.get_by_role("button", name=sv("Save"), exact=True).click()
    secretary.wait_for_url(re.compile(f"/moten/{meeting.pk}/"))
    assert axe_violations(secretary) == []
    secretary.get_by_role("button", name=sv("Send the notice and documents")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/")
    Meeting.objects.filter(pk=meeting.pk).update(  # held, and ended, an hour ago
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    secretary.goto(f"{url}/moten/{meeting.pk}/")
    secretary.get_by_label("Fatima Hedlund").check()
    secretary.get_by_role("button", name=sv("Start the minutes")).click()
    secretary.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
    # The secretary is not the case's officer: the protected name is hidden from them too.
    secretary.get_by_role("link", name="§ 1 Bistånd till Skyddad identitet").click()
    decision = secretary.locator("section[aria-labelledby='form-decision']")
    decision.locator("textarea[name=decision]").fill(DECISION)
    decision.get_by_role("button", name=sv("Save")).click()
    secretary.wait_for_load_state()
    approvers = ["ordforande", "ledamot"]
    record_present(
        Minutes.objects.get(meeting=meeting), *User.objects.filter(username__in=approvers)
    )
    for approver in approvers:
        context_approver, page = as_user(browser, url, approver)
        page.goto(f"{url}/moten/{meeting.pk}/protokoll/")
        page.get_by_role("button", name=sv("Approve the minutes")).click()
        page.wait_for_url(f"{url}/moten/{meeting.pk}/protokoll/")
        context_approver.close()
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.locked_at is not None and minutes.sealed_secret is not None
    paragraph = minutes.paragraphs.get()
    assert paragraph.extract is not None and paragraph.extract.secrecy is not None

    # The decision goes to the applicant by letter through Skatteverket, chosen by
    # reference (the secretary does not see the name): Kansli keeps neither the name
    # nor an address (OSL 21 kap. 3 §).
    secretary.goto(f"{url}/moten/paragraf/{paragraph.pk}/expediera/")
    applicant = case.parties.get(protected_identity=True)
    secretary.get_by_label(f"Skyddad identitet, ref. P{applicant.pk}").check()
    secretary.get_by_role("button", name=sv("Dispatch"), exact=True).click()
    secretary.wait_for_load_state()
    sent = paragraph.expeditions.get()
    assert sent.protected_identity and sent.address == "Via Skatteverket för vidarebefordran"
    assert NAME not in sent.recipient and sent.recipient.startswith("Skyddad identitet, ref. P")
    context.close()

    # A member of staff outside the case's access group.
    seen: dict[str, str] = {}
    searched: list[str] = []  # searches that answer otherwise than for nothing
    context, colleague = as_user(browser, url, "kollega")
    for path in [
        f"/arenden/{case.pk}/",
        f"/moten/{meeting.pk}/",
        f"/moten/{meeting.pk}/protokoll/",
        f"/moten/{meeting.pk}/brevlista/",
        "/",
    ]:
        colleague.goto(f"{url}{path}")
        seen[f"kollega {path}"] = colleague.content()
    searched += searches(colleague, url, "/sok/?q=", [NAME, PIN, "Qvarnström"])
    assert HEADING in seen[f"kollega /moten/{meeting.pk}/"]
    context.close()
    client = Client()
    client.force_login(RoleAssignment.objects.get(user__username="kollega").user)
    for kind in ["kallelse", "handlingar", "protokoll"]:
        answer = client.get(f"/moten/{meeting.pk}/{kind}.pdf")
        assert answer.status_code == 200, kind
        seen[f"kollega {kind}.pdf"] = pdf_text(answer.getvalue())
    assert client.get(f"/moten/{meeting.pk}/sekretessbilaga.pdf").status_code == 404
    _token, key = do_create_api_token(
        RoleAssignment.objects.get(user__username="kollega").user, "test", actor=None
    )
    bearer = {"Authorization": f"Bearer {key}"}
    for path in [
        f"/api/v1/cases/{case.pk}",
        f"/api/v1/search?q={NAME}",
        f"/api/v1/search?q={PIN}",
        f"/api/v1/meetings/{meeting.pk}/items",
    ]:
        seen[f"api {path}"] = Client().get(path, headers=bearer).content.decode()

    # A member who has left the board since the meeting.
    seat = RoleAssignment.objects.get(user=former, role=Role.ELECTED)
    do_end_role(seat, timezone.localdate() - datetime.timedelta(days=1), actor=make_sysadmin())
    context, gone = as_user(browser, url, "tidigare")
    for path in [f"/moten/portal/{meeting.pk}/", "/moten/portal/"]:
        gone.goto(f"{url}{path}")
        seen[f"tidigare {path}"] = gone.content()
    context.close()

    # The public: the notice board, the public minutes and the e-diary.
    notice = Notice.objects.get(minutes=minutes)
    public = browser.new_context(locale="sv-SE").new_page()
    for path in ["/anslagstavla/", f"/anslagstavla/{notice.pk}/"]:
        public.goto(f"{url}{path}")
        seen[f"allmänheten {path}"] = public.content()
    searched += searches(public, url, "/diarium/?q=", [NAME, PIN, "Qvarnström"])
    searched += searches(public, url, "/api/v1/public/diary?q=", [NAME, PIN])
    assert HEADING in seen[f"allmänheten /anslagstavla/{notice.pk}/"]
    public.goto(f"{url}/anslagstavla/{notice.pk}/")
    assert axe_violations(public) == []

    found = {where: leaks(text) for where, text in seen.items() if leaks(text)}
    assert found == {}
    assert searched == []
