"""The documents of committee administration as PDF, from HTML/CSS templates with the
graphic profile (the authority's own where it has one, else the municipality's): the
officer's report, the notice with the agenda, the meeting pack (with Word files of its
documents converted), the minutes (PDF/A-2b, to be kept) and the minutes extract. Always
in Swedish, whatever language the secretary's screen is in."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kansli.drafting.profile import profile_for
from kansli.files.detect import DOCX, PDF
from kansli.files.download import handed_on
from kansli.meetings.models import (
    AgendaItem,
    Attendance,
    Correction,
    Meeting,
    Minutes,
    Paragraph,
)
from kansli.meetings.pack import PackError, Part, merge
from kansli.org.models import Authority, User
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.models.files import current_files


def _render(
    template: str,
    authority: Authority,
    context: dict[str, Any],
    *,
    url_fetcher: Any = None,
    **pdf: Any,
) -> bytes:
    """The template as PDF. `url_fetcher` (a weasyprint URLFetcher) limits what the HTML
    may load; without it, WeasyPrint's own."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made

    with translation.override("sv"):
        html = render_to_string(template, {"profile": profile_for(authority), **context})
    return bytes(HTML(string=html, url_fetcher=url_fetcher).write_pdf(**pdf))


def report_pdf(
    case: Case, *, title: str, background: str, assessment: str, proposal: str, officer: Any
) -> bytes:
    """Tjänsteskrivelse: background, assessment and the proposed decision."""
    return _render(
        "meetings/pdf/report.html",
        case.authority,
        {
            "case": case,
            "title": title,
            "background": background,
            "assessment": assessment,
            "proposal": proposal,
            "officer": officer,
            "today": timezone.localdate(),
        },
    )


def notice_pdf(meeting: Meeting, items: Sequence[AgendaItem], *, numbered: bool = True) -> bytes:
    """Kallelse med föredragningslista. A secret item shows its title as the public
    diary shows it (kansli.public.record), never more. The items are numbered 1, 2, 3 …
    (a sub-item 5 a) in agenda order (kansli.meetings.agenda_order), as the meeting
    pack's bookmarks number them. Its own page numbers are left out (numbered=False)
    where it opens the pack, whose numbers run through every page."""
    from kansli.meetings import agenda_order
    from kansli.meetings.procedural import masks_for_items
    from kansli.public.record import scrub

    masks = masks_for_items(item.case for item in items)
    sections = [
        (
            label,
            [
                (i, i.public_heading if i.is_secret else scrub(i.title, masks[i.case_id]))
                for i in group
            ],
        )
        for label, group in agenda_order.by_section(agenda_order.numbered(meeting.body, items))
    ]
    return _render(
        "meetings/pdf/notice.html",
        meeting.body.authority,
        {
            "meeting": meeting,
            "sections": sections,
            "today": timezone.localdate(),
            "unnumbered": not numbered,
        },
    )


def docx_pdf(document: Document, file: DocumentFile) -> bytes:
    """A Word file (DOCX) of a document as PDF for the meeting pack, under a line that
    names the document and says it was converted. mammoth reads the text, headings,
    lists, tables and embedded images into HTML, which is rendered in the graphic
    profile; Word's page layout, headers and footers are not kept. The HTML may load
    only what it holds itself (data: URIs): no address on the network or the disk.
    Raises PackError if the file cannot be read as a Word document."""
    import mammoth
    from weasyprint.urls import URLFetcher

    with file.stored.open() as handle:
        data = handle.read()
    try:
        # Not the style map a DOCX may carry: it could turn the text into <style>.
        html = mammoth.convert_to_html(
            io.BytesIO(data), include_embedded_style_map=False, external_file_access=False
        ).value
    except Exception as error:  # a damaged file can fail in any part of the reader
        raise PackError(f"Bilagan ”{document}” kunde inte läsas som Word-dokument.") from error
    return _render(
        "meetings/pdf/converted.html",
        document.case.authority,
        {"document": document, "file": file, "html": html},
        url_fetcher=URLFetcher(allowed_protocols=["data"]),
    )


def _document_pdf(document: Document) -> bytes | None:
    """The document's current PDF file, else its current Word file converted, else
    None."""
    current = current_files(document.files.all())
    found = next((f for f in current if f.stored.content_type == PDF.mime), None)
    if found is not None:
        data = handed_on(found.stored)  # without JavaScript or embedded files
        if found.stored.unreadable_pdf:
            # Its check or its cleaning, in the sandbox, failed or ran over the limits:
            # pypdf does not read it here, outside the sandbox (a PDF built to hang a
            # reader would hang the dispatch).
            raise PackError(f"Bilagan ”{document}” kunde inte läsas som PDF: den kunde "
                            "inte kontrolleras.")  # fmt: skip
        return data
    found = next((f for f in current if f.stored.content_type == DOCX.mime), None)
    return docx_pdf(document, found) if found is not None else None


