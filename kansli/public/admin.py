"""The public e-diary's policy per authority in the administration, through the action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kansli.org.admin_base import ActionAdmin
from kansli.public import actions
from kansli.public.models import DiaryPolicy


@admin.register(DiaryPolicy)
class DiaryPolicyAdmin(ActionAdmin):
    list_display = ["authority", "mask_private_names"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["authority"] if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> DiaryPolicy:
        return actions.do_set_diary_policy(
            data["authority"], mask_private_names=data["mask_private_names"], actor=request.user
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        if "mask_private_names" in changes:
            actions.do_set_diary_policy(
                obj.authority, mask_private_names=changes["mask_private_names"], actor=request.user
            )
