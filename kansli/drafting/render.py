"""The public interface of the templates: a kind filled from a context as Word (DOCX)
or PDF, in the graphic profile of the authority's municipality, and the context every
kind starts from, made from a case as a given viewer may see it.

    render_docx(kind, context, *, authority) -> bytes
    render_pdf(kind, context, *, authority) -> bytes
    case_context(case, *, viewer) -> dict

The kinds are kansli.drafting.kinds.KINDS. For "report" the context also has heading,
summary, background, assessment, consequences, proposal (str) and appendices
(list[str]); its DOCX has each section under a "Heading 2" named Sammanfattning,
Bakgrund, Bedömning, Konsekvenser, Förslag till beslut, Bilagor, followed by its text
as normal paragraphs. Missing keys print as empty. Always in Swedish."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kansli.drafting import docx
from kansli.drafting.kinds import KINDS, LIST_SECTIONS, fields
from kansli.drafting.profile import profile_for
from kansli.org.models import Authority


def _complete(kind: str, context: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise KeyError(kind)
    blank = {
        name: [] if name in LIST_SECTIONS or name == "parties" else "" for name in fields(kind)
    }
    filled = blank | {k: v for k, v in context.items() if v is not None}
    filled["heading"] = filled["heading"] or filled["title"] or KINDS[kind].title
    return filled


def render_docx(kind: str, context: dict[str, Any], *, authority: Authority) -> bytes:
    """The kind as a Word file, from the newest template that applies to the authority
    (kansli.drafting.models.current_template) or else the default one."""
    from kansli.drafting.models import current_template

    template = current_template(kind, authority)
    return docx.fill(template, _complete(kind, context), profile_for(authority))


def render_html(kind: str, context: dict[str, Any], *, authority: Authority) -> str:
    """The kind as the HTML its PDF is printed from (drafting/pdf/<kind>.html), also
    the browser's preview."""
    filled = _complete(kind, context)
    sections = [
        (key, heading, docx.paragraphs(filled[key])) for key, heading in KINDS[kind].sections
    ]
    with translation.override("sv"):
        return render_to_string(
            f"drafting/pdf/{kind}.html",
            filled
            | {"profile": profile_for(authority), "kind_title": KINDS[kind].title}
            | {"sections": sections},
        )


def render_pdf(kind: str, context: dict[str, Any], *, authority: Authority) -> bytes:
    """The kind as PDF from its HTML (render_html). The HTML may load only what it
    holds itself (data: URIs), never an address on the network or the disk."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made
    from weasyprint.urls import URLFetcher

    html = render_html(kind, context, authority=authority)
    fetcher = URLFetcher(allowed_protocols=["data"])
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def sample_context(authority: Authority) -> dict[str, Any]:
    """A made-up case to preview a template with, when no case is chosen."""
    return {
        "reference": f"{authority.code} 2026/0",
        "title": "Exempelärende: medborgarförslag om fler parkbänkar",
        "authority": authority.name,
        "municipality": authority.municipality.name,
        "officer": "Eva Exempel",
        "parties": ["Anna Andersson"],
        "date": timezone.localdate().isoformat(),
        "opened": timezone.localdate().isoformat(),
        "recipient": "Anna Andersson",
        "summary": "Ett förslag om fler parkbänkar längs ån.",
        "background": "Förslaget kom in i maj.",
        "assessment": "Förvaltningen tillstyrker förslaget.",
        "consequences": "Kostnaden ryms i budgeten.",
        "proposal": "Förslaget bifalls.",
        "text": "Här står dokumentets text.",
        "appeal": "Beslutet kan överklagas inom tre veckor.",
        "items": ["Val av justerare", "Medborgarförslag om fler parkbänkar"],
        "appendices": ["Medborgarförslaget"],
        "enclosures": ["Beslutet"],
    }


def case_context(case: Any, *, viewer: Any) -> dict[str, Any]:
    """What every kind says of the case, as the viewer may see it: a party with protected
    identity (OSL 21 kap. 3 §) is "Skyddad identitet" and its name or number is hidden
    from the title, as everywhere in Kansli (kansli.access.protected), unless the viewer
    handles the case or registers for its authority."""
    from kansli.access.protected import NOTHING, SHOWN_AS, hide_for
    from kansli.access.rules import may_see_protected_identities

    see = may_see_protected_identities(viewer, case)
    hide = NOTHING if see else hide_for(viewer, case)
    parties = [SHOWN_AS if p.protected_identity and not see else p.name for p in case.parties.all()]
    officer = case.officer
    return {
        "reference": case.case_number,
        "title": hide(case.title),
        "authority": case.authority.name,
        "municipality": case.authority.municipality.name,
        "officer": (officer.get_full_name() or officer.username) if officer else "",
        "parties": parties,
        "date": timezone.localdate().isoformat(),
        "opened": timezone.localdate(case.opened_at).isoformat(),
        "due_date": case.due_date.isoformat() if case.due_date else "",
    }
