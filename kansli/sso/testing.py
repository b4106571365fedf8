"""A real identity provider for the tests: Debian's LemonLDAP::NG portal (its PSGI
application under plackup) on 127.0.0.1, a free port, its configuration, sessions and
keys in a temporary directory and no system configuration.

It serves OpenID Connect with Kansli as a relying party and SAML 2 with Kansli as a
service provider. Users and passwords are the portal's Demo ones (the password is the
username): `dwho` and `rtyler` are in the group `kansli-registratorer`, `msmith` in
no group Kansli maps. `dwho` also gives a second factor at the portal (its "external"
second factor: the code `SECOND_FACTOR_CODE`), which raises the authentication level
to `MFA_LEVEL`; that level is the ID token's `acr` (`loa-5`) and the SAML assertion's
AuthnContextClassRef (TLSClient, LemonLDAP::NG's context for level 5). The others sign
in with the password only (level 1).

Logout: the portal ends its session at OpenID Connect's end_session_endpoint
(`/oauth2/logout`, no confirmation asked of Kansli's client, back to Kansli's login
page) and at SAML single logout (signed messages both ways); its own logout
(`/?logout=1`, `sign_out_at_portal`) sends the SAML LogoutRequest to Kansli.
LemonLDAP::NG 2.16 sends no OpenID Connect back-channel logout tokens (its
`oidcRPMetaDataOptionsLogoutType` "back" is not implemented), so `logout_token` signs
one with the portal's own key, as it would."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jwt
import requests

from kansli.certificates import self_signed
from kansli.subprocesses import free_port, stop

PLACKUP = "/usr/bin/plackup"
PORTAL_PSGI = "/usr/share/lemonldap-ng/portal/htdocs/index.psgi"
TEMPLATES = "/usr/share/lemonldap-ng/portal/templates"
LOG_LEVEL = "warn"  # "debug" to see why the portal refuses something

CLIENT_ID = "kansli"
CLIENT_SECRET = "kansli-testhemlighet-0123456789"  # noqa: S105 (the test IdP's, nothing else)
GROUP = "kansli-registratorer"
MFA_USER, PASSWORD_USER, UNMAPPED_USER = "dwho", "rtyler", "msmith"
SECOND_FACTOR_CODE = "246810"
MFA_LEVEL = 5
MFA_ACR = "loa-5"
MFA_SAML_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:TLSClient"

INI = """[all]
logLevel = {level}
checkTime = 1
[configuration]
type = File
dirName = {dir}/conf
[portal]
staticPrefix = /static
templateDir = {templates}
languages = en
"""


@dataclass
class Portal:
    """The running portal: its address and what Kansli's settings need from it."""

    url: str
    directory: Path
    saml_idp_metadata: Path

    @property
    def issuer(self) -> str:
        return self.url

    def endpoint(self, name: str) -> str:
        return f"{self.url}/oauth2/{name}"


@dataclass
class ServiceProviderKeys:
    """The key and certificate Kansli signs its SAML requests with."""

    key_file: Path
    cert_file: Path


def service_provider_keys(directory: Path) -> ServiceProviderKeys:
    key_file, cert_file = self_signed(
        directory, "kansli-sp", common_name="kansli-sp", with_rsa=True
    )
    return ServiceProviderKeys(key_file, cert_file)


