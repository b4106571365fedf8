"""The attendance of a whole meeting as one form: a table with a row per person
(person or a name with a title, capacity, serving for, from §, to §), prefilled with
the body's members, and per § who presided where the secretary must choose. It only
parses; kansli.meetings.actions.presence checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kansli.access.rules import FULL_MEMBERS
from kansli.inputs import WholeField
from kansli.meetings.actions.presence import MAX_ROWS, Row
from kansli.meetings.models import Attendance, Minutes, Paragraph
from kansli.org.models import ElectedPosition, User
from kansli.registry.forms import AccessibleForm

EXTRA_ROWS = 3  # empty rows for guests by name and a second range
FIELDS = ("person", "name", "role_title", "capacity", "replaces", "from", "to")
Capacity = Attendance.Capacity


def prefilled(minutes: Minutes) -> list[dict[str, Any]]:
    """The rows the form starts with: the attendance as recorded, or before any is,
    every member of the body on the meeting day present as a member, a member who
    reported absence (förhinder) absent with the called substitute serving for them,
    and the other substitutes listed without a capacity, to be chosen if they came."""
    recorded = minutes.attendance.select_related("user", "replaces").order_by("pk")
    if recorded:
        return [
            {
                "person": a.user,
                "name": a.name,
                "role_title": a.role_title,
                "capacity": a.capacity,
                "replaces": a.replaces,
                "from": a.from_paragraph,
                "to": a.to_paragraph,
            }
            for a in recorded
        ]
    meeting = minutes.meeting
    absences = {a.member_id: a.substitute for a in meeting.absences.select_related("substitute")}
    order: list[str] = [ElectedPosition.CHAIR, ElectedPosition.VICE_CHAIR, ElectedPosition.MEMBER]
    roles = sorted(
        meeting.body.members_on(meeting.day),
        key=lambda r: (
            order.index(r.position) if r.position in order else len(order),
            r.user.last_name,
        ),
    )
    rows: list[dict[str, Any]] = []
    called = set()
    for role in roles:
        if role.position not in FULL_MEMBERS or any(r["person"] == role.user for r in rows):
            continue
        away = role.user_id in absences
        rows.append({"person": role.user, "capacity": Capacity.ABSENT if away else Capacity.MEMBER})
        substitute = absences.get(role.user_id)
        if away and substitute is not None:
            rows.append(
                {"person": substitute, "capacity": Capacity.SUBSTITUTE, "replaces": role.user}
            )
            called.add(substitute.pk)
    for role in roles:
        listed = role.user_id in called or any(r["person"] == role.user for r in rows)
        if not listed:
            rows.append({"person": role.user, "capacity": ""})
    return rows


class AttendanceSheetForm(AccessibleForm):
    """The attendance table. Its number of rows comes with the data (`rows`), so that a
    row added by the "add a row" button stays."""

    def __init__(
        self,
        people: QuerySet[User],
        members: QuerySet[User],
        start: Sequence[dict[str, Any]],
        choose_presiding: Sequence[Paragraph],
        data: Any = None,
        *,
        more: int = EXTRA_ROWS,
    ) -> None:
        super().__init__(data)
        count = len(start) + more
        if data is not None:
            posted = str(data.get("rows", ""))
            count = int(posted) + more if posted.isdigit() and len(posted) < 4 else -1
        self.broken = not 0 <= count <= MAX_ROWS  # posted by something other than the page
        self.count = 0 if self.broken else count
        for index in range(self.count):
            self._add_row(index, people, members, start[index] if index < len(start) else {})
        self.presiding_paragraphs = list(choose_presiding)
        for paragraph in self.presiding_paragraphs:
            self.fields[f"presiding_{paragraph.number}"] = forms.ModelChoiceField(
                label=_("Presiding at § %(number)d") % {"number": paragraph.number},
                queryset=members,
                required=False,
                initial=paragraph.presiding_id,
                empty_label=_("By the rules (chair, else vice chair)"),
            )

    def _add_row(
        self, index: int, people: QuerySet[User], members: QuerySet[User], start: dict[str, Any]
    ) -> None:
        row = index + 1

        def label(text: Any) -> str:
            return _("%(field)s, row %(row)d") % {"field": text, "row": row}

        self.fields[f"person_{index}"] = forms.ModelChoiceField(
            label=label(_("Person")),
            queryset=people,
            required=False,
            initial=start.get("person"),
            empty_label=_("(named in the next column)"),
        )
        self.fields[f"name_{index}"] = forms.CharField(
            label=label(_("Name, if not in the list")),
            max_length=200,
            required=False,
            initial=start.get("name", ""),
        )
        self.fields[f"role_title_{index}"] = forms.CharField(
            label=label(_("Title or organisation")),
            max_length=200,
            required=False,
            initial=start.get("role_title", ""),
        )
        self.fields[f"capacity_{index}"] = forms.ChoiceField(
            label=label(_("Capacity")),
            choices=[("", _("(not there)")), *Capacity.choices],
            required=False,
            initial=start.get("capacity", ""),
        )
        self.fields[f"replaces_{index}"] = forms.ModelChoiceField(
            label=label(_("Serving for")),
            queryset=members,
            required=False,
            initial=start.get("replaces"),
        )
        for name, text in (("from", _("From §")), ("to", _("To §"))):
            self.fields[f"{name}_{index}"] = WholeField(
                label=label(text),
                required=False,
                min_value=1,
                initial=start.get(name),
                widget=forms.NumberInput(attrs={"size": 4}),
            )

    def table(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [(i + 1, [self[f"{name}_{i}"] for name in FIELDS]) for i in range(self.count)]

    def presiding_fields(self) -> list[forms.BoundField]:
        return [self[f"presiding_{p.number}"] for p in self.presiding_paragraphs]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.broken:
            raise forms.ValidationError(
                _("At most %(count)d rows; load the page again.") % {"count": MAX_ROWS}
            )
        for index in range(self.count):
            named = (cleaned.get(f"name_{index}") or "").strip()
            if named and not cleaned.get(f"capacity_{index}"):  # a person listed was not there
                self.add_error(f"capacity_{index}", _("Choose a capacity, or empty the row."))
        return cleaned

    def rows_and_fields(self) -> tuple[list[Row], dict[str, str]]:
        """The filled rows for the action, and for each (as rows.<n>, the action's key)
        the field its refusal is shown at."""
        rows: list[Row] = []
        fields: dict[str, str] = {}
        for index in range(self.count):
            value = {name: self.cleaned_data.get(f"{name}_{index}") for name in FIELDS}
            if not value["capacity"]:
                continue
            fields[f"rows.{len(rows)}"] = f"person_{index}"
            rows.append(
                Row(
                    capacity=value["capacity"],
                    user=value["person"],
                    name=value["name"] or "",
                    role_title=value["role_title"] or "",
                    replaces=value["replaces"],
                    from_paragraph=value["from"],
                    to_paragraph=value["to"],
                )
            )
        for paragraph in self.presiding_paragraphs:
            fields[f"presiding.{paragraph.number}"] = f"presiding_{paragraph.number}"
        return rows, fields

    def add_action_errors(self, error: Any, names: dict[str, str] | None = None) -> None:
        """The action's refusal of row n shown at that row's person."""
        super().add_action_errors(error, names or self.rows_and_fields()[1])

    def presiding(self) -> dict[int, User]:
        chosen = {
            p.number: self.cleaned_data.get(f"presiding_{p.number}")
            for p in self.presiding_paragraphs
        }
        return {number: person for number, person in chosen.items() if person is not None}
