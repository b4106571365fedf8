"""The secretary's and officers' pages: the meeting calendar, one meeting's agenda with
its marks, pre-registering an item, arranging the agenda and dispatching the notice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.protected import hide_for
from kansli.access.rules import may_read_secret_part
from kansli.files.download import file_response
from kansli.meetings import actions, agenda_order, approval_time
from kansli.meetings.announcement import LATE, announce_by, announced_late
from kansli.meetings.forms import (
    ArrangeForm,
    ConfirmForm,
    ItemSecrecyForm,
    OpenMinutesForm,
    PreregisterForm,
    ReportDecisionsForm,
    ScheduleForm,
)
from kansli.meetings.item_forms import meeting_forms
from kansli.meetings.meeting_filter import read_filter
from kansli.meetings.models import AgendaItem, Meeting
from kansli.meetings.permissions import mask_items
from kansli.meetings.views.common import (
    case_in,
    documents_numbered,
    is_secretary,
    members_of,
    run_or_refuse,
    staff_bodies,
    staff_meeting,
)
from kansli.org.models import Role, User
from kansli.registry.views.common import authorities_with, current_user, require, run_action


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    bodies = list(staff_bodies(user))
    if not bodies:
        raise Http404
    secretary_of = staff_bodies(user).filter(authority__in=authorities_with(user, [Role.SECRETARY]))
    form = ScheduleForm(secretary_of, request.POST or None)
    if request.method == "POST":
        done = run_action(request, form, lambda: _schedule(form, user), reverse("meetings:list"))
        if done:
            return done
    chosen = read_filter(bodies, request.GET)
    meetings = chosen.meetings().select_related("body__authority", "body__committee", "minutes")
    today = timezone.localdate()
    by_year: dict[int, list[Meeting]] = {}
    for meeting in meetings:  # KL 5 kap. 69 §: approved within 14 days
        meeting.approval_overdue = approval_time.overdue(meeting, today)  # type: ignore[attr-defined]
        by_year.setdefault(meeting.day.year, []).append(meeting)
    return render(
        request,
        "meetings/list.html",
        {
            "by_year": sorted(by_year.items(), reverse=True),
            "filter": chosen,
            "bodies": bodies,
            "form": form if secretary_of.exists() else None,
        },
    )


def _schedule(form: ScheduleForm, user: User) -> str:
    meeting = actions.do_schedule_meeting(
        form.cleaned_data["body"],
        form.starts_at(),
        form.cleaned_data["place"],
        ends_at=form.ends_at(),
        actor=user,
    )
    return _("The meeting %(meeting)s is in the calendar.") % {"meeting": meeting}


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    items = agenda_order.numbered(
        meeting.body,
        meeting.items.select_related("case__authority__municipality", "report", "secrecy"),
    )
    mask_items(user, items)
    secretary = is_secretary(user, meeting.body)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "secretary": secretary,
            "sections": agenda_order.by_section(items),
            "arrange": ArrangeForm(meeting, user)
            if secretary and not hasattr(meeting, "minutes")
            else None,
            "open_minutes": OpenMinutesForm(members_of(meeting)) if secretary else None,
            "report_form": ReportDecisionsForm() if secretary else None,
            **(meeting_forms(meeting, items, user) if secretary else {}),
        },
    )


@login_required
def preregister(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    initial = {"case_number": request.GET.get("arende", "")}
    form = PreregisterForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        # "Pre-register and add another" comes back to an empty form: a secretary or
        # officer with many items does not go by the meeting page between them.
        after = "meetings:preregister" if "another" in request.POST else "meetings:meeting"
        done = run_action(  # the action renders a written report before its transaction
            request,
            form,
            lambda: _preregister(meeting, form, user),
            reverse(after, args=[meeting.pk]),
            one_transaction=False,
        )
        if done:
            return done
    return render(request, "meetings/preregister.html", {"meeting": meeting, "form": form})


def _preregister(meeting: Meeting, form: PreregisterForm, user: User) -> str:
    data = form.cleaned_data
    case = case_in(user, meeting.body.authority, data["case_number"], "case_number")
    # The agenda is sent out and published: a title taken from the case is the case's
    # title with any protected party's name hidden, as everyone else reads it.
    title = data["title"].strip() or hide_for(None, case)(case.title)
    report = None
    attachments = documents_numbered(user, case, data["attachment_numbers"], "attachment_numbers")
    if data["report_number"]:
        (report,) = documents_numbered(user, case, [data["report_number"]], "report_number")
    actions.do_preregister_with_report(
        meeting,
        case,
        title=title,
        proposal=data["proposal"],
        rapporteur=data["rapporteur"],
        section=data["section"],
        attachments=attachments,
        report=report,
        upload=data["report_file"],
        background=data["background"],
        assessment=data["assessment"],
        personal_numbers_confirmed=bool(data.get("personal_numbers_ok")),
        actor=user,
    )
    return _("%(case)s is on the agenda of %(meeting)s.") % {
        "case": case.case_number,
        "meeting": meeting,
    }


@login_required
@require_POST
def arrange(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    # The form names every item in full: it is the secretary's (kansli.meetings.permissions).
    require(is_secretary(user, meeting.body))
    form = ArrangeForm(meeting, user, request.POST)
    here = reverse("meetings:meeting", args=[meeting.pk])

    def run() -> str:
        data = form.cleaned_data
        moving = [(item, data[f"move_{item.pk}"]) for item in form.items if data[f"move_{item.pk}"]]
        staying = [item for item in form.items if not data[f"move_{item.pk}"]]
        staying.sort(key=lambda item: (data[f"position_{item.pk}"], item.position))
        actions.do_arrange_agenda(
            meeting, [(i, data[f"section_{i.pk}"]) for i in staying], moves=moving, actor=user
        )
        return _("The agenda is saved.")

    return run_or_refuse(request, form, run, here, meeting)


@login_required
@require_POST
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    form = ConfirmForm(request.POST)
    here = reverse("meetings:meeting", args=[meeting.pk])

    def run() -> str:
        members = not request.POST.get("list_only")  # sent to a distribution list instead
        sent = actions.do_dispatch_meeting(meeting, notify_members=members, actor=user)
        if announced_late(sent):  # KL 5 kap. 11 §: a week ahead
            day = f"{announce_by(sent):%Y-%m-%d}"
            messages.warning(request, _(LATE) % {"day": day})
        if not members:
            return _("The notice and the meeting documents are made; send them to a list.")
        return _("The notice and the meeting documents are sent to the members.")

    # The action renders the notice and the pack before its own transaction.
    return run_or_refuse(request, form, run, here, meeting, one_transaction=False)


@login_required
def meeting_file(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """The notice (kallelse) or the meeting pack (handlingar) as sent, or the sealed
    minutes (protokoll) and their non-public part (sekretessbilaga) for those who may
    read it."""
    meeting = staff_meeting(request, pk)
    minutes = getattr(meeting, "minutes", None)
    sealed = minutes.sealed if minutes is not None else None
    secret = minutes.sealed_secret if minutes is not None else None
    stored = {
        "kallelse": meeting.notice,
        "handlingar": meeting.pack,
        "protokoll": sealed,
        "sekretessbilaga": secret,
    }.get(kind)
    if stored is None or (
        kind == "sekretessbilaga" and not may_read_secret_part(request.user, minutes)
    ):
        raise Http404
    return file_response(stored, f"{kind}-{meeting}.pdf".replace(" ", "-"), inline=True)


@login_required
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """The body's members, substitutes, chair and vice chair in the current term, and
    those whose seat ended during it, with the dates."""
    body = get_object_or_404(staff_bodies(current_user(request)), pk=pk)
    today = timezone.localdate()
    roles = list(body.roles_in_term(today))
    start, end = body.term(today)
    return render(
        request,
        "meetings/members.html",
        {
            "body": body,
            "start": start,
            "end": end,
            "current": [r for r in roles if r.is_valid_on(today)],
            "ended": [r for r in roles if r.valid_to is not None and r.valid_to < today],
        },
    )


@login_required
def item_secrecy(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary makes an item non-public (or public again, with a reason)."""
    user = current_user(request)
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__body__authority", "case__authority", "secrecy"),
        pk=pk,
        meeting__in=Meeting.objects.visible_to(user),
    )
    require(is_secretary(user, item.meeting.body))
    mask_items(user, [item])
    initial = {"secrecy": item.secrecy_id, "public_title": item.public_title}
    form = ItemSecrecyForm(request.POST or None, initial=initial)
    if request.method == "POST":

        def run() -> str:
            data = form.cleaned_data
            actions.do_set_item_secrecy(
                item,
                data["secrecy"],
                public_title=data["public_title"],
                reason=data["reason"],
                actor=user,
            )
            if item.is_secret:
                return _("The item is non-public: %(heading)s") % {"heading": item.public_heading}
            return _("The item is public.")

        back = reverse("meetings:meeting", args=[item.meeting_id]) + f"#item-{item.pk}"
        done = run_action(request, form, run, back)
        if done:
            return done
    return render(request, "meetings/item_secrecy.html", {"item": item, "form": form})