def configuration(
    directory: Path,
    portal_url: str,
    redirect_uri: str,
    sp_metadata: str,
    post_logout_redirect_uri: str = "",
) -> dict[str, object]:
    """The portal's configuration (lmConf-1.json): Demo users, the Kansli group, the
    external second factor for the MFA user, the OpenID Connect provider with Kansli as
    relying party (after logout back to `post_logout_redirect_uri`, by default Kansli's
    login page) and the SAML identity provider with Kansli as service provider."""
    oidc_key, oidc_cert = self_signed(directory, "oidc", common_name="oidc", with_rsa=True)
    saml_key, saml_cert = self_signed(directory, "saml", common_name="saml", with_rsa=True)
    storage = {"Directory": f"{directory}/sessions", "LockDirectory": f"{directory}/locks"}
    persistent = {"Directory": f"{directory}/psessions", "LockDirectory": f"{directory}/plocks"}
    cache = {
        "namespace": "lemonldap-ng-sessions",
        "default_expires_in": 600,
        "cache_root": f"{directory}/cache",
        "cache_depth": 3,
    }
    return {
        "cfgNum": 1,
        "cfgVersion": "2.16.1",
        "cfgAuthor": "kansli.sso.testing",
        "cfgDate": str(int(time.time())),
        "portal": f"{portal_url}/",
        "domain": "127.0.0.1",
        "cookieName": "lemonldap",
        "securedCookie": 0,
        # With SAML on, the portal makes its cookie SameSite=None, which a browser keeps
        # only with Secure, and this portal is plain HTTP: a browser would lose its
        # session between the password and the code (an HTTP client keeps it).
        "sameSite": "Lax",
        "authentication": "Demo",
        "userDB": "Same",
        "passwordDB": "Demo",
        "registerDB": "Null",
        "whatToTrace": "uid",
        "timeout": 3600,
        "groups": configuration_groups(),
        "demoExportedVars": {"cn": "cn", "mail": "mail", "uid": "uid"},
        "globalStorage": "Apache::Session::File",
        "globalStorageOptions": storage,
        "persistentStorage": "Apache::Session::File",
        "persistentStorageOptions": persistent,
        "localSessionStorage": "Cache::FileCache",
        "localSessionStorageOptions": cache,
        "notification": 0,
        "loginHistoryEnabled": 0,
        "portalSkin": "bootstrap",
        "locationRules": {"127.0.0.1": {"default": "accept"}},
        # The second factor: the portal asks the MFA user for a code and checks it
        # with a command (`test CODE = 246810`).
        "ext2fActivation": f"$uid eq '{MFA_USER}'",
        "ext2fCodeActivation": "",
        "ext2FSendCommand": "/bin/true",
        "ext2FValidateCommand": f"/usr/bin/test $code = {SECOND_FACTOR_CODE}",
        "ext2fAuthnLevel": MFA_LEVEL,
        # OpenID Connect.
        "issuerDBOpenIDConnectActivation": 1,
        "oidcServiceMetaDataIssuer": portal_url,
        "oidcServicePrivateKeySig": oidc_key.read_text(),
        "oidcServicePublicKeySig": oidc_cert.read_text(),
        "oidcServiceKeyIdSig": "kansli-test",
        "oidcServiceIgnoreScopeForClaims": 1,
        "oidcRPMetaDataOptions": {
            CLIENT_ID: {
                "oidcRPMetaDataOptionsClientID": CLIENT_ID,
                "oidcRPMetaDataOptionsClientSecret": CLIENT_SECRET,
                "oidcRPMetaDataOptionsRedirectUris": redirect_uri,
                "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
                "oidcRPMetaDataOptionsBypassConsent": 1,
                "oidcRPMetaDataOptionsPublic": 0,
                "oidcRPMetaDataOptionsPostLogoutRedirectUris": post_logout_redirect_uri
                or urljoin(redirect_uri, "/login/"),
                "oidcRPMetaDataOptionsLogoutBypassConfirm": 1,
            }
        },
        "oidcRPMetaDataExportedVars": {
            CLIENT_ID: {
                "email": "mail",
                "name": "cn",
                "preferred_username": "uid",
                "groups": "groups;string;always",
            }
        },
        # SAML 2.
        "issuerDBSAMLActivation": 1,
        "samlEntityID": f"{portal_url}/saml/metadata",
        "samlServicePrivateKeySig": saml_key.read_text(),
        "samlServicePrivateKeySigPwd": "",
        "samlServicePublicKeySig": saml_cert.read_text(),
        "samlAuthnContextMapTLSClient": MFA_LEVEL,
        "samlSPMetaDataXML": {CLIENT_ID: {"samlSPMetaDataXML": sp_metadata}},
        "samlSPMetaDataOptions": {
            CLIENT_ID: {
                "samlSPMetaDataOptionsNameIDFormat": "unspecified",
                "samlSPMetaDataOptionsNameIDSessionKey": "uid",
                "samlSPMetaDataOptionsSignSSOMessage": 1,
                "samlSPMetaDataOptionsCheckSSOMessageSignature": 1,
                "samlSPMetaDataOptionsSignSLOMessage": 1,
                "samlSPMetaDataOptionsCheckSLOMessageSignature": 1,
                "samlSPMetaDataOptionsEncryptionMode": "none",
            }
        },
        "samlSPMetaDataExportedAttributes": {
            CLIENT_ID: {
                "uid": "1;uid;urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
                "mail": "0;mail;urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
                "cn": "0;cn;urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
                "groups": "0;groups;urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
            }
        },
    }


