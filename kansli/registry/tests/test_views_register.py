import datetime
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from kansli.audit.models import AuditEvent
from kansli.org import actions as org_actions
from kansli.org.models import Authority, ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.testing import make_case, make_incoming, make_provision, make_registrar

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def sv(text: str) -> str:
    """A UI string as the Swedish page shows it (the msgid until it is translated)."""
    with translation.override("sv"):
        return escape(translation.gettext(text))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def other_authority() -> Authority:
    """An authority of another municipality, whose registry Provkommun's staff cannot see."""
    place = org_actions.do_create_municipality("Grannkommun", actor=None)
    return org_actions.do_create_authority(
        place, Authority.Kind.BOARD, "GN", "Grannämnden", actor=None
    )


def new_case_form(
    authority: Authority, changes: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    return (
        {
            "mode": "nytt",
            "authority": authority.pk,
            "title": "Ansökan om bygglov för carport",
            "direction": "inkommen",
            "document_date": TODAY.isoformat(),
            "counterpart": "Anna Andersson",
            "counterpart_address": "Storgatan 1",
            "description": "",
            "document_type": "Ansökan",
        }
        | (changes or {})
        | more
    )


def test_the_form_needs_a_registering_role() -> None:
    assert Client().get("/registrera/").status_code == 302
    ks = make_authority("KS")
    elected = make_user("ledamot")
    org_actions.do_grant_role(
        elected, Role.ELECTED, authority=ks, position=ElectedPosition.MEMBER, actor=None
    )
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)])
    for user in (elected, archivist):
        client = client_for(user)
        assert client.get("/registrera/").status_code == 403
        assert client.get("/registrera/avsandare/?counterpart=An").status_code == 403
        assert client.post("/registrera/kontroll/", {"counterpart": "An"}).status_code == 403


def test_the_form_has_defaults_and_a_label_for_every_field() -> None:
    ks = make_authority("KS")
    html = client_for(make_registrar(ks)).get("/registrera/").content.decode()
    assert f'value="{TODAY.isoformat()}"' in html
    assert re.search(r'<option value="inkommen" selected>', html)
    assert re.search(rf'<option value="{ks.pk}" selected>', html)  # the only authority
    assert re.search(r'value="nytt"[^>]*checked', html)
    fields = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="(id_[a-z_0-9]+)"', html))
    fields -= set(re.findall(r'<input type="hidden"[^>]*\bid="(id_[a-z_0-9]+)"', html))
    labelled = set(re.findall(r'<label for="(id_[a-z_0-9]+)"', html))
    assert fields and fields <= labelled
    assert 'role="alert"' not in html


