"""The forms of committee administration. They only parse input; the actions decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case as Switch
from django.db.models import QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.files.detect import DOCX, PDF, detect_type
from kansli.inputs import DayField, WholeField
from kansli.meetings.models import (
    AppealRoute,
    Body,
    Correction,
    DelegationPoint,
    Expedition,
    Meeting,
    Outcome,
    Paragraph,
    Section,
)
from kansli.meetings.models.notices import PROTECTED_RECIPIENT
from kansli.meetings.permissions import mask_items
from kansli.meetings.protected_text import KeepsProtected
from kansli.org.models import User
from kansli.registry import personal_numbers
from kansli.registry.forms import AccessibleForm
from kansli.registry.models import Case, Party, SecrecyProvision


class ConfirmForm(AccessibleForm):
    """A button that runs an action (dispatch, approve); its refusal shows on top."""


class ScheduleForm(AccessibleForm):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    day = DayField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"),
        initial=datetime.time(13, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    end_time = forms.TimeField(
        label=_("End time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("When the meeting is planned to end, if known."),
    )
    end_day = DayField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for a meeting over several days."),
    )
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, bodies: QuerySet[Body], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("end_day") and not cleaned.get("end_time"):
            self.add_error("end_time", _("Give the end time too."))
        return cleaned

    def starts_at(self) -> datetime.datetime:
        day, time = self.cleaned_data["day"], self.cleaned_data["time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def ends_at(self) -> datetime.datetime | None:
        """The planned end: on the meeting's day unless another end date is given."""
        time = self.cleaned_data["end_time"]
        if time is None:
            return None
        day = self.cleaned_data["end_day"] or self.cleaned_data["day"]
        return timezone.make_aware(datetime.datetime.combine(day, time))


