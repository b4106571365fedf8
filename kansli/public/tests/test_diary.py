"""The public e-diary: what it shows, what it leaves out, and how it answers."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org.actions import do_change_authority
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.public import actions
from kansli.public.record import WITHHELD
from kansli.registry import actions as registry
from kansli.registry.models import Case, Document
from kansli.registry.testing import make_case, make_provision

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
HIDDEN = WITHHELD.format(reference="OSL 39 kap. 3 §")


def register(case: Case, description: str, counterpart: str, **kwargs: Any) -> Document:
    return registry.do_register_document(
        case, "inkommen", YESTERDAY, description, counterpart=counterpart, actor=None, **kwargs
    )


def page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def secret() -> Document:
    case = make_case("Personalärende – rehabilitering")
    return register(
        case, "Läkarintyg om arbetsförmåga", "Vårdcentralen Ekbacken",
        secrecy=make_provision(), withhold_counterpart=True, withhold_description=True,
    )  # fmt: skip


def test_withheld_fields_show_the_provision_and_never_the_value(secret: Document) -> None:
    case = secret.case
    html = page(f"/diarium/KS/{case.year}/{case.number}/")
    assert HIDDEN in html and secret.document_number in html
    assert "Vårdcentralen" not in html and "Läkarintyg" not in html
    data = Client().get(f"/api/v1/public/diary/KS/{case.year}/{case.number}").json()
    assert data["entries"][0]["counterpart"] == HIDDEN
    assert data["entries"][0]["description"] == HIDDEN
    assert "Vårdcentralen" not in str(data)
    # Nor can a search for a withheld word find it (and so tell that it is there).
    assert "Läkarintyg" not in page("/diarium/?q=läkarintyg")
    found = Client().get("/api/v1/public/diary?q=vårdcentralen").json()
    assert found["entries"] == []
    assert Client().get("/api/v1/public/diary?q=rehabilitering").json()["entries"]


def test_protected_and_private_names_are_masked_by_the_authoritys_choice() -> None:
    ks = make_authority("KS")
    case = make_case("Bygglov för Anna Andersson, Ekbacken 3", authority=ks)
    registry.do_add_party(case, "Anna Andersson", identity_number="19800101-1234", actor=None)
    hidden = make_case("Ansökan från Sara Svensson", authority=ks)
    registry.do_add_party(hidden, "Sara Svensson", protected_identity=True, actor=None)
    register(case, "Ansökan om bygglov", "Anna Andersson")
    register(case, "Yttrande", "Miljöförvaltningen")
    register(hidden, "Ansökan", "Sara Svensson")
    register(case, "Synpunkter", "Bo Berg", counterpart_is_private=True)

    html = page("/diarium/?q=bygglov")
    assert "Anna Andersson" not in html and "[Privatperson]" in html
    assert "Privatperson" in page(f"/diarium/KS/{case.year}/{case.number}/")
    assert "Bo Berg" not in page(f"/diarium/KS/{case.year}/{case.number}/")
    assert "Miljöförvaltningen" in page(f"/diarium/KS/{case.year}/{case.number}/")
    protected = page(f"/diarium/KS/{hidden.year}/{hidden.number}/")
    assert "Sara Svensson" not in protected and "Skyddad personuppgift" in protected
    assert Client().get("/api/v1/public/diary?q=andersson").json()["entries"] == []

    actions.do_set_diary_policy(ks, mask_private_names=False, actor=None)
    shown = page(f"/diarium/KS/{case.year}/{case.number}/")
    assert "Anna Andersson" in shown and "Bo Berg" in shown
    assert "Sara Svensson" not in page(f"/diarium/KS/{hidden.year}/{hidden.number}/")
    assert Client().get("/api/v1/public/diary?q=andersson").json()["entries"]


def test_a_protected_name_written_otherwise_is_masked_too() -> None:
    """Surname first, with a comma, with two spaces or a no-break space: the name of a
    party with protected identity is masked however the registrar wrote it, in the
    sender, the case title and the description, and no search finds it."""
    ks = make_authority("KS")
    hidden = make_case("Färdtjänst för Svensson, Sara", authority=ks)
    registry.do_add_party(hidden, "Sara Svensson", protected_identity=True, actor=None)
    for sender in ["Sara  Svensson", "Svensson, Sara", "Sara\u00a0Svensson"]:
        register(hidden, "Intyg om Svensson Sara", sender)

    shown = page(f"/diarium/KS/{hidden.year}/{hidden.number}/")
    data = Client().get(f"/api/v1/public/diary/KS/{hidden.year}/{hidden.number}").json()
    for text in (shown, str(data)):
        assert "Svensson" not in text and "Skyddad personuppgift" in text
    assert Client().get("/api/v1/public/diary?q=svensson").json()["entries"] == []


def test_only_published_files_of_open_documents_can_be_fetched(secret: Document) -> None:
    ks = secret.case.authority
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    open_document = register(secret.case, "Kallelse till möte", "HR-avdelningen")
    data = samples.pdf("Kallelse till möte")
    shown = registry.do_attach_file(open_document, store_bytes(data, "kallelse.pdf"),
                                    "kallelse.pdf", actor=None)  # fmt: skip
    unpublished = registry.do_attach_file(open_document, store_bytes(b"intern", "pm.txt"),
                                          "pm.txt", actor=None)  # fmt: skip
    hidden = registry.do_attach_file(secret, store_bytes(b"intyg", "intyg.txt"), "intyg.txt",
                                     actor=None)  # fmt: skip
    extract_file_text.call(shown.stored_id)  # published once its text is read (no numbers)
    actions.do_publish_file(shown, actor=registrar)
    with pytest.raises(Exception, match="sekretessmarkerad"):
        actions.do_publish_file(hidden, actor=registrar)
    html = page(f"/diarium/KS/{secret.case.year}/{secret.case.number}/")
    assert "kallelse.pdf" in html and "pm.txt" not in html and "intyg.txt" not in html
    response = Client().get(f"/diarium/filer/{shown.pk}/kallelse.pdf")
    assert response.status_code == 200 and response.getvalue() == data
    missing = Client().get("/diarium/filer/999999/x.pdf")
    assert Client().get(f"/diarium/filer/{unpublished.pk}/pm.txt").status_code == 404
    assert Client().get(f"/diarium/filer/{hidden.pk}/intyg.txt").content == missing.content


def test_a_published_file_goes_when_replaced_or_when_a_party_is_protected() -> None:
    """A new version replaces the published file (it was often replaced for what it
    held), and a party given protected identity later stops the case's files: the
    e-diary's masking cannot reach into them (OSL 21 kap. 3 §). Nor is a file published
    whose name holds a personal identity number."""
    case = make_case("Bygglov för förråd")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, case.authority)])
    document = register(case, "Ritning", "Arkitektbyrån AB")
    first = registry.do_attach_file(document, store_bytes(samples.pdf("Ritning 1"), "r.pdf"),
                                    "ritning.pdf", actor=None)  # fmt: skip
    extract_file_text.call(first.stored_id)
    actions.do_publish_file(first, actor=registrar)
    url = f"/diarium/filer/{first.pk}/ritning.pdf"
    assert Client().get(url).status_code == 200
    registry.do_attach_file(document, store_bytes(samples.pdf("Ritning 2"), "r2.pdf"),
                            "ritning.pdf", replaces=first, actor=None)  # fmt: skip
    assert Client().get(url).status_code == 404
    assert "ritning.pdf" not in page(f"/diarium/{case.authority.code}/{case.year}/{case.number}/")

    other = register(case, "Foto", "Arkitektbyrån AB")
    photo = registry.do_attach_file(other, store_bytes(samples.pdf("Foto"), "f.pdf"),
                                    "foto.pdf", actor=None)  # fmt: skip
    extract_file_text.call(photo.stored_id)
    actions.do_publish_file(photo, actor=registrar)
    named = registry.do_attach_file(other, store_bytes(samples.pdf("Intyg"), "i.pdf"),
                                    "intyg 19800101-1231.pdf", actor=None)  # fmt: skip
    extract_file_text.call(named.stored_id)
    with pytest.raises(ValidationError, match="personnummer"):
        actions.do_publish_file(named, actor=registrar)
    registry.do_add_party(case, "Sara Svensson", protected_identity=True, actor=None)
    assert Client().get(f"/diarium/filer/{photo.pk}/foto.pdf").status_code == 404
    with pytest.raises(ValidationError, match="skyddade personuppgifter"):
        actions.do_publish_file(
            registry.do_attach_file(other, store_bytes(samples.pdf("Karta"), "k.pdf"),
                                    "karta.pdf", actor=None),
            actor=registrar,
        )  # fmt: skip


def test_pages_are_the_same_for_everyone_and_cacheable(secret: Document) -> None:
    response = Client().get("/diarium/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    # A proxy or browser keeps it no longer than the server's cache may lag behind an
    # addition: a secrecy marking passes the server's kept answers over at once, and
    # one kept elsewhere for KANSLI_PUBLIC_CACHE_SECONDS would outlive it by a minute.
    assert f"max-age={settings.PUBLIC_NEW_SECONDS}" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    assert secret.document_number in response.content.decode()  # the latest registrations


def test_bad_filters_get_a_swedish_message() -> None:
    html = Client().get("/diarium/?fran=2026-05-01&till=2026-04-01").content.decode()
    assert 'role="alert"' in html
    answer = Client().get("/api/v1/public/diary?date_from=2026-05-01&date_to=2026-04-01")
    assert answer.status_code == 422 and "Slutdatumet" in answer.json()["detail"]
    assert Client().get("/api/v1/public/diary?authority=XYZ").status_code == 422
    assert Client().get("/diarium/XYZ/2026/1/").status_code == 404


def test_the_authority_filter_lists_todays_authorities_and_links_each_case() -> None:
    ks, bn = make_authority("KS"), make_authority("BN", "Byggnadsnämnden")
    old = make_authority("GN", "Gamla nämnden", valid_from=YESTERDAY - datetime.timedelta(days=9))
    do_change_authority(old, valid_to=YESTERDAY, actor=None)
    register(make_case("Detaljplan för Ekbacken", authority=ks), "Samråd", "Länsstyrelsen")
    bygglov = make_case("Bygglov på Ekbacken 3", authority=bn)
    register(bygglov, "Ansökan om bygglov", "Ekbackens bygg AB")
    html = page("/diarium/")
    assert '<option value="BN">Byggnadsnämnden (BN)</option>' in html
    assert 'value="GN"' not in html  # ended yesterday
    assert f'href="/diarium/BN/{bygglov.year}/{bygglov.number}/"' in html
    assert f'<td class="nowrap">{YESTERDAY.isoformat()}</td>' in html
    only = page("/diarium/?q=ekbacken&myndighet=BN")
    assert "Bygglov på Ekbacken 3" in only and "Detaljplan" not in only
    assert '<option value="BN" selected>' in only
    for code in (old.code, "XYZ", "bn", '"><script>'):
        refused = Client().get("/diarium/", {"myndighet": code}).content.decode()
        assert 'role="alert"' in refused and "Välj ett giltigt alternativ" in refused, code
        assert "<script>" not in refused


def test_a_client_that_asks_too_often_is_asked_to_wait(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kansli.public import ratelimit

    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_030.0)  # 30 s into a minute
    settings.PUBLIC_REQUESTS_PER_MINUTE = 3
    client = Client()
    assert [client.get("/diarium/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/diarium/")
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    api_refused = client.get("/api/v1/public/diary")
    assert api_refused.status_code == 429 and api_refused["Retry-After"] == "30"
    assert "Vänta 30 sekunder" in api_refused.json()["detail"]
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.get("/diarium/").status_code == 200


def searches(monkeypatch: Any) -> list[str]:
    """The texts the e-diary's page and API search for from now on (a kept answer is
    not searched again; the search's plain statements are not among Django's queries)."""
    from kansli.public import api, views

    searched: list[str] = []
    for module in (views, api):

        def counted(text: str, _search: Any = module.public_search, **filters: Any) -> Any:
            searched.append(text)
            return _search(text, **filters)

        monkeypatch.setattr(module, "public_search", counted)
    return searched


def test_the_server_keeps_answers_until_a_registration_changes(
    secret: Document, settings: Any, django_assert_num_queries: Any, monkeypatch: Any
) -> None:
    from kansli.public import pagecache

    now = [1_800_000_000.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    url = f"/diarium/?q={secret.case.case_number}"
    api = f"/api/v1/public/diary?q={secret.case.case_number}"
    first, first_json = page(url), Client().get(api).json()
    searched = searches(monkeypatch)
    with django_assert_num_queries(1):  # the public pages' generation, nothing more
        assert page(url) == first
    with django_assert_num_queries(1):
        assert Client().get(api).json() == first_json
    assert searched == []  # both kept: neither searched again
    assert "Läkarintyg" not in first
    registry.do_register_document(
        secret.case, "upprattad", YESTERDAY, "Beslut om rehabiliteringsplan",
        counterpart="", actor=None,
    )  # fmt: skip
    # A new registration may lag (kansli.public.changes), by KANSLI_PUBLIC_NEW_SECONDS
    # at most; a change is never hidden by the cache (test_generation.py).
    now[0] += settings.PUBLIC_NEW_SECONDS
    assert "rehabiliteringsplan" in page(url)
    assert "rehabiliteringsplan" in str(Client().get(api).json())
    settings.PUBLIC_CACHE_SECONDS = 0  # off: every answer is searched for again
    page(url)
    registry.do_register_document(
        secret.case, "upprattad", YESTERDAY, "Beslut om färdtjänst", counterpart="", actor=None
    )
    assert "färdtjänst" in page(url)  # at once: no answer kept to lag behind


def test_the_cached_answer_is_per_language_host_and_day(
    secret: Document, settings: Any, monkeypatch: Any
) -> None:
    from kansli.public import pagecache

    settings.ALLOWED_HOSTS = ["testserver", "kansli.example.se"]
    searched = searches(monkeypatch)

    def queries(client: Client) -> tuple[int, str]:
        """Whether the page was searched for anew (1) or kept (0), and the page."""
        searched.clear()
        text = client.get("/diarium/").content.decode()
        return len(searched), text

    first, swedish = queries(Client())
    assert first == 1 and 'lang="sv"' in swedish
    assert queries(Client()) == (0, swedish)  # kept
    english = queries(Client(HTTP_ACCEPT_LANGUAGE="en"))
    assert english[0] == 1 and 'lang="en"' in english[1]
    assert queries(Client(HTTP_HOST="kansli.example.se"))[0] == 1
    today = timezone.localdate
    tomorrow = today() + datetime.timedelta(days=1)
    monkeypatch.setattr(
        pagecache.timezone, "localdate", lambda *when: today(*when) if when else tomorrow
    )
    assert queries(Client())[0] == 1  # a new day: the notice board may have changed


def test_side_doors_are_shut() -> None:
    """Issue 12, part 4: a private person stays private in the reply to their letter; a
    personal identity number in any text is masked and cannot be searched for in any
    spelling; an e-mail address is never published."""
    ks = make_authority("KS")
    case = make_case("Synpunkt på snöröjningen", authority=ks)
    register(case, "Synpunkt från Bo Berg, 19800101-1231", "Bo  berg", counterpart_is_private=True)
    reply = registry.do_register_document(
        case, "utgaende", YESTERDAY, "Svar till Bo Berg", counterpart="Bo Berg", actor=None
    )
    mailed = register(case, "E-post om halka", "Åsa Öberg <asa.oberg@example.se>")
    html = page(f"/diarium/KS/{case.year}/{case.number}/")
    assert "bo berg" not in html.casefold() and "bo  berg" not in html.casefold()
    assert "19800101-1231" not in html and "[Personnummer]" in html
    assert "asa.oberg@example.se" not in html and "Åsa Öberg" in html
    data = Client().get(f"/api/v1/public/diary/KS/{case.year}/{case.number}").json()
    entries = {entry["document_number"]: entry for entry in data["entries"]}
    assert entries[reply.document_number]["counterpart"] == "Privatperson"
    assert entries[mailed.document_number]["counterpart"] == "Åsa Öberg"
    nothing = Client().get("/api/v1/public/diary?q=zqxingenting").json()["entries"]
    for word in ["19800101-1231", "800101-1231", "8001011231", "Bo", "asa.oberg@example.se"]:
        assert Client().get("/api/v1/public/diary", {"q": word}).json()["entries"] == nothing, word


def test_the_document_type_filter_finds_only_what_the_diary_shows(secret: Document) -> None:
    """The public may filter by document type (shown in every entry), never by a
    sender's or party's name: a withheld sender stays withheld whatever is filtered."""
    case = make_case("Remiss om översiktsplan")
    answer = register(case, "Yttrande över översiktsplanen", "Trafikverket",
                      document_type="Remissvar")  # fmt: skip
    registry.do_add_party(case, "Sara Skyddad", protected_identity=True, actor=None)
    shown = page("/diarium/?typ=remissvar")
    assert answer.document_number in shown and "Trafikverket" in shown
    assert secret.document_number not in shown
    api = Client().get("/api/v1/public/diary", {"document_type": "Remissvar"}).json()
    assert [e["document_number"] for e in api["entries"]] == [answer.document_number]
    # No name filter is offered to the public: the names stay out of every answer.
    assert "Vårdcentralen" not in page("/diarium/?motpart=Vårdcentralen&q=")
    for entries in (page("/diarium/?q=Skyddad"), page("/diarium/?q=Sara")):
        assert answer.document_number not in entries
