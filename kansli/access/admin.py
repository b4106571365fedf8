"""Access groups and their members in the administration, through the actions (so
every change is checked and audited, and nothing is deleted)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kansli.access import actions
from kansli.access.models import AccessGroup, Membership
from kansli.org.admin_base import ActionAdmin


@admin.register(AccessGroup)
class AccessGroupAdmin(ActionAdmin):
    list_display = ["name", "authority", "unit"]
    list_filter = ["authority"]
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["authority", "unit", "name"] if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> AccessGroup:
        return actions.do_create_access_group(
            data["authority"], data["name"], unit=data.get("unit"), actor=request.user
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        """Nothing of a group changes once made (its members do)."""


@admin.register(Membership)
class MembershipAdmin(ActionAdmin):
    list_display = ["user", "group", "valid_from", "valid_to"]
    list_filter = ["group"]
    search_fields = ["user__username", "user__last_name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["group", "user", "valid_from", "added_by"] if obj else ["added_by"]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Membership:
        return actions.do_add_member(
            data["group"], data["user"], valid_from=data.get("valid_from"), actor=request.user
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        if "valid_to" in changes:
            if changes["valid_to"] is None:
                raise ValidationError(
                    "Ett avslutat medlemskap öppnas inte igen: lägg till ett nytt."
                )
            actions.do_end_membership(obj, last_day=changes["valid_to"], actor=request.user)