def test_a_registration_starts_a_case_and_goes_to_it() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    client = client_for(registrar)
    response = client.post("/registrera/", new_case_form(ks), follow=True)
    document = Document.objects.get()
    assert response.redirect_chain == [(f"/arenden/{document.case_id}/", 302)]
    assert document.case.title == "Ansökan om bygglov för carport"
    assert document.description == "Ansökan om bygglov för carport"  # the title
    assert (document.direction, document.counterpart) == ("inkommen", "Anna Andersson")
    assert document.registered_by == registrar and document.counterpart_address == "Storgatan 1"
    number = f"KS {TODAY.year}/1-1"
    with translation.override("sv"):
        message = translation.gettext("Registered as %(number)s") % {"number": number}
    assert escape(message) in response.content.decode()
    assert client.session["registry_last_authority"] == ks.pk


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter the case title."),
        ({"authority": ""}, "authority", "Choose the authority that registers the case."),
        ({"counterpart": ""}, "counterpart", "Enter the sender of an incoming document."),
        ({"document_date": "2026-13-45"}, "document_date", "Enter a valid date."),
        (
            {"document_date": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "document_date",
            "The date cannot be in the future.",
        ),
        (
            {"withhold_counterpart": "on"},
            "secrecy",
            "Choose a secrecy provision to withhold details from the record.",
        ),
        (
            {"mode": "befintligt", "case_number": ""},
            "case_number",
            "Enter the case number, for example KS 2026/142.",
        ),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    changes: dict[str, str], field: str, message: str
) -> None:
    ks = make_authority("KS")
    client = client_for(make_registrar(ks))
    before = (Case.objects.count(), Document.objects.count(), AuditEvent.objects.count())
    response = client.post("/registrera/", new_case_form(ks, changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert (Case.objects.count(), Document.objects.count(), AuditEvent.objects.count()) == before
    summary = html.split('role="alert"')[1].split("</div>")[0]
    assert f'href="#id_{field}"' in summary and sv(message) in summary
    assert f'id="id_{field}_error"' in html
    control = re.search(rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', html)
    assert control is not None
    assert 'aria-invalid="true"' in control.group(0)
    assert f"id_{field}_error" in control.group(0)  # aria-describedby


def test_an_action_refusal_is_shown_too_and_nothing_is_saved() -> None:
    ks = make_authority("KS")
    case = make_case(authority=ks)
    actions.do_change_case_status(case, "makulerat", reason="Dubblett", actor=None)
    client = client_for(make_registrar(ks))
    data = new_case_form(ks, mode="befintligt", case_number=case.case_number, description="X")
    html = client.post("/registrera/", data).content.decode()
    assert sv("The case is voided.") in html
    assert not Document.objects.exists()


def test_a_document_is_added_to_an_existing_case_by_its_number() -> None:
    ks = make_authority("KS")
    case = make_case(authority=ks)
    client = client_for(make_registrar(ks))
    assert (
        case.case_number in client.get(f"/registrera/?arende={case.case_number}").content.decode()
    )
    number = f"ks {case.year}/{case.number:04d}"
    data = new_case_form(
        ks, mode="befintligt", case_number=number, direction="utgaende", description="Svar"
    )
    response = client.post("/registrera/", data)
    assert response.status_code == 302 and response["Location"] == f"/arenden/{case.pk}/"
    document = case.documents.get()
    assert (document.direction, document.description, document.number) == ("utgaende", "Svar", 1)
    assert Case.objects.count() == 1


def test_a_case_the_user_cannot_see_is_not_found_by_number() -> None:
    hidden = make_case(authority=other_authority())
    ks = make_authority("KS")
    client = client_for(make_registrar(ks))
    data = new_case_form(ks, mode="befintligt", case_number=hidden.case_number, description="X")
    html = client.post("/registrera/", data).content.decode()
    assert sv("There is no case with that number.") in html
    assert not Document.objects.exists()


def test_only_the_users_own_authorities_can_be_chosen() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    client = client_for(make_registrar(bun))
    response = client.post("/registrera/", new_case_form(ks))
    assert response.status_code == 200 and not Case.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_new_case_may_start_with_a_drawn_up_document_and_secrecy() -> None:
    ks = make_authority("KS")
    provision = make_provision()
    client = client_for(make_registrar(ks))
    data = new_case_form(
        ks, direction="upprattad", counterpart="", secrecy=provision.pk,
        withhold_description="on", description="Tjänsteskrivelse",
    )  # fmt: skip
    assert client.post("/registrera/", data).status_code == 302
    document = Document.objects.get()
    assert (document.direction, document.secrecy, document.withhold_description) == (
        "upprattad", provision, True,
    )  # fmt: skip
    assert document.secrecy_marked_at is not None


def test_possible_duplicates_are_shown_before_saving() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    earlier = make_incoming(
        make_case("Bygglov för carport", authority=ks),
        counterpart="Anna Andersson",
        description="Ansökan om bygglov för carport",
    )
    client = client_for(registrar)
    checks = {"mode": "nytt", "counterpart": "anna andersson", "title": "Bygglov, carport"}
    html = client.post("/registrera/kontroll/", checks).content.decode()
    assert sv("Possible duplicate") in html and earlier.document_number in html
    other_sender = client.post("/registrera/kontroll/", checks | {"counterpart": "Bo Ek"})
    assert sv("Possible duplicate") not in other_sender.content.decode()
    unlike = client.post("/registrera/kontroll/", checks | {"title": "Klagomål på buller"})
    assert sv("Possible duplicate") not in unlike.content.decode()
    # The registrar can still save; the warning does not stop it.
    data = new_case_form(ks, title="Bygglov, carport", counterpart="Anna Andersson")
    assert client.post("/registrera/", data).status_code == 302
    assert Document.objects.count() == 2


def test_a_possible_duplicate_is_shown_without_a_protected_name() -> None:
    """An officer of another board sees the earlier document's description as its case
    page shows it: the name of a party with protected identity hidden."""
    ks, bn = make_authority("KS"), make_authority("BN")
    case = make_case("Överklagande", authority=ks)
    actions.do_add_party(case, "Anna Hemlig", protected_identity=True, actor=None)
    make_incoming(case, counterpart="Socialnämnden", description="Överklagande Anna Hemlig")
    officer = make_user("handl", roles=[(Role.OFFICER, bn), (Role.OFFICER, ks)])
    checks = {"mode": "nytt", "counterpart": "Socialnämnden", "title": "Överklagande"}
    html = client_for(officer).post("/registrera/kontroll/", checks).content.decode()
    assert sv("Possible duplicate") in html
    assert "Hemlig" not in html and "Skyddad identitet" in html


def test_duplicates_are_looked_for_in_the_last_30_days_only() -> None:
    ks = make_authority("KS")
    case = make_case("Bygglov för carport", authority=ks)
    actions.do_register_document(
        case, "inkommen", TODAY - datetime.timedelta(days=40), "Ansökan om bygglov",
        counterpart="Anna Andersson", registered_at=timezone.now() - datetime.timedelta(days=31),
        actor=None,
    )  # fmt: skip
    client = client_for(make_registrar(ks))
    checks = {"mode": "nytt", "counterpart": "Anna Andersson", "title": "Ansökan om bygglov"}
    html = client.post("/registrera/kontroll/", checks).content.decode()
    assert sv("Possible duplicate") not in html


def test_the_check_names_the_case_a_number_points_to() -> None:
    ks = make_authority("KS")
    case = make_case("Medborgarförslag om parkbänkar", authority=ks)
    hidden = make_case("Hemligt", authority=other_authority())
    client = client_for(make_registrar(ks))
    found = client.post(
        "/registrera/kontroll/",
        {"mode": "befintligt", "case_number": "KS " + f"{case.year}/{case.number}"},
    )
    assert "Medborgarförslag om parkbänkar" in found.content.decode()
    missing = client.post(
        "/registrera/kontroll/", {"mode": "befintligt", "case_number": hidden.case_number}
    )
    html = missing.content.decode()
    assert "Hemligt" not in html and sv("There is no case with that number.") in html


def test_sender_suggestions_come_only_from_what_the_user_may_see() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    case = make_case(authority=ks)
    make_incoming(case, counterpart="Anna Andersson")
    make_incoming(case, counterpart="Annika Hemlig", secrecy=make_provision(),
                  withhold_counterpart=True)  # fmt: skip
    make_incoming(case, counterpart="Annelie Skyddad")
    # Written otherwise, the protected name is no suggestion either.
    make_incoming(case, counterpart="Skyddad, Annelie")
    make_incoming(case, counterpart="Annelie  Skyddad, Storgatan 1")
    actions.do_add_party(case, "Annelie Skyddad", protected_identity=True, actor=None)
    actions.do_add_party(case, "Anneli Part", actor=None)
    make_incoming(make_case(authority=other_authority()), counterpart="Anna Grannkommun")
    client = client_for(registrar)
    html = client.get("/registrera/avsandare/", {"counterpart": "ann"}).content.decode()
    assert html.startswith('<datalist id="counterpart-suggestions">')
    assert re.findall(r'<option value="([^"]+)">', html) == ["Anna Andersson", "Anneli Part"]
    short = client.get("/registrera/avsandare/", {"counterpart": "a"}).content.decode()
    assert "<option" not in short


def test_a_sender_of_many_cases_leaves_room_for_other_suggestions() -> None:
    """The suggestions are distinct names: one sender written in many cases is one."""
    from kansli.registry.views.lookups import counterpart_names

    ks = make_authority("KS")
    for _ in range(11):
        make_incoming(make_case(authority=ks), counterpart="Anna Andersson")
    make_incoming(make_case(authority=ks), counterpart="Annika Berg")
    names = counterpart_names(make_registrar(ks), "ann", limit=2)
    assert names == ["Anna Andersson", "Annika Berg"]


def test_files_are_attached_to_the_registered_document(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        }
    }
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    client = client_for(registrar)
    letter = SimpleUploadedFile("brev.txt", "Hej! Jag vill ha fler parkbänkar.".encode())
    response = client.post("/registrera/", new_case_form(ks, uploads=[letter]))
    assert response.status_code == 302
    attached = DocumentFile.objects.get(document=Document.objects.get())
    assert (attached.name, attached.version, attached.added_by) == ("brev.txt", 1, registrar)
    with attached.stored.open() as handle:
        assert handle.read() == "Hej! Jag vill ha fler parkbänkar.".encode()
    page = client.get(f"/arenden/{attached.document.case_id}/").content.decode()
    assert "brev.txt" in page


def test_a_refused_file_is_named_and_nothing_is_saved() -> None:
    ks = make_authority("KS")
    client = client_for(make_registrar(ks))
    program = SimpleUploadedFile("faktura.exe", b"MZ\x90\x00" + b"\x00" * 60)
    response = client.post("/registrera/", new_case_form(ks, uploads=[program]))
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    summary = html.split('role="alert"')[1].split("</div>")[0]
    assert 'href="#id_uploads"' in summary and "faktura.exe" in summary
