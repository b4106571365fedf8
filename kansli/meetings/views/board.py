"""Public pages without login: the notice board (anslagstavla) with the announcements
of approved minutes until their appeal period ends (KL 8 kap. 9–12 §, 13 kap. 5 §) and
of the coming meetings (for fullmäktige the kungörelse, KL 5 kap. 11–12 §§: time, place
and the matters, at least a week ahead), each meeting's agenda and notice as sent, the
public minutes with personal data masked by the authority's rules (the public
e-diary's DiaryPolicy), the approved minutes by body and year, and each body's meeting
calendar as iCalendar (RFC 5545)."""

from __future__ import annotations

import contextlib
import datetime
import io

import icalendar
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from kansli.access.rules import open_to_all, public_reads_decision
from kansli.cacheerrors import cache_errors
from kansli.files.download import file_response
from kansli.files.models import StoredFile
from kansli.meetings import pdf
from kansli.meetings.models import Body, Correction, DelegatedDecision, Meeting, Notice
from kansli.meetings.procedural import masks_for_items
from kansli.meetings.views.board_paragraphs import paragraph_notices
from kansli.org.models import Authority
from kansli.public.record import masks_for_cases, scrub
from kansli.public.views import public_page


@public_page
def notice_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    notices = (
        Notice.objects.up_on(today)
        .select_related("minutes__meeting__body__authority", "minutes__meeting__body__committee")
        .order_by("-posted_on", "pk")
    )
    # Delegated decisions posted by hand (KL 8 kap. 12 §), until their appeal period
    # ends. A secrecy-marked one is announced by its number and point only (OSL 5 kap.
    # 5 §), a voided one not at all; the others' text is scrubbed of protected and (by
    # policy) private names, as in the e-diary.
    decisions = list(
        DelegatedDecision.objects.filter(
            posted_on__lte=today, appeal_ends__gte=today, document__voided_at=None
        )
        .select_related("point__authority", "document__case__authority__municipality")
        .order_by("-posted_on", "pk")
    )
    masks = masks_for_cases(d.document.case for d in decisions)
    shown = [
        (d, scrub(d.summary, masks[d.document.case_id]) if open_to_all(d.document) else None)
        for d in decisions
    ]
    coming = (
        Meeting.objects.filter(dispatched_at__isnull=False, starts_at__gte=timezone.now())
        .select_related("body__authority", "body__committee")
        .order_by("starts_at")
    )
    return render(
        request,
        "meetings/board.html",
        {
            "notices": notices,
            "immediate": paragraph_notices(today),
            "decisions": shown,
            "coming": [(m, m.body.authority.kind == Authority.Kind.COUNCIL) for m in coming],
        },
    )


def _dispatched(pk: int) -> Meeting:
    """A meeting whose notice has gone out; any other answers 404, as a missing one."""
    meetings = Meeting.objects.select_related("body__authority__municipality", "body__committee")
    return get_object_or_404(meetings, pk=pk, dispatched_at__isnull=False)


