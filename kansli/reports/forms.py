"""The report editor's forms: one page with every section, the appendices chosen among
the case's documents the user may read, and the meeting with its item deadline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models import Meeting
from kansli.registry.forms import AccessibleForm
from kansli.registry.models import Document
from kansli.reports.models import Report


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(meeting)s (item deadline %(deadline)s)") % {
            "meeting": f"{obj.body} {obj.starts_at:%Y-%m-%d}",
            "deadline": obj.item_deadline.isoformat(),
        }


class AppendixChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.document_number} {obj.description}"


class ReportForm(AccessibleForm):
    heading = forms.CharField(label=_("Heading"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    background = forms.CharField(
        label=_("Background"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    assessment = forms.CharField(
        label=_("Assessment"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    consequences = forms.CharField(
        label=_("Consequences"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    proposal = forms.CharField(
        label=_("Proposed decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed before the report is handed in."),
    )
    appendices = AppendixChoice(
        label=_("Appendices"),
        required=False,
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Documents of the case sent with the report; each needs a file."),
    )
    meeting = MeetingChoice(
        label=_("Meeting"),
        required=False,
        queryset=Meeting.objects.none(),
        help_text=_("Handed in after the item deadline, the report is a late item."),
    )
    sometimes_needed = ("proposal", "meeting")

    def __init__(self, *args: Any, report: Report, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = report.case
        documents = Document.objects.visible_to(user).filter(case=case, voided_at=None)
        # Not another report itself: its appendices are the documents it builds on.
        documents = documents.exclude(officer_report__isnull=False).order_by("number")
        self.fields["appendices"].queryset = documents  # type: ignore[attr-defined]
        meetings = (
            Meeting.objects.visible_to(user)
            .filter(
                body__authority=case.authority,
                cancelled_at=None,
                # From the start of today in Sweden, not in UTC.
                starts_at__gte=timezone.localtime().replace(
                    hour=0, minute=0, second=0, microsecond=0
                ),
            )
            .select_related("body__authority", "body__committee")
        )
        self.fields["meeting"].queryset = meetings.order_by("starts_at")  # type: ignore[attr-defined]


class UploadForm(AccessibleForm):
    upload = forms.FileField(
        label=_("Word file (DOCX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
        help_text=_("Keep the section headings: the text under them is read back into the editor."),
    )


class ReturnForm(AccessibleForm):
    comment = forms.CharField(
        label=_("What should the officer change?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RulesForm(AccessibleForm):
    requires_approval = forms.BooleanField(
        label=_("A manager approves reports before they are handed in"), required=False
    )