def configuration_groups() -> dict[str, str]:
    """The portal's groups as first configured: the Kansli group's members."""
    return {GROUP: f"$uid eq '{MFA_USER}' or $uid eq '{PASSWORD_USER}'"}


@contextmanager
def running_portal(
    redirect_uri: str, sp_metadata: str, post_logout_redirect_uri: str = ""
) -> Iterator[Portal]:
    """The LemonLDAP::NG portal started in a temporary directory, knowing Kansli's
    OpenID Connect redirect URI and SAML metadata; stopped and its files removed
    afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    directory = Path(tempfile.mkdtemp(prefix="kansli-llng-"))
    for name in ("conf", "sessions", "locks", "psessions", "plocks", "cache"):
        (directory / name).mkdir()
    config = configuration(directory, url, redirect_uri, sp_metadata, post_logout_redirect_uri)
    (directory / "conf" / "lmConf-1.json").write_text(json.dumps(config))
    ini = directory / "lemonldap-ng.ini"
    ini.write_text(INI.format(dir=directory, templates=TEMPLATES, level=LOG_LEVEL))
    log = (directory / "portal.log").open("wb")
    server = ["-s", "HTTP::Server::PSGI", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [PLACKUP, *server, "--no-default-middleware", PORTAL_PSGI],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"LLNG_DEFAULTCONFFILE": str(ini), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    try:
        _wait_for(url, process, directory)
        metadata = directory / "idp-metadata.xml"
        metadata.write_bytes(requests.get(f"{url}/saml/metadata", timeout=10).content)
        yield Portal(url, directory, metadata)
    finally:
        stop(process)
        log.close()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_for(url: str, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the portal stopped: {(directory / 'portal.log').read_text()}")
        try:
            requests.get(f"{url}/.well-known/openid-configuration", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("the portal did not start")


FORM = re.compile(r"<form[^>]*>.*?</form>", re.S | re.I)
ACTION = re.compile(r'action="([^"]*)"', re.I)
INPUT = re.compile(r"<input[^>]*>", re.I)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def form_fields(html: str) -> tuple[str | None, dict[str, str]]:
    """The first form on a page that has named fields: its action and its fields'
    values (hidden ones as given, the others empty unless they have a value)."""
    for form in FORM.findall(html):
        fields: dict[str, str] = {}
        for tag in INPUT.findall(form):
            attributes = dict(ATTRIBUTE.findall(tag))
            if "name" in attributes:
                fields[attributes["name"]] = _unescape(attributes.get("value", ""))
        if fields:
            match = ACTION.search(form)
            return (_unescape(match.group(1)) if match else None), fields
    return None, {}


def _unescape(value: str) -> str:
    return (
        value.replace("&amp;", "&")
        .replace("&quot;", '"')
        .replace("&#x3D;", "=")
        .replace("&#61;", "=")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
    )


def sign_in_at_portal(
    session: requests.Session, response: requests.Response, username: str
) -> requests.Response:
    """Fill in the portal's login form on the page `response` holds (the password is the
    username), then the second-factor form if the portal asks for one, then submit the
    SAML POST form back to Kansli if the portal answers with one. Returns the last
    response, after redirects."""
    action, fields = form_fields(response.text)
    assert "user" in fields, response.text[:2000]
    fields.update(user=username, password=username)
    response = session.post(urljoin(response.url, action or ""), data=fields, timeout=20)
    action, fields = form_fields(response.text)
    if "code" in fields:
        fields["code"] = SECOND_FACTOR_CODE
        response = session.post(urljoin(response.url, action or ""), data=fields, timeout=20)
        action, fields = form_fields(response.text)
    if "SAMLResponse" in fields:
        response = session.post(urljoin(response.url, action or ""), data=fields, timeout=20)
    return response


def sign_in_to_kansli(
    base: str, protocol: str, username: str
) -> tuple[requests.Session, requests.Response]:
    """A new browser session: Kansli (at `base`) sends it to the portal for `protocol`
    ("oidc" or "saml"), the portal's forms are filled in, and it comes back to Kansli;
    the session and the last answer."""
    session = requests.Session()
    start = session.get(f"{base}/sso/{protocol}/?next=/", timeout=20)
    assert start.url.startswith("http://127.0.0.1:"), start.url  # at the portal
    return session, sign_in_at_portal(session, start, username)


def reconfigure(portal: Portal, changes: dict[str, object]) -> None:
    """A new configuration for the running portal, as its manager would save one: the
    last one with `changes`, which the portal takes within a second (checkTime)."""
    conf = portal.directory / "conf"
    number = max(int(path.stem.split("-")[1]) for path in conf.glob("lmConf-*.json"))
    config = json.loads((conf / f"lmConf-{number}.json").read_text()) | changes
    config["cfgNum"] = number + 1
    (conf / f"lmConf-{number + 1}.json").write_text(json.dumps(config))
    time.sleep(2)


def end_portal_sessions(portal: Portal) -> None:
    """Every session at the portal deleted, as by an administrator (without the
    portal's logout, so no relying party is told)."""
    for name in ("sessions", "cache"):
        shutil.rmtree(portal.directory / name)
        (portal.directory / name).mkdir()


def has_portal_session(session: requests.Session, portal: Portal) -> bool:
    """Whether the browser is signed in at the portal: it shows its menu, not its
    login form."""
    page = session.get(f"{portal.url}/", timeout=20)
    return "user" not in form_fields(page.text)[1]


def sign_out_at_portal(session: requests.Session, portal: Portal) -> requests.Response:
    """The portal's own logout, and in the browser what its page asks: each frame
    the page loads (its SAML LogoutRequest to each service provider) and each form it
    posts, then the answers back to the portal. Returns the portal's logout page."""
    page = session.get(f"{portal.url}/?logout=1", timeout=20)
    for address in re.findall(r'<iframe[^>]*src="([^"]+)"', page.text, re.I):
        frame = session.get(urljoin(page.url, _unescape(address)), timeout=20)
        action, fields = form_fields(frame.text)
        if "SAMLRequest" in fields or "SAMLResponse" in fields:
            session.post(urljoin(frame.url, action or ""), data=fields, timeout=20)
    return page


def logout_token(portal: Portal, claims: dict[str, Any]) -> str:
    """An OpenID Connect back-channel logout token signed with the portal's own key
    (its JWKS's `kansli-test`), with the claims a valid one has unless `claims`
    changes them (None: left out)."""
    now = int(time.time())
    token: dict[str, Any] = {
        "iss": portal.issuer,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    }
    token.update(claims)
    key = (portal.directory / "oidc.key").read_text()
    payload = {name: value for name, value in token.items() if value is not None}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "kansli-test"})
