"""Single sign-on settings read by kansli.settings: the group mapping and the SAML
service provider's configuration. Nothing here imports Django's models, so the settings
module can use it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

# Kansli's roles (kansli.org.models.Role) and the elected positions, which stand for
# the role förtroendevald with that position (kansli.org.models.ElectedPosition).
ROLES = frozenset(
    {
        "registrator",
        "handlaggare",
        "namndsekreterare",
        "chef",
        "arkivarie",
        "dataskyddsombud",
        "systemadministrator",
    }
)
POSITIONS = frozenset({"ledamot", "ersattare", "ordforande", "vice_ordforande"})
SYSADMIN = "systemadministrator"
ELECTED = "fortroendevald"


@dataclass(frozen=True)
class Grant:
    """A role a group gives: `role` for the authority or committee with the code `where`
    (none for the system administrator), `position` for an elected member."""

    role: str
    where: str | None
    position: str = ""


def parse_group_map(entries: list[str]) -> dict[str, tuple[Grant, ...]]:
    """`group=role@CODE` entries (one group may give several roles, in entries of its
    own): `kansli-reg-ks=registrator@KS`, `ks-ledamoter=ledamot@KS`,
    `it-drift=systemadministrator`. Raises ValueError naming the entry that is wrong."""
    mapping: dict[str, list[Grant]] = {}
    for entry in entries:
        group, _, target = entry.partition("=")
        role, _, where = target.strip().partition("@")
        group, role, where = group.strip(), role.strip().lower(), where.strip()
        if not group or not role:
            raise ValueError(f"{entry!r}: expected group=role@CODE")
        if role == SYSADMIN:
            if where:
                raise ValueError(f"{entry!r}: the system administrator has no authority")
            grant = Grant(role, None)
        elif role in ROLES:
            grant = Grant(role, where or _missing(entry))
        elif role in POSITIONS:
            grant = Grant(ELECTED, where or _missing(entry), role)
        else:
            known = ", ".join(sorted(ROLES | POSITIONS))
            raise ValueError(f"{entry!r}: unknown role {role!r} (one of {known})")
        mapping.setdefault(group, []).append(grant)
    return {group: tuple(grants) for group, grants in mapping.items()}


def _missing(entry: str) -> str:
    raise ValueError(f"{entry!r}: name the authority or committee after @ (role@KS)")


BINDINGS = "urn:oasis:names:tc:SAML:2.0:bindings:"


def saml_config(
    *,
    site_url: str,
    idp_metadata: str,
    key_file: str,
    cert_file: str,
    entity_id: str | None = None,
) -> dict[str, object]:
    """pysaml2's configuration for Kansli as service provider: the identity provider's
    metadata from a file or an https:// address, HTTP-POST to the assertion consumer,
    single logout over HTTP-Redirect and HTTP-POST (kansli.sso.saml), requests signed
    with Kansli's key, responses and assertions required to be signed."""
    base = site_url.rstrip("/")
    metadata: dict[str, object] = (
        {"remote": [{"url": idp_metadata}]}
        if idp_metadata.startswith(("https://", "http://"))
        else {"local": [idp_metadata]}
    )
    return {
        "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
        "entityid": entity_id or f"{base}/sso/saml/metadata/",
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Kansli",
                "name_id_format": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                "endpoints": {
                    "assertion_consumer_service": [
                        (f"{base}/sso/saml/acs/", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
                    ],
                    "single_logout_service": [
                        (f"{base}/sso/saml/ls/", f"{BINDINGS}HTTP-Redirect"),
                        (f"{base}/sso/saml/ls/post/", f"{BINDINGS}HTTP-POST"),
                    ],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "want_response_signed": True,
                "want_assertions_signed": False,
                "allow_unsolicited": False,
            }
        },
        "metadata": metadata,
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
    }