class PreregisterForm(AccessibleForm):
    case_number = forms.CharField(
        label=_("Case number"), max_length=40, help_text=_("For example KS 2026/142.")
    )
    title = forms.CharField(
        label=_("Title on the agenda"),
        max_length=500,
        required=False,
        help_text=_("Left empty: the case's title."),
    )
    section = forms.ChoiceField(
        label=_("Section"), choices=Section.choices, initial=Section.DECISIONS
    )
    proposal = forms.CharField(
        label=_("Proposed decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rapporteur = forms.CharField(
        label=_("Rapporteur"), required=False, help_text=_("Who presents the item at the meeting.")
    )
    report_number = WholeField(
        label=_("Officer's report already registered (document number)"),
        required=False,
        min_value=1,
        help_text=_("Or upload it, or write it below: it is registered in the case."),
    )
    report_file = forms.FileField(
        label=_("Officer's report as a file (PDF or Word)"),
        required=False,
        help_text=_("Registered in the case as a document drawn up."),
    )
    personal_numbers_ok = forms.BooleanField(label=_("Register the report anyway"), required=False)
    attachment_numbers = forms.CharField(
        label=_("Attachments (document numbers)"),
        required=False,
        max_length=200,
        help_text=_("Documents registered in the case, e.g. 2, 5."),
    )
    background = forms.CharField(
        label=_("Background"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    assessment = forms.CharField(
        label=_("Assessment"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean_report_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("report_file")
        if upload is not None and detect_type(upload) not in (PDF, DOCX):
            raise forms.ValidationError(_("The report must be a PDF or Word (DOCX) file."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get("report_number"), data.get("report_file"), data.get("background")]
        if sum(1 for way in given if way) > 1:
            self.add_error(
                "report_file",
                _("Give the report one way: its number, a file, or written below."),
            )
        upload = data.get("report_file")
        if upload is not None and not data.get("personal_numbers_ok"):
            # OSL 21 kap. 7 §: a report on the agenda is read by many; the officer confirms.
            try:
                count = len(dict.fromkeys(personal_numbers.in_file(upload)))
            except ValidationError as error:  # not read through (NOT_CHECKED)
                self.add_error("personal_numbers_ok", error)
                return data
            if count:
                self.add_error("personal_numbers_ok", personal_numbers.warning(count))
        return data

    def clean_attachment_numbers(self) -> list[int]:
        text = self.cleaned_data["attachment_numbers"].replace(";", ",")
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not all(part.isdigit() and int(part) > 0 for part in parts):
            raise forms.ValidationError(_("Write the documents' numbers with commas between."))
        return sorted({int(part) for part in parts})


class ArrangeForm(AccessibleForm):
    """One row per item: its place and section, and a meeting to move it to."""

    def __init__(self, meeting: Meeting, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once for every item's move field (a ModelChoiceField would ask per field).
        self.later = {
            str(m.pk): m
            for m in Meeting.objects.filter(
                body=meeting.body,
                starts_at__gt=timezone.now(),
                minutes__isnull=True,
                cancelled_at__isnull=True,  # a cancelled meeting takes no items
            )
            .exclude(pk=meeting.pk)
            .select_related("body__authority", "body__committee")
            .order_by("starts_at")
        }
        moves = [("", _("Stays")), *((pk, str(m)) for pk, m in self.later.items())]
        self.items = list(
            meeting.items.select_related("case__authority", "secrecy").order_by("position", "pk")
        )
        mask_items(user, self.items)  # each named as the user may read it (OSL 21 kap. 3 §)
        for item in self.items:
            title = item.shown_title  # type: ignore[attr-defined]
            self.fields[f"position_{item.pk}"] = WholeField(
                label=_("Place of %(title)s") % {"title": title},
                initial=item.position,
                min_value=1,
            )
            self.fields[f"section_{item.pk}"] = forms.ChoiceField(
                label=_("Section of %(title)s") % {"title": title},
                choices=Section.choices,
                initial=item.section,
            )
            self.fields[f"move_{item.pk}"] = forms.TypedChoiceField(
                label=_("Move %(title)s to") % {"title": title},
                choices=moves,
                coerce=self.later.__getitem__,
                empty_value=None,
                required=False,
            )

    def rows(self) -> list[tuple[Any, ...]]:
        """Per item: the item and its place, section and move fields."""
        return [
            (item, *(self[f"{name}_{item.pk}"] for name in ["position", "section", "move"]))
            for item in self.items
        ]


class OpenMinutesForm(AccessibleForm):
    approvers = forms.ModelMultipleChoiceField(
        label=_("Approvers besides the chair"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    approval_place = forms.CharField(label=_("Place of approval"), max_length=200, required=False)
    approval_due = DayField(
        label=_("Day of approval"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    first = WholeField(
        label=_("First §"),
        required=False,
        min_value=1,
        help_text=_("Empty: the next § of the year."),
    )

    def __init__(self, members: QuerySet[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = members  # type: ignore[attr-defined]


# FL 32 §: a decision that may affect someone's situation more than trivially gives
# its reasons (the rules applied and the facts that decided it), unless obviously needless.
REASONS_HELP = _(
    "The rules applied and the circumstances that decided the matter (FL 32 §). Needed "
    "when the decision may affect someone's situation, unless obviously needless."
)


class DecisionForm(KeepsProtected, AccessibleForm):
    decision = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASONS_HELP,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    appeal_route = forms.ChoiceField(
        label=_("Appeal route"),
        choices=AppealRoute.choices,
        help_text=_(
            "Decides the appeal instructions in the minutes extract. Laglighetsprövning: "
            "any member of the municipality, three weeks from the notice of approval. "
            "Förvaltningsbesvär: a party the decision went against, when a special law "
            "says so, three weeks from receiving the decision."
        ),
    )
    later = forms.ModelChoiceField(
        label=_("Later meeting (postponed or referred back)"),
        queryset=Meeting.objects.none(),
        required=False,
    )
    note = forms.CharField(
        label=_("Minute note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, later: QuerySet[Meeting], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["later"].queryset = later  # type: ignore[attr-defined]


class DeliveryForm(AccessibleForm):
    """The day a letter with the decision was delivered to its recipient."""

    letter = forms.ModelChoiceField(label=_("Letter"), queryset=Expedition.objects.none())
    day = DayField(label=_("Delivered"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, letters: QuerySet[Expedition], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter"].queryset = letters  # type: ignore[attr-defined]


class AppealForm(AccessibleForm):
    """The day an appeal of the decision came in."""

    received_on = DayField(
        label=_("Appeal received"), widget=forms.DateInput(attrs={"type": "date"})
    )


class MemberForm(AccessibleForm):
    """A conflict of interest: which member."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=User.objects.none())

    def __init__(self, members: QuerySet[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class ByReference(forms.ModelMultipleChoiceField):
    """Parties with protected identity, shown by their reference, never their name."""

    def label_from_instance(self, obj: Any) -> str:
        return PROTECTED_RECIPIENT % obj.post_reference


class ExpediteForm(AccessibleForm):
    recipients = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line: name; e-mail address or postal address; epost or brev."),
    )
    forwarded = ByReference(
        queryset=Party.objects.none(),
        label=_("Parties with protected identity"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sent by letter through Skatteverket, which forwards it."),
    )

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        """The case's parties with protected identity are chosen by their reference: the
        secretary who dispatches does not see their names (OSL 21 kap. 3 §)."""
        super().__init__(*args, **kwargs)
        field = self.fields["forwarded"]
        assert isinstance(field, ByReference)
        field.queryset = case.parties.filter(protected_identity=True).order_by("pk")
        if not field.queryset.exists():
            del self.fields["forwarded"]

    def clean_recipients(self) -> list[tuple[str, str, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["recipients"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) != 3:
                raise forms.ValidationError(
                    _("Line %(number)d: write name; address; epost or brev.") % {"number": number}
                )
            rows.append((parts[0], parts[1], parts[2].lower()))
        return rows


class NoteForm(AccessibleForm):
    text = forms.CharField(
        label=_("My note"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DelegatedDecisionForm(AccessibleForm):
    """A decision under one point: the decider chosen among the point's delegates in
    order, the amount asked only under a point with an amount limit."""

    point = forms.ModelChoiceField(
        label=_("Point of the delegation order"), queryset=DelegationPoint.objects.none()
    )
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=User.objects.none())
    substitute_for = forms.ModelChoiceField(
        label=_("As substitute for"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Only when a substitute decided because the delegate could not."),
    )
    amount = forms.DecimalField(
        label=_("Amount (kr)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    case_number = forms.CharField(label=_("Case number"), max_length=40)
    summary = forms.CharField(label=_("Decision in short"), max_length=500)
    decided_on = DayField(
        label=_("Decided on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        points: QuerySet[DelegationPoint],
        chosen: DelegationPoint | None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points  # type: ignore[attr-defined]
        if chosen is None:
            return
        self.fields["point"].initial = chosen.pk
        self.fields["point"].widget = forms.HiddenInput()
        # The delegate first, then the substitutes in the order's turn.
        ranked = {d.user_id: d.rank for d in chosen.delegates.all()}
        people = User.objects.filter(pk__in=ranked).order_by(
            Switch(*[When(pk=pk, then=rank) for pk, rank in ranked.items()], default=0)
        )
        for name in ("decided_by", "substitute_for"):
            field = self.fields[name]
            field.queryset = people  # type: ignore[attr-defined]
            field.label_from_instance = lambda u: f"{ranked[u.pk]}. {u}"  # type: ignore[attr-defined]
        if chosen.max_amount is None:
            del self.fields["amount"]


class ReportDecisionsForm(AccessibleForm):
    case_number = forms.CharField(
        label=_("Case for the reports"),
        max_length=40,
        help_text=_("The case the board keeps for reported delegated decisions."),
    )


class CorrectionForm(KeepsProtected, AccessibleForm):
    """Rättelse: the decision and its reasons prefilled; the one changed is corrected."""

    decision = forms.CharField(
        label=_("Corrected decision"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reasons = forms.CharField(
        label=_("Corrected reasons"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        help_text=_("For example: a misprint in the amount."),
    )

    def __init__(self, paragraph: Paragraph, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"decision": paragraph.decision, "reasons": paragraph.reasons}
        super().__init__(*args, **kwargs)
        self.paragraph = paragraph

    def clean(self) -> dict[str, Any]:
        """`part` and `text`: what is corrected, the decision unless only the reasons
        changed (the action refuses a text that did not change)."""
        cleaned = super().clean()
        changed = [
            name
            for name in Correction.Part.values
            if (cleaned.get(name) or "").strip() != getattr(self.paragraph, name).strip()
        ]
        if len(changed) > 1:
            raise forms.ValidationError(
                _("Correct the decision and the reasons one at a time."), code="both"
            )
        cleaned["part"] = changed[0] if changed else Correction.Part.DECISION
        cleaned["text"] = cleaned.get(cleaned["part"]) or ""
        return cleaned


class ItemSecrecyForm(AccessibleForm):
    sometimes_needed = ("reason",)
    secrecy = forms.ModelChoiceField(
        SecrecyProvision.objects.filter(active=True),
        label=_("Secrecy provision"),
        required=False,
        empty_label=_("Public item"),
        help_text=_("A non-public item is shown to others by § number, neutral heading and "
                    "provision only; its full text is in the minutes' non-public part."),
    )  # fmt: skip
    public_title = forms.CharField(
        label=_("Neutral heading"),
        required=False,
        max_length=200,
        help_text=_("What the public and the notice read, e.g. Ärende enligt socialtjänstlagen. "
                    "Nothing that identifies anyone."),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason for making it public"),
        required=False,
        max_length=500,
        help_text=_("Needed when a non-public item is made public; kept in the audit log."),
    )


class DecisionsForm(KeepsProtected, AccessibleForm):
    """The decisions of the whole meeting on one page: per § the outcome, the decision
    (prefilled from the proposal), the appeal route and, for a postponed or
    referred-back item, the later meeting. Only the § whose values changed are saved."""

    FIELDS = ("outcome", "decision", "reasons", "appeal_route", "later")

    def __init__(
        self, paragraphs: list[Paragraph], later: QuerySet[Meeting], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.paragraphs = paragraphs
        for p in paragraphs:
            self.fields[f"outcome_{p.pk}"] = forms.ChoiceField(
                label=_("Outcome"), choices=Outcome.choices, initial=p.outcome
            )
            self.fields[f"decision_{p.pk}"] = forms.CharField(
                label=_("Decision"),
                required=False,
                max_length=20000,
                initial=p.decision,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"reasons_{p.pk}"] = forms.CharField(
                label=_("Reasons"),
                required=False,
                max_length=20000,
                initial=p.reasons,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=REASONS_HELP,
            )
            self.fields[f"appeal_route_{p.pk}"] = forms.ChoiceField(
                label=_("Appeal route"), choices=AppealRoute.choices, initial=p.appeal_route
            )
            self.fields[f"later_{p.pk}"] = forms.ModelChoiceField(
                label=_("Later meeting (postponed or referred back)"),
                queryset=later,
                required=False,
            )

    def rows(self) -> list[tuple[Paragraph, list[forms.BoundField]]]:
        return [(p, [self[f"{name}_{p.pk}"] for name in self.FIELDS]) for p in self.paragraphs]

    def changes(self) -> dict[Paragraph, dict[str, Any]]:
        """The § whose outcome, decision, reasons, appeal route or later meeting changed."""
        found = {}
        for p in self.paragraphs:
            values = {name: self.cleaned_data[f"{name}_{p.pk}"] for name in self.FIELDS}
            before = (p.outcome, p.decision.strip(), p.reasons.strip(), p.appeal_route)
            now = tuple(
                values[name].strip() if name in ("decision", "reasons") else values[name]
                for name in ("outcome", "decision", "reasons", "appeal_route")
            )
            if now != before or values["later"] is not None:
                found[p] = {**values, "note": p.note}
        return found
