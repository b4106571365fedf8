"""The access pages: who has access and why, granting, members, and the read log."""

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from kansli.access import actions
from kansli.access.testing import make_access_group
from kansli.audit.chain import verify
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.registry.testing import make_case, make_incoming, make_provision

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def table(html: str) -> str:
    return html.split("<table", 1)[1].split("</table>", 1)[0]


@pytest.fixture
def secret() -> Document:
    ks = make_authority("KS")
    case = make_case("Personalärende", authority=ks)
    document = make_incoming(case, description="Läkarintyg")
    return registry.do_mark_secrecy(document, make_provision(), actor=None)


def test_a_manager_sees_who_has_access_and_why_and_grants_more(secret: Document) -> None:
    ks = secret.case.authority
    manager = make_user("chef", first_name="Maria", last_name="Chef", roles=[(Role.MANAGER, ks)])
    member = make_user("hr", first_name="Hanna", last_name="Rask", roles=[(Role.OFFICER, ks)])
    covering = make_user("vik", first_name="Viktor", last_name="Ek", roles=[(Role.OFFICER, ks)])
    make_access_group(ks, [member], name="HR-gruppen")
    client = client_for(manager)
    url = f"/arenden/{secret.case_id}/behorighet/"
    html = table(client.get(url).content.decode())
    assert "Hanna Rask" in html and "HR-gruppen" in html and "Viktor Ek" not in html

    response = client.post(f"{url}ge/", {"user": covering.pk, "last_day": "", "reason": ""})
    assert response.status_code == 200  # the form again, with its errors
    assert not secret.case.access_grants.exists()
    last_day = TODAY.isoformat()
    response = client.post(f"{url}ge/", {"user": covering.pk, "last_day": last_day,
                                         "reason": "Vikarierar för Hanna"})  # fmt: skip
    assert response.status_code == 302
    html = table(client.get(url).content.decode())
    assert "Viktor Ek" in html and "Vikarierar för Hanna" in html


def test_members_are_added_and_ended_from_the_page(secret: Document) -> None:
    ks = secret.case.authority
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    newcomer = make_user("ny", first_name="Nils", last_name="Ny", roles=[(Role.OFFICER, ks)])
    group = make_access_group(ks)
    client = client_for(manager)
    url = f"/arenden/{secret.case_id}/behorighet/"
    assert client.post(f"{url}medlem/", {"user": newcomer.pk}).status_code == 302
    membership = group.memberships.get(user=newcomer)
    assert client.post(f"{url}medlem/{membership.pk}/avsluta/").status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to is not None
    assert verify().ok


def test_only_managers_dpos_and_administrators_see_the_access_page(secret: Document) -> None:
    ks = secret.case.authority
    url = f"/arenden/{secret.case_id}/behorighet/"
    dpo = make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)])
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    assert client_for(dpo).get(url).status_code == 200
    assert client_for(officer).get(url).status_code == 403
    missing = client_for(dpo).get("/arenden/999999/behorighet/")
    assert missing.status_code == 404


def test_the_read_log_per_document_and_per_user_with_csv(secret: Document) -> None:
    ks = secret.case.authority
    reader = make_user("hr", first_name="Hanna", last_name="Rask", roles=[(Role.OFFICER, ks)])
    make_access_group(ks, [reader])
    actions.do_log_read(secret, "file", actor=reader)
    actions.do_log_read(make_incoming(secret.case), "file", actor=reader)  # open: not logged
    dpo = make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)])
    client = client_for(dpo)
    url = f"/arenden/{secret.case_id}/handlingar/{secret.number}/lasningar/"
    html = client.get(url).content.decode()
    assert "Hanna Rask" in html and secret.document_number in html
    rows = list(csv.reader(io.StringIO(client.get(f"{url}?format=csv").content.decode("utf-8-sig")),
                           delimiter=";"))  # fmt: skip
    assert rows[0][:3] == ["tid", "användare", "handling"]
    assert len(rows) == 2 and "Hanna Rask" in rows[1][1] and rows[1][3] == "fil"
    mine = client.get(f"/behorighet/lasningar/{reader.pk}/").content.decode()
    assert secret.document_number in mine
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    outsider = make_user("bundso", roles=[(Role.DATA_PROTECTION_OFFICER, other)])
    theirs = client_for(outsider).get(f"/behorighet/lasningar/{reader.pk}/").content.decode()
    assert secret.document_number not in theirs
    assert client_for(reader).get(url).status_code == 403


def test_the_read_log_per_user_filters_before_it_limits(
    secret: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads in an authority the viewer does not oversee must not push those it does
    off the page."""
    from kansli.access import views

    ks = secret.case.authority
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    reader = make_user("hr", roles=[(Role.OFFICER, ks), (Role.OFFICER, bun)])
    actions.do_log_read(secret, "file", actor=reader)
    elsewhere = make_incoming(make_case("Elevärende", authority=bun))
    registry.do_mark_secrecy(elsewhere, make_provision(), actor=None)
    for _ in range(3):
        actions.do_log_read(elsewhere, "file", actor=reader)
    monkeypatch.setattr(views, "READ_ROWS", 2)
    dpo = make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)])
    page = client_for(dpo).get(f"/behorighet/lasningar/{reader.pk}/").content.decode()
    assert secret.document_number in page and elsewhere.document_number not in page


def test_every_surface_that_shows_a_secret_document_logs_the_read(secret: Document) -> None:
    """The case page, the correction, secrecy and voiding forms, the staff search page,
    and the API's case and search answers (issue 12, part 5)."""
    from kansli.audit.models import AuditEvent
    from kansli.org.actions import do_create_api_token

    ks = secret.case.authority
    reader = make_user("hr", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [reader])
    client = client_for(reader)

    def reads() -> int:
        return AuditEvent.objects.filter(
            action=actions.READ_ACTION, actor=reader, object_id=str(secret.pk)
        ).count()

    base = f"/arenden/{secret.case_id}/"
    urls = [
        base,
        f"{base}handlingar/{secret.number}/ratta/",
        f"{base}handlingar/{secret.number}/sekretess/",
        f"{base}handlingar/{secret.number}/makulera/",
        "/sok/?q=L%C3%A4karintyg",
    ]
    for url in urls:
        before = reads()
        assert client.get(url).status_code == 200, url
        assert reads() == before + 1, url
    _token, key = do_create_api_token(reader, "test", actor=None)
    for url in [f"/api/v1/cases/{secret.case_id}", "/api/v1/search?q=L%C3%A4karintyg"]:
        before = reads()
        answer = Client().get(url, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 200, url
        assert reads() == before + 1, url
