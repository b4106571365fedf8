"""The Laholm seed scenario, end to end in the browser.

In Laholm a secret personnel document was saved in the case system where every colleague
could open it. Here the same thing happens the way it should: Kommunstyrelsen (KS) has a
registrar, an HR officer in the personnel unit's access group (behörighetsgrupp) and a
colleague officer outside it. A personnel case of Kommunledningskontoret is moved into the
HR group; the HR officer registers an incoming medical certificate with a PDF in it,
secrecy-marked (OSL 39 kap. 3 §) with sender and description withheld from the public
record. The colleague then finds nothing: not by the PDF's words, the description or the
sender in the search, not on the case page, not by the document's URLs, not through the API
with an API key. The public diary shows the case with sender and description as
"Uppgift sekretessmarkerad (...)", and is accessible. The HR officer opens the file, and a
manager sees that opening in the read log ("who has opened it").
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from kansli.access.actions import do_move_case_to_group
from kansli.access.testing import make_access_group
from kansli.files.extract import extract_file_text
from kansli.files.models import StoredFile
from kansli.files.tests import samples
from kansli.org.actions import do_create_api_token
from kansli.org.models import Role, Unit
from kansli.org.testing import make_authority, make_unit, make_user
from kansli.public.record import WITHHELD
from kansli.registry import actions
from kansli.registry.testing import make_provision
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = "OSL 39 kap. 3 §"
SENDER = "Företagshälsan Väst"
DESCRIPTION = "Läkarintyg för anställd"
FILE_NAME = "lakarintyg-anstalld.pdf"
SECRET_WORD = "Rehabiliteringsplan"  # only in the PDF
PDF = samples.pdf("Läkarintyg", f"{SECRET_WORD} för arbetsträning på halvtid.")


def staff_search(page, url: str, words: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/sok/")
    page.get_by_label(sv("Words or a case number")).fill(words)
    page.get_by_label(sv("Words or a case number")).press("Enter")
    page.get_by_role("heading", name=sv("Results")).wait_for()


def public_search(page, url: str, words: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/diarium/")
    page.get_by_label(sv("Search words or case number")).fill(words)
    page.get_by_label(sv("Search words or case number")).press("Enter")
    page.wait_for_url(re.compile(r"/diarium/\?q="))


def test_a_secret_personnel_document_is_read_only_by_hr(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url
    ks = make_authority("KS", "Kommunstyrelsen")
    office = make_unit("Kommunledningskontoret")
    personnel = make_unit("Personalenheten", kind=Unit.Kind.SECTION, parent=office)
    registrar = make_user("registrator", roles=[(Role.REGISTRAR, ks)])
    hr = make_user(
        "personal", password="kansli-demo", first_name="Maria", last_name="Nilsson",
        roles=[(Role.OFFICER, ks)],
    )  # fmt: skip
    colleague = make_user("kollega", password="kansli-demo", roles=[(Role.OFFICER, ks)])
    make_user("chef", password="kansli-demo", roles=[(Role.MANAGER, ks)])
    hr_group = make_access_group(ks, [hr], unit=personnel, name="HR")
    case = actions.do_register_case(ks, "Personalärende", unit=office, actor=registrar)
    assert case.access_group is None  # the office's case: no group of its own
    do_move_case_to_group(case, hr_group, actor=registrar)
    make_provision(REFERENCE)
    number = case.case_number

    # The HR officer registers the certificate in the case, secrecy-marked, with the PDF.
    log_in(page, url, "personal")
    page.goto(f"{url}/arenden/{case.pk}/")
    page.get_by_role("link", name=sv("Register a document in this case")).click()
    page.wait_for_url(re.compile(r"/registrera/\?arende="))
    page.get_by_label(sv("Sender or recipient"), exact=True).fill(SENDER)
    page.get_by_label(sv("Document description"), exact=True).fill(DESCRIPTION)
    with page.expect_response(lambda r: "/registrera/kontroll/filer/" in r.url):
        page.get_by_label(sv("Files")).set_input_files(
            {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": PDF}
        )
    page.get_by_label(sv("Secrecy provision")).select_option(label=REFERENCE)
    page.get_by_label(sv("Withhold the sender or recipient from the public record")).check()
    # Wait for the form's live checks (htmx) of the final state before sending it.
    with page.expect_response(
        lambda r: (
            r.url.endswith("/registrera/kontroll/")
            and "withhold_description" in (r.request.post_data or "")
        )
    ):
        page.get_by_label(sv("Withhold the description from the public record")).check()
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.get_by_role("button", name=sv("Register"), exact=True).click()
    page.wait_for_url(f"{url}/arenden/{case.pk}/")
    message = sv("Registered as %(number)s") % {"number": f"{number}-1"}
    assert page.get_by_role("status").inner_text().strip() == message
    document = case.documents.get()
    attached = document.files.get()
    assert (document.secrecy.reference, document.counterpart) == (REFERENCE, SENDER)
    assert document.withhold_counterpart and document.withhold_description
    # The background worker's job, done here: the PDF's text into the search index.
    assert extract_file_text.call(attached.stored_id) == StoredFile.Extraction.DONE
    staff_search(page, url, SECRET_WORD)  # the HR officer finds it by the PDF's word
    assert page.get_by_role("link", name=f"{number}-1").is_visible()

    # The colleague, in a browser of their own, finds and opens nothing of it.
    other = browser.new_context(locale="sv-SE")
    them = other.new_page()
    log_in(them, url, "kollega")
    for words in (SECRET_WORD, "Läkarintyg", "Företagshälsan"):
        staff_search(them, url, words)
        assert them.get_by_text(sv("Nothing was found.")).is_visible(), words
        assert them.locator("main table").count() == 0
        assert f"{number}-1" not in them.locator("main").inner_text()
    them.goto(f"{url}/arenden/{case.pk}/")
    html = them.content()
    assert them.get_by_role("heading", level=1).inner_text() == case.title
    for leak in (SENDER, DESCRIPTION, FILE_NAME, SECRET_WORD, f"{number}-1"):
        assert leak not in html, leak
    document_url = f"{url}/arenden/{case.pk}/handlingar/{document.number}"
    assert them.goto(f"{document_url}/filer/{attached.pk}/").status == 404
    for path in ("sekretess/", "ratta/"):
        assert them.request.get(f"{document_url}/{path}").status == 404, path
    suggested = them.request.get(f"{url}/registrera/avsandare/?counterpart=F%C3%B6retags")
    assert SENDER not in suggested.text()
    other.close()

    # ... nor through the API with the colleague's own key (no session: a fresh context).
    _token, key = do_create_api_token(colleague, "Skript", actor=colleague)
    public = browser.new_context(locale="sv-SE")
    api = public.request
    bearer = {"Authorization": f"Bearer {key}"}
    assert api.get(f"{url}/api/v1/documents/{document.pk}", headers=bearer).status == 404
    assert api.get(f"{url}/api/v1/files/{attached.pk}", headers=bearer).status == 404
    found = api.get(f"{url}/api/v1/cases/{case.pk}", headers=bearer)
    assert found.status == 200 and found.json()["documents"] == []
    for words in (SECRET_WORD, "Läkarintyg"):
        hits = api.get(f"{url}/api/v1/search?q={quote(words)}", headers=bearer)
        assert hits.status == 200 and hits.json()["items"] == [], words

    # The public diary: the case is there, its sender and description withheld.
    withheld = WITHHELD.format(reference=REFERENCE)
    diary = public.new_page()
    for words in (SECRET_WORD, "Läkarintyg", "Företagshälsan"):
        public_search(diary, url, words)
        assert diary.get_by_text(sv("No registrations match.")).is_visible(), words
    public_search(diary, url, number)
    assert axe_violations(diary) == []
    diary.get_by_role("link", name=f"{number} {case.title}").first.click()
    diary.wait_for_url(f"{url}/diarium/KS/{case.year}/{case.number}/")
    row = diary.get_by_role("row").filter(has_text=f"{number}-1")
    assert row.get_by_role("cell", name=withheld).count() == 2
    html = diary.content()
    for leak in (SENDER, DESCRIPTION, FILE_NAME, SECRET_WORD):
        assert leak not in html, leak
    assert axe_violations(diary) == []
    entry = api.get(f"{url}/api/v1/public/diary/KS/{case.year}/{case.number}")
    assert entry.status == 200 and SENDER not in entry.text() and DESCRIPTION not in entry.text()
    public.close()

    # The HR officer opens the file: the same bytes, and the opening is logged.
    page.goto(f"{url}/arenden/{case.pk}/")
    assert page.locator("table.documents").get_by_text(DESCRIPTION).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=FILE_NAME).click()
    assert Path(download.value.path()).read_bytes() == PDF
    manager = browser.new_context(locale="sv-SE")
    boss = manager.new_page()
    log_in(boss, url, "chef")
    boss.goto(f"{document_url}/lasningar/")
    heading = sv("Who has opened %(number)s") % {"number": f"{number}-1"}
    assert boss.get_by_role("heading", level=1).inner_text() == heading
    reads = boss.get_by_role("row", name=re.compile("Maria Nilsson"))
    assert reads.filter(has=boss.get_by_role("cell", name=sv("file"), exact=True)).count() == 1
    assert "kollega" not in boss.locator("main").inner_text()  # the colleague never read it
    manager.close()
