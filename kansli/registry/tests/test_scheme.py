from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from kansli.audit.models import AuditEvent
from kansli.org.testing import make_authority
from kansli.registry.actions import do_load_classification_scheme
from kansli.registry.models import Classification, SecrecyProvision
from kansli.registry.scheme import parse_scheme

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "klassa-exempel.csv"


def test_parse_orders_codes_and_finds_parents() -> None:
    rows = parse_scheme("kod;rubrik\n3.10;Tio\n3;Kärn\n3.2;Två\n")
    assert [r.code for r in rows] == ["3", "3.2", "3.10"]
    assert rows[2].parent_code == "3"


def test_parse_reports_every_bad_line() -> None:
    with pytest.raises(ValidationError) as error:
        parse_scheme("kod,rubrik\n1,Ett\nx.1,Fel\n1,Dubblett\n2.1,Saknar förälder\n1.1,\n")
    assert error.value.messages == [
        "rad 3: koden 'x.1' är inte en punktad sifferkod",
        "rad 4: koden 1 finns redan",
        "rad 6: rubrik saknas för 1.1",
        "2.1: överordnad nivå 2 saknas",
    ]


@pytest.mark.django_db
def test_loading_adds_updates_and_retires_codes() -> None:
    ks = make_authority("KS")
    assert (
        do_load_classification_scheme(ks, parse_scheme("kod;rubrik\n1;A\n1.1;B\n"), actor=None) == 2
    )
    assert Classification.objects.get(code="1.1").parent == Classification.objects.get(code="1")
    added = do_load_classification_scheme(ks, parse_scheme("kod;rubrik\n1;A2\n1.2;C\n"), actor=None)
    assert added == 1
    codes = {c.code: (c.title, c.active) for c in ks.classifications.all()}
    assert codes == {"1": ("A2", True), "1.1": ("B", False), "1.2": ("C", True)}
    assert AuditEvent.objects.filter(action="registry.load_classification_scheme").count() == 2


@pytest.mark.django_db
def test_the_command_loads_the_shipped_example(capsys: pytest.CaptureFixture[str]) -> None:
    make_authority("KS")
    call_command("classification", "load", "KS", str(EXAMPLE))
    assert "KS: 36 koder, 36 nya." in capsys.readouterr().out
    assert Classification.objects.get(code="3.3.2").title == "Pröva bygglov"
    with pytest.raises(CommandError):
        call_command("classification", "load", "XX", str(EXAMPLE))


@pytest.mark.django_db
def test_a_new_installation_has_the_common_osl_provisions() -> None:
    assert SecrecyProvision.objects.filter(reference="OSL 26 kap. 1 §").exists()
    assert SecrecyProvision.objects.count() >= 10


@pytest.mark.django_db
def test_secrecy_provisions_are_kept_in_the_admin_through_actions() -> None:
    from django.test import Client

    from kansli.org.testing import make_sysadmin

    admin = make_sysadmin()
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/registry/secrecyprovision/add/",
        {"reference": "OSL 31 kap. 16 §", "title": "Enskildas affärsförhållanden", "active": "on"},
    )
    assert response.status_code == 302
    provision = SecrecyProvision.objects.get(reference="OSL 31 kap. 16 §")
    client.post(
        f"/admin/registry/secrecyprovision/{provision.pk}/change/",
        {"title": "Enskildas affärsförhållanden"},
    )
    provision.refresh_from_db()
    assert provision.active is False
    assert AuditEvent.objects.filter(action="registry.change_secrecy_provision").count() == 1
    assert (
        client.post(f"/admin/registry/secrecyprovision/{provision.pk}/delete/").status_code == 403
    )