def meeting_pack(meeting: Meeting, items: Sequence[AgendaItem], notice: bytes) -> bytes:
    """The notice and every open item's report and attachments in one PDF with bookmarks
    and page numbers: a document's current PDF file, or else its current Word file
    (DOCX) converted by docx_pdf (text, headings, lists, tables and images; not Word's
    page layout, headers and footers). Secret documents are left out: each member reads
    them in the member portal, where the access rules apply. Raises PackError, naming
    the document, if a file cannot be read."""
    from kansli.access.protected import Hide
    from kansli.access.rules import open_to_all
    from kansli.meetings import agenda_order
    from kansli.meetings.procedural import masks_for_items

    masks = masks_for_items(item.case for item in items)
    hidden = {item.pk: Hide(masks[item.case_id].protected)(item.title) for item in items}
    parts = [Part("Kallelse och föredragningslista", notice)]
    for item in agenda_order.numbered(meeting.body, items):
        documents = [d for d in [item.report, *item.attachments.all()] if d is not None]
        open_pdfs = [
            (d, data)
            for d in documents
            if open_to_all(d) and (data := _document_pdf(d)) is not None
        ]
        if not open_pdfs:
            continue
        title = item.public_heading if item.is_secret else hidden[item.pk]
        parts.append(Part(f"{item.label}. {title}", open_pdfs[0][1]))  # type: ignore[attr-defined]
        hide = Hide(masks[item.case_id].protected)  # a description may name the party
        parts.extend(Part(hide(d.description), data, level=1) for d, data in open_pdfs[1:])
    return merge(parts, footer=str(meeting))


def minutes_pdf(minutes: Minutes, *, secret_part: bool = False, draft: bool = False) -> bytes:
    """Protokollet as PDF/A-2b, to be kept for ever (it is never culled). The public
    part gives a non-public item only by § number, neutral heading and provision; the
    non-public part (`secret_part`, sekretessbilaga) holds those items in full and
    nothing else. A `draft` for e-justering is marked "Ej justerat" on every page and is
    not PDF/A: it is not kept once the minutes are approved."""
    from kansli.access.protected import NOTHING, Hide
    from kansli.meetings import agenda_order
    from kansli.meetings.actions import presiding_chair
    from kansli.meetings.attendance_list import grouped
    from kansli.meetings.procedural import masks_for_items
    from kansli.meetings.vote_record import VOTE_RECORD, record_of

    meeting = minutes.meeting
    paragraphs = list(
        minutes.paragraphs.select_related(
            "item__case", "item__secrecy", "presiding"
        ).prefetch_related(
            "conflicts__user",
            "ballots__user",
            "dissents__user",
            "appendices",
            *VOTE_RECORD,
        )
    )
    # Each § with its agenda label: a sub-item's § (5 a) is printed under its parent's.
    agenda_order.numbered(meeting.body, [p.item for p in paragraphs])
    # The public part names no one with protected identity (OSL 21 kap. 3 §); the
    # non-public part, for those entitled, is the § in full.
    masks = masks_for_items(p.item.case for p in paragraphs)
    attendance = list(
        minutes.attendance.select_related("user", "replaces").order_by(
            "user__last_name", "user__first_name", "name", "from_paragraph"
        )
    )
    hides: dict[int | None, Hide] = {}
    # A draft is one file for all its readers, some of whom may not know a protected
    # name: it masks them in its non-public part too (the draft page shows them to the
    # chair and the approvers). The sealed non-public part is the record in full.
    full = secret_part and not draft
    for p in paragraphs:
        hide = hides[p.pk] = NOTHING if full else Hide(masks[p.item.case_id].protected)
        p.shown_title, p.shown_decision, p.shown_note = (  # type: ignore[attr-defined]
            hide(p.item.title),
            hide(p.decision),
            hide(p.note),
        )
        p.shown_reasons = hide(p.reasons)  # type: ignore[attr-defined]
        p.vote_record = record_of(p, hide)  # type: ignore[attr-defined]
    # An appendix's title (a document's description, say) masked as its §; one of the
    # whole minutes by every party of them. Rewritten for printing only, never saved.
    everyone = NOTHING if full else Hide([n for m in masks.values() for n in m.protected])
    appendices = list(minutes.appendices.select_related("paragraph__item"))
    for appendix in [*appendices, *(a for p in paragraphs for a in p.appendices.all())]:
        appendix.title = hides.get(appendix.paragraph_id, everyone)(appendix.title)
    return _render(
        "meetings/pdf/minutes.html",
        meeting.body.authority,
        {
            "meeting": meeting,
            "minutes": minutes,
            "paragraphs": paragraphs,
            "shown": [p for p in paragraphs if p.item.is_secret] if secret_part else paragraphs,
            "secret_part": secret_part,
            "draft": draft,
            "appendices": appendices,
            "signatories": _signatories(minutes, attendance),
            "attendance_groups": grouped(attendance, [p.number for p in paragraphs]),
            "usual_chair": presiding_chair(minutes),
            "approvals": minutes.approvals.select_related("user").order_by("approved_at"),
            "corrections": _corrections(minutes, masks, secret_part),
        },
        pdf_variant=None if draft else "pdf/a-2b",
    )


