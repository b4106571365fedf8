"""An authority's own graphic profile in the administration, through the action
(checked and audited; nothing is deleted)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kansli.drafting import actions
from kansli.drafting.models import AuthorityProfile
from kansli.files.models import StoredFile
from kansli.files.store import store_upload
from kansli.org.admin_base import ActionAdmin

FIELDS = ["colour", "accent_colour", "footer", "address"]


class AuthorityProfileForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or SVG; empty: keep the one there is."),
    )

    class Meta:
        model = AuthorityProfile
        fields = ["authority", *FIELDS]

    def clean_logo_upload(self) -> StoredFile | None:
        upload = self.cleaned_data.get("logo_upload")
        if isinstance(upload, StoredFile):  # the admin may check a form twice
            return upload
        stored = store_upload(upload) if upload else None
        if stored is not None and not stored.content_type.startswith("image/"):
            raise forms.ValidationError(_("The logo must be an image (PNG, JPEG or SVG)."))
        return stored


@admin.register(AuthorityProfile)
class AuthorityProfileAdmin(ActionAdmin):
    form = AuthorityProfileForm
    list_display = ["authority", "colour", "accent_colour"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["authority"] if obj else []

    def _save(self, request: HttpRequest, authority: Any, data: dict[str, Any]) -> Any:
        return actions.do_set_authority_profile(
            authority, logo=data.get("logo_upload"), actor=request.user,
            **{name: data.get(name) or "" for name in FIELDS},
        )  # fmt: skip

    def create(self, request: HttpRequest, data: dict[str, Any]) -> AuthorityProfile:
        return self._save(request, data["authority"], data)

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        current = {name: getattr(obj, name) for name in FIELDS} | changes
        self._save(request, obj.authority, current)
