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
from kansli.meetings.models import Body, DelegationPoint, GraphicProfile
from kansli.org.admin_base import ActionAdmin

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
        fields = ["municipality", "colour", "font_family", "court", "minutes_kept_at"]

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
        } | changes
        self._save(request, obj.municipality, current)


@admin.register(DelegationPoint)
class DelegationPointAdmin(ActionAdmin):
    list_display = ["authority", "code", "title", "delegate", "reported"]
    list_filter = ["authority"]
    fields = ["authority", "code", "title", "delegate", "reported"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A point is added, not rewritten: decisions were taken under its wording."""
        return False

    def create(self, request: HttpRequest, data: dict[str, Any]) -> DelegationPoint:
        return actions.do_add_delegation_point(
            data["authority"],
            data["code"],
            data["title"],
            data["delegate"],
            reported=data["reported"],
            actor=request.user,
        )
