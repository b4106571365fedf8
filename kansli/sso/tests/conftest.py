"""The identity provider for the single sign-on tests: LemonLDAP::NG's portal on
loopback (kansli.sso.testing), and Kansli set up for both protocols against it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string

from kansli.org.testing import make_authority
from kansli.sso import keys, testing
from kansli.sso.config import parse_group_map, saml_config


@pytest.fixture(scope="module")
def sp_keys(tmp_path_factory: pytest.TempPathFactory) -> testing.ServiceProviderKeys:
    return testing.service_provider_keys(tmp_path_factory.mktemp("sp"))


@pytest.fixture(scope="module")
def portal(live_server: Any, sp_keys: testing.ServiceProviderKeys) -> Iterator[testing.Portal]:
    """The identity provider, knowing Kansli's callback and SAML metadata."""
    if not Path(testing.PORTAL_PSGI).exists() or not shutil.which("xmlsec1"):
        pytest.fail("needs Debian's lemonldap-ng, liblasso-perl and xmlsec1 (see .ci/run)")
    config = saml_config(
        site_url=live_server.url,
        idp_metadata="",
        key_file=str(sp_keys.key_file),
        cert_file=str(sp_keys.cert_file),
    )
    del config["metadata"]
    metadata = create_metadata_string(None, config=SPConfig().load(config)).decode()
    with testing.running_portal(f"{live_server.url}/sso/oidc/callback/", metadata) as running:
        yield running


@pytest.fixture
def sso(
    settings: Any, live_server: Any, portal: testing.Portal, sp_keys: testing.ServiceProviderKeys
) -> str:
    """Kansli set up for both protocols, the portal's group mapped to registrar of KS;
    returns Kansli's address."""
    make_authority("KS", "Kommunstyrelsen")
    settings.SSO_GROUPS = parse_group_map([f"{testing.GROUP}=registrator@KS"])
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = testing.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = testing.CLIENT_SECRET
    settings.OIDC_ISSUER = portal.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = portal.endpoint("authorize")
    settings.OIDC_OP_TOKEN_ENDPOINT = portal.endpoint("token")
    settings.OIDC_OP_USER_ENDPOINT = portal.endpoint("userinfo")
    settings.OIDC_OP_JWKS_ENDPOINT = portal.endpoint("jwks")
    keys.KeySet.endpoint = ""  # another portal's keys may be kept, under the same key id
    settings.OIDC_OP_LOGOUT_ENDPOINT = portal.endpoint("logout")
    settings.OIDC_MFA_VALUES = [testing.MFA_ACR]
    settings.SAML_ENABLED = True
    settings.SAML_CONFIG = saml_config(
        site_url=live_server.url,
        idp_metadata=str(portal.saml_idp_metadata),
        key_file=str(sp_keys.key_file),
        cert_file=str(sp_keys.cert_file),
    )
    settings.SAML_MFA_CONTEXTS = [testing.MFA_SAML_CONTEXT]
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "kansli.sso.oidc.Backend",
        "kansli.sso.saml.Backend",
    ]
    return str(live_server.url)
