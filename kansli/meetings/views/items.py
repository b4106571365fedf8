"""The secretary's buttons for a flexible agenda on the meeting page: procedural items,
an item's placement, reference and rapporteur, the body's order of sections and the
appendices to the minutes. Each posts to an action and comes back to the meeting."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.meetings.actions import appendices, items
from kansli.meetings.forms import ConfirmForm
from kansli.meetings.item_forms import (
    AppendixForm,
    ItemDetailsForm,
    ProceduralItemForm,
    SectionOrderForm,
)
from kansli.meetings.models import AgendaItem, Appendix, Meeting
from kansli.meetings.views.common import documents_numbered, run_or_refuse, staff_meeting
from kansli.registry.views.common import current_user


def _back(meeting: Meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.pk]) + "#agenda-tools"


@login_required
@require_POST
def add_procedural(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    form = ProceduralItemForm(request.POST)

    def run() -> str:
        data = form.cleaned_data
        item = items.do_add_procedural_item(
            meeting,
            data["title"],
            section=data["section"],
            reference=data["reference"],
            rapporteur=data["rapporteur"],
            actor=user,
        )
        return _("%(title)s is on the agenda.") % {"title": item.title}

    return run_or_refuse(request, form, run, _back(meeting), meeting)


@login_required
@require_POST
def add_standard(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    form = ConfirmForm(request.POST)

    def run() -> str:
        added = items.do_add_standard_items(meeting, actor=user)
        return _("%(count)d standard procedural items added.") % {"count": len(added)}

    return run_or_refuse(request, form, run, _back(meeting), meeting)


@login_required
@require_POST
def item_details(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(user)), pk=pk
    )
    meeting = staff_meeting(request, item.meeting_id)
    form = ItemDetailsForm(item, request.POST)

    def run() -> str:
        data = form.cleaned_data
        items.do_set_item_details(
            item,
            parent=data["parent"],
            reference=data["reference"],
            rapporteur=data["rapporteur"],
            actor=user,
        )
        return _("The item is saved.")

    return run_or_refuse(request, form, run, _back(meeting), meeting)


@login_required
@require_POST
def section_order(request: HttpRequest, pk: int) -> HttpResponse:
    """The order of sections of the meeting's body (for all its meetings)."""
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    form = SectionOrderForm([], request.POST)

    def run() -> str:
        items.do_set_section_order(meeting.body, form.order(), actor=user)
        return _("The order of sections is saved.")

    return run_or_refuse(request, form, run, _back(meeting), meeting)


@login_required
@require_POST
def add_appendix(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    minutes = getattr(meeting, "minutes", None)
    if minutes is None:
        raise Http404
    form = AppendixForm(minutes, request.POST)

    def run() -> str:
        data = form.cleaned_data
        paragraph, document = data["paragraph"], None
        if data["document_number"] is not None:
            if paragraph is None or paragraph.item.case is None:
                raise ValidationError({"paragraph": _("Choose the paragraph of the document.")})
            (document,) = documents_numbered(
                user, paragraph.item.case, [data["document_number"]], "document_number"
            )
        appendix = appendices.do_add_appendix(
            minutes, data["title"], paragraph=paragraph, document=document, actor=user
        )
        return _("Appendix %(number)d is added.") % {"number": appendix.number}

    return run_or_refuse(request, form, run, _back(meeting), meeting)


@login_required
@require_POST
def remove_appendix(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    appendix = get_object_or_404(
        Appendix.objects.filter(minutes__meeting__in=Meeting.objects.visible_to(user)), pk=pk
    )
    meeting = staff_meeting(request, appendix.minutes.meeting_id)
    form = ConfirmForm(request.POST)

    def run() -> str:
        appendices.do_remove_appendix(appendix, actor=user)
        return _("The appendix is removed; the later ones are renumbered.")

    return run_or_refuse(request, form, run, _back(meeting), meeting)
