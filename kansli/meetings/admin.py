"""The bodies' rules and the graphic profile in the administration, through the
actions (checked and audited; nothing is deleted)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kansli.files.models import StoredFile
from kansli.files.store import store_upload
from kansli.meetings import actions
from kansli.meetings.actions.delegation import do_set_delegates
from kansli.meetings.models import Body, DelegationPoint, GraphicProfile
from kansli.org.admin_base import ActionAdmin
from kansli.org.models import User

RULES = [
    "item_deadline_workdays",
    "dispatch_workdays",
    "place",
    "term_start_month",
    "term_start_day",
]


@admin.register(Body)
class BodyAdmin(ActionAdmin):
    list_display = ["__str__", "item_deadline_workdays", "dispatch_workdays", "place"]
    fields = ["authority", "committee", *RULES]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["authority", "committee"] if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Body:
        return actions.do_create_body(
            data["authority"],
            committee=data["committee"],
            actor=request.user,
            **{name: data[name] for name in RULES},
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_body_rules(obj, actor=request.user, **changes)


class GraphicProfileForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or SVG; empty: keep the one there is."),
    )

    class Meta:
        model = GraphicProfile
        fields = [
            "municipality", "colour", "accent_colour", "font_family", "footer", "address",
            "court", "minutes_kept_at",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accent_colour"].required = False  # empty: keep the one there is

    def clean_logo_upload(self) -> StoredFile | None:
        """Stored (once, by its SHA-256) while the form is checked, so that a file that
        is not an image is refused next to the field."""
        upload = self.cleaned_data.get("logo_upload")
        if isinstance(upload, StoredFile):  # the admin may check a form twice
            return upload
        stored = store_upload(upload) if upload else None
        if stored is not None and not stored.content_type.startswith("image/"):
            raise forms.ValidationError(_("The logo must be an image (PNG, JPEG or SVG)."))
        return stored


@admin.register(GraphicProfile)
class GraphicProfileAdmin(ActionAdmin):
    form = GraphicProfileForm
    list_display = ["municipality", "colour", "font_family", "court"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["municipality"] if obj else []

    def _save(self, request: HttpRequest, municipality: Any, data: dict[str, Any]) -> Any:
        return actions.do_set_graphic_profile(
            municipality,
            colour=data["colour"],
            font_family=data["font_family"],
            logo=data.get("logo_upload"),
            court=data["court"],
            minutes_kept_at=data["minutes_kept_at"],
            accent_colour=data.get("accent_colour") or None,
            footer=data.get("footer"),
            address=data.get("address"),
            actor=request.user,
        )

    def create(self, request: HttpRequest, data: dict[str, Any]) -> GraphicProfile:
        return self._save(request, data["municipality"], data)

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        current = {
            "colour": obj.colour,
            "font_family": obj.font_family,
            "court": obj.court,
            "minutes_kept_at": obj.minutes_kept_at,
            "accent_colour": obj.accent_colour,
            "footer": obj.footer,
            "address": obj.address,
        } | changes
        self._save(request, obj.municipality, current)


PEOPLE = ["holder", "substitute", "second_substitute"]
POINT_FIELDS = ["authority", "code", "title", "delegate", "reported"]
LIMITS = ["classifications", "max_amount", "appeal_route"]


class DelegationPointForm(forms.ModelForm):
    """The point with the people who hold it in order: the delegate and up to two
    substitutes (ersättare i tur och ordning)."""

    holder = forms.ModelChoiceField(
        User.objects.filter(is_active=True), label=_("Delegate (person)"), required=False
    )
    substitute = forms.ModelChoiceField(
        User.objects.filter(is_active=True), label=_("First substitute"), required=False
    )
    second_substitute = forms.ModelChoiceField(
        User.objects.filter(is_active=True), label=_("Second substitute"), required=False
    )

    class Meta:
        model = DelegationPoint
        fields = [*POINT_FIELDS, *LIMITS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            held = [d.user for d in self.instance.delegates.select_related("user")]
            for name, user in zip(PEOPLE, held, strict=False):
                self.fields[name].initial = user


def _people(data: dict[str, Any]) -> list[Any]:
    return [data[name] for name in PEOPLE if data.get(name) is not None]


@admin.register(DelegationPoint)
class DelegationPointAdmin(ActionAdmin):
    form = DelegationPointForm
    list_display = ["authority", "code", "title", "delegate", "reported"]
    list_filter = ["authority"]
    fields = [*POINT_FIELDS, *LIMITS, *PEOPLE]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """A point is added, not rewritten: decisions were taken under its wording.
        Only who holds it changes (do_set_delegates)."""
        return [*POINT_FIELDS, *LIMITS] if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> DelegationPoint:
        return actions.do_add_delegation_point(
            data["authority"],
            data["code"],
            data["title"],
            data["delegate"],
            reported=data["reported"],
            delegates=_people(data),
            classifications=data["classifications"],
            max_amount=data["max_amount"],
            appeal_route=data["appeal_route"],
            actor=request.user,
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        if changes:
            people = {name: changes.get(name, self._held(obj, name)) for name in PEOPLE}
            do_set_delegates(obj, _people(people), actor=request.user)

    def _held(self, point: DelegationPoint, name: str) -> Any:
        held = [d.user for d in point.delegates.select_related("user")]
        index = PEOPLE.index(name)
        return held[index] if index < len(held) else None
