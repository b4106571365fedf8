"""The group mapping's syntax, and single sign-on's pages while it is not set up."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kansli.sso.config import Grant, parse_group_map


def test_groups_map_to_roles_positions_and_the_system_administrator() -> None:
    mapping = parse_group_map(
        [
            "reg-ks=registrator@KS",
            "reg-ks=handlaggare@KS",
            "ks-ledamot=ledamot@KS",
            "it=systemadministrator",
        ]
    )
    assert mapping == {
        "reg-ks": (Grant("registrator", "KS"), Grant("handlaggare", "KS")),
        "ks-ledamot": (Grant("fortroendevald", "KS", "ledamot"),),
        "it": (Grant("systemadministrator", None),),
    }


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("reg-ks", "expected group=role@CODE"),
        ("reg-ks=kung@KS", "unknown role 'kung'"),
        ("reg-ks=registrator", "name the authority"),
        ("it=systemadministrator@KS", "has no authority"),
    ],
)
def test_a_wrong_entry_is_named(entry: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_group_map([entry])


@pytest.mark.django_db
def test_without_settings_there_is_no_single_sign_on(settings: Any) -> None:
    settings.OIDC_ENABLED = settings.SAML_ENABLED = False
    client = Client()
    for path in ["/sso/oidc/", "/sso/oidc/callback/", "/sso/saml/", "/sso/saml/acs/"]:
        assert client.get(path).status_code == 404
    assert "Kommunens inloggning" not in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_the_login_page_offers_the_identity_provider(settings: Any) -> None:
    settings.OIDC_ENABLED = settings.SAML_ENABLED = True
    html = Client().get("/login/?next=/registrera/").content.decode()
    assert 'href="/sso/oidc/?next=/registrera/"' in html
    assert 'href="/sso/saml/?next=/registrera/"' in html