@public_page
def public_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as announced: time, place and the matters, a non-public one by its
    § heading and provision only, names masked as in the e-diary."""
    meeting = _dispatched(pk)
    items = list(
        meeting.items.select_related("case__authority__municipality", "secrecy").order_by(
            "position", "pk"
        )
    )
    masks = masks_for_items(item.case for item in items)
    rows = [
        item.public_heading if item.is_secret else scrub(item.title, masks[item.case_id])
        for item in items
    ]
    council = meeting.body.authority.kind == Authority.Kind.COUNCIL
    return render(
        request,
        "meetings/public_meeting.html",
        {"meeting": meeting, "rows": rows, "council": council},
    )


@public_page
def public_notice(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The notice with the agenda (kallelse med föredragningslista) as it was sent: it
    names non-public items by their heading only (kansli.meetings.pdf.notice_pdf). A
    party often gets protected identity after the notice went out (Skatteverket marks
    them later): a sent notice that names someone the e-diary now masks is shown made
    afresh with today's masks (OSL 21 kap. 3 §), and the notice as sent stays in the
    meeting's record for those who may read it."""
    meeting = _dispatched(pk)
    if meeting.notice is None:
        raise Http404
    name = f"kallelse-{meeting}.pdf".replace(" ", "-")
    items = list(meeting.items.select_related("case__authority__municipality", "secrecy"))
    masks = masks_for_items(item.case for item in items)
    sent = sent_text(meeting.notice)
    if all(scrub(sent, mask) == sent for mask in masks.values()):
        return file_response(meeting.notice, name, inline=True)
    answer = HttpResponse(pdf.notice_pdf(meeting, items), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="{name}"'
    return answer


def sent_text(stored: StoredFile) -> str:
    """The text of a sent notice, read once per file (its bytes never change)."""
    key = f"notice-text:{stored.sha256}"
    try:
        text = cache.get(key)
    except cache_errors():  # the shared cache out of reach: read the file
        text = None
    if text is None:
        import pypdf  # loaded by the process that reads a notice, not by every one

        with stored.open() as handle:
            reader = pypdf.PdfReader(io.BytesIO(handle.read()))
        text = "\n".join(page.extract_text() for page in reader.pages)
        with contextlib.suppress(*cache_errors()):
            cache.set(key, text, timeout=None)
    return str(text)


@public_page
def minutes_archive(request: HttpRequest) -> HttpResponse:
    """Every approved minutes' public page, by body, for a year (this year unless the
    address asks for another), with links to the other years that have minutes."""
    year = timezone.localdate().year
    asked = request.GET.get("ar", "")
    if asked.isdigit() and 1900 <= int(asked) <= 2200:
        year = int(asked)
    notices = (
        Notice.objects.filter(minutes__meeting__starts_at__year=year)
        .select_related("minutes__meeting__body__authority", "minutes__meeting__body__committee")
        .order_by("minutes__meeting__body__authority__code", "minutes__meeting__starts_at")
    )
    by_body: dict[str, list[Notice]] = {}
    for notice in notices:
        by_body.setdefault(str(notice.minutes.meeting.body), []).append(notice)
    return render(
        request,
        "meetings/minutes_archive.html",
        {"year": year, "by_body": by_body.items(), "years": _years_with_minutes(year)},
    )


@public_page
def public_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as the public reads them while the notice is up and after: each §
    with its decision and reasons, names of protected and (by policy) private parties masked, and
    no decision text for an item prepared with secrecy-marked documents."""
    notice = get_object_or_404(
        Notice.objects.select_related("minutes__meeting__body__authority"), pk=pk
    )
    minutes = notice.minutes
    found = list(
        minutes.paragraphs.select_related(
            "item__case__authority__municipality", "item__report", "item__secrecy"
        ).prefetch_related("item__attachments")
    )
    masks = masks_for_items(paragraph.item.case for paragraph in found)
    paragraphs, withheld = [], set()
    for paragraph in found:
        item, case_masks = paragraph.item, masks[paragraph.item.case_id]
        documents = [d for d in [item.report, *item.attachments.all()] if d is not None]
        # A non-public item shows its § number, neutral heading and provision only.
        decision = reasons = None  # the reasons (FL 32 §) go with the decision
        if public_reads_decision(item, documents):
            decision = scrub(paragraph.decision, case_masks)
            reasons = scrub(paragraph.reasons, case_masks)
        else:
            withheld.add(paragraph.pk)
        title = item.public_heading if item.is_secret else scrub(item.title, case_masks)
        paragraphs.append((paragraph, title, decision, reasons))
    applied = Correction.objects.filter(paragraph__minutes=minutes, applied_at__isnull=False)
    # A correction's reason is masked like the decision, and left out with it.
    corrections = [
        (
            c,
            None
            if c.paragraph_id in withheld
            else scrub(c.reason, masks[c.paragraph.item.case_id]),
        )
        for c in applied.select_related("paragraph__item")
    ]
    return render(
        request,
        "meetings/public_minutes.html",
        {
            "notice": notice,
            "meeting": minutes.meeting,
            "paragraphs": paragraphs,
            "corrections": corrections,
        },
    )


def _years_with_minutes(shown: int) -> list[int]:
    meetings = Meeting.objects.filter(minutes__notice__isnull=False)
    return [day.year for day in meetings.dates("starts_at", "year") if day.year != shown]


def _dates(meeting: Meeting) -> str:
    return f"Stoppdag {meeting.item_deadline:%Y-%m-%d}, utskick {meeting.dispatch_day:%Y-%m-%d}."


def _cancelled(meeting: Meeting) -> str:
    """A cancelled meeting stays in the feed, marked (RFC 5545 STATUS:CANCELLED)."""
    return "INSTÄLLT: " if meeting.cancelled_at else ""


@public_page
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The body's meetings (a year back and all ahead) as an iCalendar feed."""
    body = get_object_or_404(Body.objects.select_related("authority__municipality"), pk=pk)
    since = timezone.now() - datetime.timedelta(days=365)
    meetings = body.meetings.filter(starts_at__gte=since).order_by("starts_at")
    if body.authority.valid_to and body.authority.valid_to < timezone.localdate():
        raise Http404
    host = request.get_host().split(":")[0]
    # RFC 5545 by the icalendar library: escaping, line folding and UTC times ("Z").
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Kansli//Sammanträden//SV")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{body} – sammanträden")
    stamp = timezone.now().astimezone(datetime.UTC)
    for meeting in meetings:
        ends_at = meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=3)
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
        event.add("dtend", ends_at.astimezone(datetime.UTC))
        event.add("summary", f"{_cancelled(meeting)}Sammanträde: {body}")
        event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
        event.add("location", meeting.place)
        event.add("description", _dates(meeting))
        feed.add_component(event)
    text = feed.to_ical()
    return HttpResponse(text, content_type="text/calendar; charset=utf-8")
