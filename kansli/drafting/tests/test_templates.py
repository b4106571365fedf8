"""Versioned Word templates: an administrator uploads a changed template, which is
checked for unknown fields (named in Swedish) and by kansli.files (a non-DOCX, a zip
bomb) before anything is kept; the newest applies; the pages list, download, preview
and upload; only the system administrator uploads."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from docx import Document as WordDocument

from kansli.audit.models import AuditEvent
from kansli.drafting import actions
from kansli.drafting.docx import default_template
from kansli.drafting.models import TemplateVersion
from kansli.drafting.render import case_context, render_docx
from kansli.drafting.testing import make_case_with_protected_party
from kansli.files.tests.samples import docx_bomb
from kansli.org.testing import make_sysadmin
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _template(*lines: str) -> bytes:
    document = WordDocument()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(data: bytes, name: str = "mall.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX_MIME)


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs)


def test_the_newest_uploaded_version_applies_and_the_earlier_are_kept():
    case, officer = make_case_with_protected_party()
    admin = make_sysadmin()
    municipality = case.authority.municipality
    context = case_context(case, viewer=officer)
    assert "Meddelande" in _text(render_docx("letter", context, authority=case.authority))
    first = actions.do_upload_template(
        "letter", _upload(_template("Version ett {{ reference }}", "{{ text }}")),
        municipality=municipality, actor=admin,
    )  # fmt: skip
    second = actions.do_upload_template(
        "letter", _upload(_template("Version två {{ reference }} till {{ recipient }}")),
        municipality=municipality, actor=admin,
    )  # fmt: skip
    assert (first.version, second.version) == (1, 2)
    made = _text(
        render_docx("letter", context | {"recipient": "A & B <x>"}, authority=case.authority)
    )
    assert f"Version två {case.case_number} till A & B <x>" in made
    assert TemplateVersion.objects.filter(kind="letter").count() == 2
    assert AuditEvent.objects.filter(action="drafting.upload").count() == 2
    # An authority's own version applies to it, before the municipality's.
    own = actions.do_upload_template(
        "letter", _upload(_template("Egen {{ authority }}")), municipality=municipality,
        authority=case.authority, actor=admin,
    )  # fmt: skip
    assert own.version == 1
    assert "Egen Kommunstyrelsen" in _text(render_docx("letter", context, authority=case.authority))
    # A version's number is the database's to keep unique, for the municipality as a
    # whole (no authority) too, on SQLite as on PostgreSQL.
    for taken in (second, own):
        with pytest.raises(IntegrityError), transaction.atomic():
            TemplateVersion.objects.create(
                kind="letter", municipality=municipality, authority=taken.authority,
                version=taken.version, file=taken.file,
            )  # fmt: skip


def test_a_template_with_unknown_fields_is_refused_naming_them_and_nothing_is_kept():
    case, _officer = make_case_with_protected_party()
    admin = make_sysadmin()
    with pytest.raises(ValidationError) as refused:
        actions.do_upload_template(
            "letter", _upload(_template("{{ reference }} {{ personnummer }} {{ lön }}")),
            municipality=case.authority.municipality, actor=admin,
        )  # fmt: skip
    unknown, allowed = " ".join(refused.value.messages).split("Tillåtna fält:")
    assert "brev: lön, personnummer." in unknown and "reference" not in unknown
    assert "reference" in allowed
    assert not TemplateVersion.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "word"),
    [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "mall.docx", "PDF"),
        (docx_bomb(), "mall.docx", "zip"),
        (b"just text, not a Word file", "mall.txt", "Word"),
        (_template("{% for x in %}"), "mall.docx", "kunde inte läsas"),
    ],
)
def test_a_hostile_or_broken_file_is_refused(data, name, word):
    case, _officer = make_case_with_protected_party()
    with pytest.raises(ValidationError) as refused:
        actions.do_upload_template(
            "report", _upload(data, name), municipality=case.authority.municipality,
            actor=make_sysadmin(),
        )  # fmt: skip
    assert word.lower() in " ".join(refused.value.messages).lower()
    assert not TemplateVersion.objects.exists()


SSTI = (
    "{% for c in title.__class__.__mro__[1].__subclasses__() %}"
    "{% if c.__name__ == 'catch_warnings' %}"
    "{{ c()._module.__builtins__['__import__']('os').popen('id').read() }}"
    "{% endif %}{% endfor %}"
)


def test_a_template_that_reaches_past_its_fields_is_refused_and_never_runs(tmp_path):
    """Its only field is a known one, so the field check alone would let it in: the
    sandbox refuses it at upload, and a template that got in some other way (an older
    version) cannot run code when a document is made from it."""
    case, _officer = make_case_with_protected_party()
    admin = make_sysadmin()
    with pytest.raises(ValidationError) as refused:
        actions.do_upload_template(
            "letter", _upload(_template(SSTI)), municipality=case.authority.municipality,
            actor=admin,
        )  # fmt: skip
    assert "mer än sina fält" in " ".join(refused.value.messages)
    assert not TemplateVersion.objects.exists()
    from jinja2.sandbox import SecurityError

    from kansli.drafting import docx

    with pytest.raises(SecurityError):
        docx.trial_render(_template(SSTI), {"title"})


def test_only_the_system_administrator_uploads():
    case, officer = make_case_with_protected_party()
    with pytest.raises(PermissionDenied):
        actions.do_upload_template(
            "letter", _upload(default_template("letter")),
            municipality=case.authority.municipality, actor=officer,
        )  # fmt: skip
    page = signed_in(officer).post("/mallar/letter/", {"file": _upload(default_template("letter"))})
    assert page.status_code == 403
    assert not TemplateVersion.objects.exists()


def test_the_pages_list_preview_download_and_upload():
    case, officer = make_case_with_protected_party()
    admin = make_sysadmin()
    staff = signed_in(officer)
    listing = staff.get("/mallar/").content.decode()
    assert 'href="/mallar/report/"' in listing and "Tjänsteskrivelse" in listing
    assert staff.get("/mallar/report/").status_code == 200
    assert staff.get("/mallar/nothing/").status_code == 404
    shown = staff.get("/mallar/report/forhandsvisning/")
    preview = shown.content.decode()
    assert "Exempelärende" in preview and "Förslag till beslut" in preview
    assert "script-src" not in shown["Content-Security-Policy"]  # none: default-src 'none'
    assert "style-src 'unsafe-inline'" in shown["Content-Security-Policy"]
    assert staff.get("/mallar/report/forhandsvisning.pdf").content.startswith(b"%PDF")
    downloaded = staff.get("/mallar/report/mall.docx")
    assert "Sammanfattning" in _text(downloaded.getvalue())
    case_page = staff.get(f"/arenden/{case.pk}/").content.decode()
    assert f'href="/arenden/{case.pk}/mallar/refusal/pdf/"' in case_page

    client = signed_in(admin)
    municipality = str(case.authority.municipality.pk)
    refused = client.post(
        "/mallar/letter/",
        {"municipality": municipality, "file": _upload(_template("{{ hemligt }}"))},
    )
    assert refused.status_code == 200 and "hemligt" in refused.content.decode()
    accepted = client.post(
        "/mallar/letter/",
        {"municipality": municipality, "file": _upload(_template("Ny {{ reference }}"))},
    )
    assert accepted.status_code == 302
    assert "Ny " in _text(client.get("/mallar/letter/mall.docx").getvalue())