def _corrections(minutes: Minutes, masks: Any, secret_part: bool) -> list[Correction]:
    """The applied corrections (rättelser), each with its reason and former text as the
    part printed may show them: protected names hidden in the public part, as in the §."""
    from kansli.access.protected import NOTHING, Hide

    corrections = list(
        Correction.objects.filter(paragraph__minutes=minutes, applied_at__isnull=False)
        .select_related("paragraph__item__secrecy")
        .prefetch_related("approved_by")
    )
    for c in corrections:
        case_id = c.paragraph.item.case_id
        hide = NOTHING if secret_part else Hide(masks[case_id].protected)
        c.shown_reason, c.shown_before = hide(c.reason), hide(c.before)  # type: ignore[attr-defined]
    return corrections


def _secretary(minutes: Minutes) -> Any:
    """The minutes' secretary: an official in the attendance who is the body's secretary
    (nämndsekreterare) on the meeting day, else whoever opened the minutes."""
    from kansli.org.models import Role, RoleAssignment

    meeting = minutes.meeting
    secretaries = RoleAssignment.objects.valid_on(meeting.day).filter(
        role=Role.SECRETARY, authority_id=meeting.body.authority_id
    )
    official = (
        minutes.attendance.filter(
            capacity=Attendance.Capacity.OFFICIAL, user__in=secretaries.values("user")
        )
        .select_related("user")
        .first()
    )
    return official.user if official is not None else minutes.secretary


def _signatories(minutes: Minutes, attendance: list[Attendance]) -> list[tuple[str, Any]]:
    """Who signs, with the title each has in the minutes: the chair who presided
    (Ordförande), the approvers (Justerare) and the secretary (Sekreterare). Each row of
    the attendance gets `title`: the same words where they apply, else its capacity."""
    from kansli.meetings.actions import presiding_chair

    chair = presiding_chair(minutes)
    approvers = list(minutes.approvers.order_by("last_name", "first_name"))
    secretary = _secretary(minutes)
    for row in attendance:
        with translation.override("sv"):  # the minutes are in Swedish, as _render
            title = row.get_capacity_display().capitalize()
        if row.user_id == chair:
            title = "Ordförande"
        elif secretary is not None and row.user_id == secretary.pk:
            title = "Sekreterare"
        elif row.user_id in {person.pk for person in approvers}:
            title = f"{title}, justerare"
        row.title = title  # type: ignore[attr-defined]
    people = User.objects.filter(pk=chair) if chair is not None else User.objects.none()
    signing = [("Ordförande", person) for person in people]
    signing += [("Justerare", person) for person in approvers if person.pk != chair]
    if secretary is not None:
        signing.append(("Sekreterare", secretary))
    return signing


def extract_pdf(paragraph: Paragraph) -> bytes:
    """Protokollsutdrag: one § with the meeting's heading, the approval and the appeal
    instructions by the decision's appeal route (FL 33 §)."""
    from kansli.meetings import appeal

    minutes = paragraph.minutes
    return _render(
        "meetings/pdf/extract.html",
        paragraph.body.authority,
        {
            "meeting": minutes.meeting,
            "minutes": minutes,
            "paragraph": paragraph,
            "approvals": minutes.approvals.select_related("user").order_by("approved_at"),
            "appeal_heading": appeal.HEADING,
            "appeal": appeal.instructions(paragraph),
        },
    )
