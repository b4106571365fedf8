"""The Word side of the templates: the default template of each kind, made at run time
with python-docx (nothing binary in the repository, and a change to the kinds changes
the templates with it), and filling a template with docxtpl in the graphic profile."""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any

from kansli.drafting.kinds import KINDS


def paragraphs(value: Any) -> list[str]:
    """A section as paragraphs: a list item by item, a text by its lines, empty ones
    left out."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    return [line.strip() for line in re.split(r"\r?\n", str(value or "")) if line.strip()]


@cache
def default_template(kind: str) -> bytes:
    """The kind's default Word template: the logo and the authority in the header, the
    reference in the footer, the document's name, its heading ("Heading 1"), the case's
    particulars, then each section under its heading ("Heading 2") as paragraphs."""
    from docx import Document as WordDocument

    spec = KINDS[kind]
    document = WordDocument()
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{ logo }}"
    section.header.add_paragraph("{{ municipality }}, {{ authority }}")
    section.header.add_paragraph("{%p for line in address %}")
    section.header.add_paragraph("{{ line }}")
    section.header.add_paragraph("{%p endfor %}")
    section.footer.paragraphs[0].text = "{{ footer }} · Dnr {{ reference }}"
    document.add_paragraph(spec.title, style="Title")
    document.add_heading("{{ heading }}", level=1)
    for line in (
        "Diarienummer: {{ reference }}",
        "Datum: {{ date }}",
        "Handläggare: {{ officer }}",
        "Ärende: {{ title }}",
        "Parter: {{ parties|join(', ') }}",
    ):
        document.add_paragraph(line)
    document.add_paragraph("{%p if recipient %}")
    document.add_paragraph("Till: {{ recipient }}")
    document.add_paragraph("{%p endif %}")
    for key, heading in spec.sections:
        document.add_heading(heading, level=2)
        document.add_paragraph("{%p for line in " + key + "|paragraphs %}")
        document.add_paragraph("{{ line }}")
        document.add_paragraph("{%p endfor %}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def jinja_env() -> Any:
    """A sandboxed environment: an uploaded template comes from outside the code (often
    from a consultant's Word file) and must not reach Python objects through its fields
    (`{{ title.__class__.__mro__ }}` and the like raise SecurityError)."""
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=True)
    env.filters["paragraphs"] = paragraphs
    return env


def undeclared(template: bytes) -> set[str]:
    """The names a Word template uses (its fields). Raises what docxtpl raises for a
    template it cannot read."""
    from docxtpl import DocxTemplate

    return set(DocxTemplate(io.BytesIO(template)).get_undeclared_template_variables(jinja_env()))


def trial_render(template: bytes, names: set[str]) -> None:
    """Render the template once with empty fields, so that an upload whose fields the
    sandbox refuses (jinja2.sandbox.SecurityError) is refused when it is uploaded, not
    each time a document is made from it."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(io.BytesIO(template))
    empty: dict[str, Any] = dict.fromkeys(names, "") | {"logo": "", "footer": "", "address": ""}
    document.render(empty, jinja_env(), autoescape=True)


def fill(template: bytes, context: dict[str, Any], profile: dict[str, Any]) -> bytes:
    """The template filled (user text escaped), with the profile's logo where the
    template has {{ logo }}, its footer and address block, every heading in the
    profile's colour and the title in its accent colour, in its typeface, set on the
    runs themselves so that no style of the template overrides it."""
    from docx.shared import Mm, RGBColor
    from docxtpl import DocxTemplate, InlineImage

    document = DocxTemplate(io.BytesIO(template))
    logo: Any = ""
    if profile["logo_bytes"] is not None:
        logo = InlineImage(document, io.BytesIO(profile["logo_bytes"]), height=Mm(15))
    shown = {"logo": logo, "footer": profile["footer"], "address": profile["address"]}
    document.render(context | shown, jinja_env(), autoescape=True)
    colour = RGBColor.from_string(profile["colour"].lstrip("#").upper())
    accent = RGBColor.from_string(profile["accent"].lstrip("#").upper())
    # By the paragraphs' style ids: python-docx's paragraph.style searches every style.
    headings = {
        style.style_id: style.name
        for style in document.styles
        if style.name and style.name.startswith(("Title", "Heading"))
    }
    for paragraph in document.paragraphs:
        name = headings.get(paragraph._p.style or "")
        if name is not None:
            for run in paragraph.runs:
                run.font.color.rgb = accent if name == "Title" else colour
                run.font.name = profile["font"].split(",")[0].strip()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
