"""Every change to the templates: an administrator uploads a new version of a kind's
Word template, for the whole municipality or for one authority. The action checks the
file as every upload is checked (kansli.files: size, type, zip bomb) and its fields
against those the kind is filled with, before anything is kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from jinja2.sandbox import SecurityError

from kansli.audit.chain import record
from kansli.drafting import docx
from kansli.drafting.kinds import KINDS, fields
from kansli.drafting.models import AuthorityProfile, TemplateVersion
from kansli.files.detect import DOCX
from kansli.files.models import StoredFile
from kansli.files.store import check_file, store_upload
from kansli.org.models import Authority, Municipality
from kansli.org.permissions import require_sysadmin


def check_template(kind: str, upload: UploadedFile) -> None:
    """Refuses (ValidationError, in Swedish) a file that is not a Word document, a
    hostile one, or one with fields the kind does not fill, naming those fields."""
    if check_file(upload, upload.name or "") != DOCX:
        raise ValidationError("Mallen ska vara ett Word-dokument (DOCX).", code="type")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        used = docx.undeclared(data)
    except Exception as error:  # docxtpl and jinja2 raise many kinds for a broken template
        raise ValidationError(
            "Mallen kunde inte läsas: kontrollera fälten ({{ … }} och {% … %}).", code="syntax"
        ) from error
    unknown = sorted(used - fields(kind))
    if not unknown:
        try:
            docx.trial_render(data, fields(kind))
        except SecurityError as error:
            raise ValidationError(
                "Mallen försöker nå mer än sina fält (till exempel namn som börjar med _ "
                "eller anrop av metoder) och kan inte användas.",
                code="unsafe",
            ) from error
        except Exception as error:  # as above: a template that cannot be filled
            raise ValidationError(
                "Mallen kunde inte fyllas i: kontrollera fälten ({{ … }} och {% … %}).",
                code="syntax",
            ) from error
    if unknown:
        raise ValidationError(
            "Mallen har fält som inte finns för %(kind)s: %(names)s. Tillåtna fält: %(allowed)s.",
            code="unknown_fields",
            params={
                "kind": KINDS[kind].title.lower(),
                "names": ", ".join(unknown),
                "allowed": ", ".join(sorted(fields(kind))),
            },
        )


@transaction.atomic
def do_upload_template(
    kind: str,
    upload: UploadedFile,
    *,
    municipality: Municipality,
    authority: Authority | None = None,
    actor: Any,
) -> TemplateVersion:
    """A new version of the kind's Word template, applying from now on to the
    authority (or to the whole municipality) in place of the earlier ones, which are
    kept."""
    require_sysadmin(actor)
    if kind not in KINDS:
        raise ValidationError("Okänd mall.", code="kind")
    if authority is not None and authority.municipality_id != municipality.pk:
        raise ValidationError("Myndigheten hör inte till kommunen.", code="authority")
    check_template(kind, upload)
    stored = store_upload(upload)
    same = TemplateVersion.objects.select_for_update().filter(
        kind=kind, municipality=municipality, authority=authority
    )
    number = (same.aggregate(last=Max("version"))["last"] or 0) + 1
    version = TemplateVersion.objects.create(
        kind=kind, municipality=municipality, authority=authority, version=number,
        file=stored, uploaded_by=actor,
    )  # fmt: skip
    record(
        actor=actor,
        action="drafting.upload",
        obj=version,
        label=f"{KINDS[kind].title} v{number}, {authority or municipality}",
        after={"kind": kind, "version": number, "file": stored.sha256},
    )
    return version


@transaction.atomic
def do_set_authority_profile(
    authority: Authority,
    *,
    colour: str = "",
    accent_colour: str = "",
    footer: str = "",
    address: str = "",
    logo: StoredFile | None = None,
    actor: Any,
) -> AuthorityProfile:
    """The authority's own logo, colours, footer or address block, in place of the
    municipality's (an empty one takes the municipality's). A new logo replaces the
    old one; without one the old stays."""
    require_sysadmin(actor)
    profile = AuthorityProfile.objects.filter(authority=authority).first()
    profile = profile or AuthorityProfile(authority=authority)
    names = ["colour", "accent_colour", "footer", "address", "logo_id"]
    before = {name: getattr(profile, name) for name in names}
    profile.colour, profile.accent_colour = colour.strip(), accent_colour.strip()
    profile.footer, profile.address = footer.strip(), address.strip()
    if logo is not None:
        if not logo.content_type.startswith("image/"):
            raise ValidationError({"logo": "Logotypen ska vara en bild (PNG, JPEG eller SVG)."})
        profile.logo = logo
    profile.full_clean()
    profile.save()
    record(
        actor=actor,
        action="drafting.set_authority_profile",
        obj=profile,
        label=str(authority),
        before=before,
        after={name: getattr(profile, name) for name in names},
    )
    return profile
