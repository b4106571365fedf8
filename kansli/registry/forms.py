"""The registry's forms. They parse and check input so that every problem is shown at
once next to its field; the actions check again and have the last word."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kansli.files.detect import ACCEPTED
from kansli.files.store import check_file
from kansli.inputs import DayField
from kansli.org.models import Authority, Role, RoleAssignment, Unit, User
from kansli.org.permissions import held_today
from kansli.registry import document_types, personal_numbers
from kansli.registry import kept_uploads as keeping
from kansli.registry.casenumber import parse_case_number
from kansli.registry.models import Case, CaseStatus, Classification, Direction, SecrecyProvision
from kansli.registry.models.cases import TRANSITIONS

NEW_CASE, EXISTING_CASE = "nytt", "befintligt"
DIRECTIONS = [(value, capfirst(label)) for value, label in Direction.choices]


def find_case(user: Any, text: str, authority: Authority | None = None) -> Case | None:
    """The case with this case number (in any common spelling, see
    kansli.registry.casenumber) among those the user may see. With `authority` the
    number may leave out the series (then the authority's own), and a case of another
    authority is not found; a case moved to it that kept its number is found by that
    number (Case.series)."""
    number = parse_case_number(text or "")
    if number is None or number.document is not None:
        return None
    series = number.series or (authority.code if authority is not None else None)
    if series is None:
        return None
    cases = Case.objects.visible_to(user).select_related("authority__municipality")
    if authority is not None:
        cases = cases.filter(authority=authority)
    return cases.numbered(series, number.year, number.number).first()


def document_type_field(
    options: list[document_types.TypeOption] | None, current: str = ""
) -> forms.Field:
    """The document type: with a document management plan in force, a choice among the
    plan's types for the case's process, each saying whether it is registered or kept
    in order (OSL 5 kap. 1 §); without one, free text. `current`: a correction's type as
    registered, offered to keep even when the plan does not name it."""
    if options is None:
        return forms.CharField(
            label=_("Document type"),
            max_length=100,
            required=False,
            help_text=_("For example letter, application or e-mail."),
        )
    choices: list[tuple[str, Any]] = [("", _("Choose a document type"))]
    for option in options:
        handling = _("(registered)") if option.must_register else _("(kept in order)")
        choices.append((option.name, f"{option.name} {handling}"))
    if current and document_types.matching(options, current) is None:
        choices.append((current, f"{current} {_('(not in the plan)')}"))
    return forms.ChoiceField(
        label=_("Document type"),
        choices=choices,
        required=False,
        help_text=_(
            "The types of the document management plan for the case's process: "
            "registered, or kept in order without registration (OSL 5 kap. 1 §)."
        ),
    )


# The registration fields a personal identity number may be written in.
PERSONAL_TEXT_FIELDS = ["title", "counterpart", "counterpart_address", "description"]
DATE = {"invalid": _("Enter a date as YYYY-MM-DD.")}  # a search filter's date


class AccessibleForm(forms.Form):
    """A form whose errors are listed in a summary at the top, each linking to its field.
    The fields named in `sometimes_needed` are needed in some cases only (their hint says
    when) and are not labelled optional (registry_fields.optional_field)."""

    sometimes_needed: tuple[str, ...] = ()

    def error_summary(self) -> list[tuple[str, str]]:
        items = [("", str(message)) for message in self.errors.get(NON_FIELD_ERRORS, [])]
        for field in self:
            widget = field.field.widget
            first_input = isinstance(widget, forms.RadioSelect) and widget.choices
            anchor = f"{field.auto_id}_0" if first_input else field.auto_id
            items += [(anchor, f"{field.label}: {message}") for message in field.errors]
        return items

    def add_action_errors(
        self, error: ValidationError, names: dict[str, str] | None = None
    ) -> None:
        """Show an action's refusal next to the fields it names (or at the top)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = (names or {}).get(key, key)
            self.add_error(name if name in self.fields else None, messages)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: the letter and its attachments."""

    def __init__(self, **kwargs: Any) -> None:
        endings = sorted({e for kind in ACCEPTED for e in kind.extensions})
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(endings)}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        problems = []
        for upload in cleaned:
            try:
                check_file(upload, upload.name or "")
            except ValidationError as error:
                problems += [f"{upload.name}: {message}" for message in error.messages]
        if problems:
            raise ValidationError(problems)
        return cleaned


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _check_date(form: forms.Form, name: str) -> None:
    day = form.cleaned_data.get(name)
    if isinstance(day, datetime.date) and day > timezone.localdate():
        form.add_error(name, _("The date cannot be in the future."))


class RegistrationForm(AccessibleForm):
    """Register an incoming letter that starts a case, or a document in an existing case."""

    # The inbox's form: the authority the item came to, not chosen on the form.
    fixed_authority: Authority | None = None

    mode = forms.ChoiceField(
        label=_("Register in"),
        choices=[(NEW_CASE, _("A new case")), (EXISTING_CASE, _("An existing case"))],
        widget=forms.RadioSelect,
        initial=NEW_CASE,
    )
    authority = forms.ModelChoiceField(
        Authority.objects.none(),
        label=_("Authority"),
        required=False,
        empty_label=_("Choose an authority"),
    )
    title = forms.CharField(
        label=_("Case title"),
        max_length=500,
        required=False,
        help_text=_("What the case is about, as the registry will show it."),
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, required=False, empty_value=None
    )
    unit = forms.ModelChoiceField(
        Unit.objects.none(),
        label=_("Responsible unit"),
        required=False,
        empty_label=_("No unit yet"),
    )
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        required=False,
        help_text=_("For example KS 2026/142."),
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=DIRECTIONS, initial=Direction.INCOMING
    )
    document_date = DayField(
        label=_("Date received or drawn up"),
        widget=_date_input(),
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
    )
    counterpart = forms.CharField(
        label=_("Sender or recipient"),
        max_length=300,
        required=False,
        help_text=_("Earlier senders and parties are suggested as you type."),
    )
    counterpart_address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Document description"),
        max_length=500,
        required=False,
        help_text=_("For a new case the case title is used if you leave this empty."),
    )
    document_type = forms.CharField(
        label=_("Document type"),
        max_length=100,
        required=False,
        help_text=_("For example letter, application or e-mail."),
    )
    uploads = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("The document and its attachments, for example PDF, Word or e-mail."),
    )
    secrecy = forms.ModelChoiceField(
        SecrecyProvision.objects.filter(active=True),
        label=_("Secrecy provision"),
        required=False,
        empty_label=_("Not secrecy marked"),
    )
    withhold_counterpart = forms.BooleanField(
        label=_("Withhold the sender or recipient from the public record"), required=False
    )
    withhold_description = forms.BooleanField(
        label=_("Withhold the description from the public record"), required=False
    )
    counterpart_is_private = forms.BooleanField(
        label=_("The sender or recipient is a private person"), required=False,
        help_text=_("The name is then left out of the public e-diary, as the authority has "
                    "chosen."),
    )  # fmt: skip
    personal_numbers_ok = forms.BooleanField(
        label=_("Register without a secrecy marking anyway"), required=False
    )
    open_reason = forms.CharField(
        label=_("Reason to register without the process's secrecy marking"),
        required=False,
        max_length=500,
        help_text=_("A document in a process with a default secrecy provision is marked "
                    "with it unless you give a reason here (kept in the audit log)."),
    )  # fmt: skip

    # Files attached before the form was shown again (kansli.registry.kept_uploads).
    kept_uploads = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, user: User, authorities: QuerySet[Authority], *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("document_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["counterpart"].widget.attrs.update(
            {
                "list": "counterpart-suggestions",
                "autocomplete": "off",
                "hx-get": reverse("registry:counterparts"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#counterpart-suggestions",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
            }
        )
        authority_field = self.fields["authority"]
        assert isinstance(authority_field, forms.ModelChoiceField)
        authority_field.queryset = authorities
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.valid_on().filter(
            municipality__in=authorities.values("municipality")
        )
        classifications = Classification.objects.filter(
            authority__in=authorities, active=True
        ).select_related("authority", "default_secrecy")
        groups: dict[str, list[tuple[int, str]]] = {}
        several = len({c.authority_id for c in classifications}) > 1
        for item in classifications:
            label = f"{item.authority.code} {item}" if several else str(item)
            if item.default_secrecy is not None:  # shown before it is applied
                label += " " + _("(secrecy: %(provision)s)") % {"provision": item.default_secrecy}
            groups.setdefault(str(item.authority), []).append((item.pk, label))
        choice_field = self.fields["classification"]
        assert isinstance(choice_field, forms.TypedChoiceField)
        choice_field.choices = [("", _("Not classified yet")), *groups.items()]
        self.classifications = {c.pk: c for c in classifications}
        case = self.planned_case()
        self.type_options = document_types.type_options(case) if case is not None else None
        self.fields["document_type"] = document_type_field(self.type_options)

    def planned_case(self) -> Case | None:
        """The case the document goes into, as far as the form tells yet: the existing
        case its number names, or a new case (not saved) of the chosen authority in the
        chosen process; None while neither is known."""
        values: Any = self.data if self.is_bound else self.initial
        if (values.get("mode") or NEW_CASE) == EXISTING_CASE:
            case = None if self.is_bound else values.get("case")
            return case or find_case(self.user, values.get("case_number") or "")
        authority = self.fixed_authority
        if authority is None:
            chosen = str(values.get("authority") or "")
            authority_field = self.fields["authority"]
            assert isinstance(authority_field, forms.ModelChoiceField)
            candidates: Any = authority_field.queryset
            authority = candidates.filter(pk=chosen).first() if chosen.isdigit() else None
        if authority is None:
            return None
        chosen = str(values.get("classification") or "")
        process = self.classifications.get(int(chosen)) if chosen.isdigit() else None
        if process is not None and process.authority_id != authority.pk:
            process = None
        return Case(authority=authority, classification=process)

    @property
    def type_required(self) -> bool:
        return self.type_options is not None

    def clean_classification(self) -> Classification | None:
        pk = self.cleaned_data.get("classification")
        return self.classifications.get(pk) if pk else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == EXISTING_CASE:
            self._clean_existing(data)
        else:
            self._clean_new(data)
        if self.type_options is not None and not data.get("document_type"):
            self.add_error("document_type", _("Choose the document type from the plan."))
        if data.get("direction") == Direction.INCOMING and not data.get("counterpart", "").strip():
            self.add_error("counterpart", _("Enter the sender of an incoming document."))
        _check_date(self, "document_date")
        withheld = data.get("withhold_counterpart") or data.get("withhold_description")
        if withheld and not data.get("secrecy"):
            self.add_error(
                "secrecy", _("Choose a secrecy provision to withhold details from the record.")
            )
        self._check_personal_numbers(data)
        return data

    def _check_personal_numbers(self, data: dict[str, Any]) -> None:
        """Personal identity numbers in the text or the files and no secrecy marking:
        the registrar confirms before it is saved (OSL 21 kap. 7 §, 26 kap. 1 §)."""
        if data.get("secrecy") or data.get("personal_numbers_ok"):
            return
        case = data.get("case") if data.get("mode") == EXISTING_CASE else None
        process = case.classification if case is not None else data.get("classification")
        if process is not None and process.default_secrecy_id and not data.get("open_reason"):
            return  # marked by the process's default (kansli.registry.secrecy)
        texts = [str(data.get(name) or "") for name in PERSONAL_TEXT_FIELDS]
        try:
            found = personal_numbers.find(" ".join(texts)) + self.numbers_in_files(data)
        except ValidationError as error:  # a file not read through (NOT_CHECKED)
            self.add_error("personal_numbers_ok", error)
            return
        count = len(dict.fromkeys(found))
        if count:
            self.add_error("personal_numbers_ok", personal_numbers.warning(count))

    def clean_kept_uploads(self) -> keeping.Kept:
        return keeping.kept_files(self.cleaned_data.get("kept_uploads") or "", self.user)

    def numbers_in_files(self, data: dict[str, Any]) -> list[str]:
        """The personal identity numbers in the files to be registered: the uploads and
        those kept from before."""
        found: list[str] = []
        for upload in data.get("uploads") or []:
            found += personal_numbers.in_file(upload)
        for stored, _name in data.get("kept_uploads") or []:
            with stored.open() as file:
                found += personal_numbers.in_file(file)
        return found

    def _clean_new(self, data: dict[str, Any]) -> None:
        authority = data.get("authority")
        if authority is None and "authority" not in self.errors:
            self.add_error("authority", _("Choose the authority that registers the case."))
        if not data.get("title", "").strip():
            self.add_error("title", _("Enter the case title."))
        classification = data.get("classification")
        if authority and classification and classification.authority_id != authority.pk:
            self.add_error("classification", _("The classification belongs to another authority."))

    def _clean_existing(self, data: dict[str, Any]) -> None:
        text = data.get("case_number", "").strip()
        if not text:
            self.add_error("case_number", _("Enter the case number, for example KS 2026/142."))
            return
        case = find_case(self.user, text)
        if case is None:
            self.add_error("case_number", _("There is no case with that number."))
        elif case.status == CaseStatus.VOIDED:
            self.add_error("case_number", _("The case is voided."))
        data["case"] = case
        if not data.get("description", "").strip():
            self.add_error("description", _("Describe briefly what the document is about."))


class ReasonForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )


class VoidDocumentForm(ReasonForm):
    pass


class CorrectDocumentForm(ReasonForm):
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS)
    document_date = DayField(
        label=_("Date received or drawn up"),
        widget=_date_input(),
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
    )
    counterpart = forms.CharField(label=_("Sender or recipient"), max_length=300, required=False)
    counterpart_address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Document description"),
        max_length=500,
        error_messages={"required": _("Describe briefly what the document is about.")},
    )
    document_type = forms.CharField(label=_("Document type"), max_length=100, required=False)

    field_order = ["direction", "document_date", "counterpart", "counterpart_address",
                   "description", "document_type", "reason"]  # fmt: skip

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:  # with a plan in force: its types for the case's process
            options = document_types.type_options(case)
            current = str(self.initial.get("document_type") or "")
            self.fields["document_type"] = document_type_field(options, current)
            self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_date(self, "document_date")
        return data


class SecrecyForm(AccessibleForm):
    sometimes_needed = ("reason",)
    secrecy = forms.ModelChoiceField(
        SecrecyProvision.objects.filter(active=True),
        label=_("Secrecy provision"),
        required=False,
        empty_label=_("Not secrecy marked"),
    )
    withhold_counterpart = forms.BooleanField(
        label=_("Withhold the sender or recipient from the public record"), required=False
    )
    withhold_description = forms.BooleanField(
        label=_("Withhold the description from the public record"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for removing the marking"),
        required=False,
        max_length=500,
        help_text=_("Needed when a marking is removed; kept in the audit log."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        withheld = data.get("withhold_counterpart") or data.get("withhold_description")
        if withheld and not data.get("secrecy"):
            self.add_error(
                "secrecy", _("Choose a secrecy provision to withhold details from the record.")
            )
        return data


def officers_of(case: Case) -> QuerySet[User]:
    """The people who may be named officer of a case: officers and managers of its
    authority today."""
    held = RoleAssignment.objects.valid_on().filter(
        authority=case.authority, role__in=[Role.OFFICER, Role.MANAGER]
    )
    return User.objects.filter(is_active=True, pk__in=held.values("user_id")).order_by(
        "last_name", "first_name"
    )


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class AssignOfficerForm(AccessibleForm):
    officer = OfficerField(
        User.objects.none(),
        label=_("Officer"),
        empty_label=_("Choose an officer"),
        error_messages={"required": _("Choose an officer.")},
    )

    def __init__(self, case: Case, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officers_of(case)
        if case.officer_id:
            field.initial = case.officer_id


class StatusForm(AccessibleForm):
    sometimes_needed = ("reason",)
    status = forms.ChoiceField(
        label=_("New status"), error_messages={"required": _("Choose the new status.")}
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the case is voided."),
    )

    def __init__(self, case: Case, *args: Any, may_void: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[case.status]
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, capfirst(label))
            for value, label in CaseStatus.choices
            if value in allowed and (may_void or value != CaseStatus.VOIDED)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == CaseStatus.VOIDED and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for voiding the case."))
        return data


class SearchFiltersForm(AccessibleForm):
    """The staff search's filters (issue 15, part 8), each one the search engine applies
    in the same query as the read gate (kansli.search.filters). All optional: with no
    words, the filters alone list what matches, newest first."""

    authority = forms.ModelChoiceField(
        Authority.objects.valid_on(), required=False, label=_("Authority"),
        empty_label=_("All authorities"),
    )  # fmt: skip
    direction = forms.ChoiceField(
        choices=[("", _("All directions")), *Direction.choices], required=False,
        label=_("Direction"),
    )  # fmt: skip
    status = forms.ChoiceField(
        choices=[("", _("All")), *CaseStatus.choices], required=False, label=_("Case status")
    )
    officer = forms.ChoiceField(
        required=False, label=_("Officer"),
        # The model choice field's message, which does not repeat the value typed.
        error_messages={"invalid_choice": forms.ModelChoiceField.default_error_messages[
            "invalid_choice"]},
    )  # fmt: skip
    document_type = forms.CharField(label=_("Document type"), max_length=100, required=False)
    who = forms.CharField(
        label=_("Sender, recipient or party"), max_length=200, required=False,
        help_text=_("Every word of the name."),
    )  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", _("Documents and cases")), ("documents", _("Documents only")),
                 ("cases", _("Cases, each once"))],
        required=False, label=_("Hits"),
        help_text=_("Cases, each once, gathers the cases of the newest 1,000 hits."),
    )  # fmt: skip
    order = forms.ChoiceField(
        choices=[("", _("Newest first")), ("relevance", _("Best match first"))],
        required=False, label=_("Order"),
        help_text=_("Best match first ranks the newest 1,000 hits."),
    )  # fmt: skip
    # As the public e-diary's (kansli.public.forms): the document's date.
    date_from = DayField(required=False, label=_("From date"), error_messages=DATE,
                         widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = DayField(required=False, label=_("To date"), error_messages=DATE,
                       widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        # Only the user's own municipality's authorities and officers are offered.
        municipalities = {h.municipality_id for h in held_today(user) if h.municipality_id}
        own = Authority.objects.valid_on().filter(municipality_id__in=municipalities)
        fields: Any = self.fields
        fields["authority"].queryset = own
        # The officers as rows, not User objects: a large municipality has hundreds, and
        # the search page draws this list on every request.
        officers = (
            User.objects.filter(
                roles__role__in=[Role.OFFICER, Role.MANAGER], roles__authority__in=own
            )
            .distinct()
            .order_by("last_name", "first_name", "pk")
            .values_list("pk", "first_name", "last_name", "username")
        )
        names = [(str(pk), f"{first} {last}".strip() or username)
                 for pk, first, last, username in officers]  # fmt: skip
        fields["officer"].choices = [("", _("All")), *names]

    def clean_officer(self) -> int | None:
        """The chosen officer's id (the field has checked that it is one of them)."""
        chosen = self.cleaned_data["officer"]
        return int(chosen) if chosen else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The to date is before the from date."))
        return data

    def chosen(self) -> dict[str, Any]:
        """The filters given, for kansli.search.query.search."""
        chosen = {name: value for name, value in self.cleaned_data.items() if value}
        if chosen.pop("order", "") == "relevance":
            chosen["by_relevance"] = True
        if "who" in chosen:
            chosen["counterpart"] = chosen.pop("who")
        return chosen
