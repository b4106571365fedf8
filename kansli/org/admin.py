from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from kansli.org import actions
from kansli.org.admin_base import ActionAdmin
from kansli.org.models import Authority, Committee, Municipality, RoleAssignment, Unit, User

admin.site.site_header = "Kansli"
admin.site.site_title = "Kansli"
admin.site.unregister(Group)


@admin.register(Municipality)
class MunicipalityAdmin(ActionAdmin):
    list_display = ["name", "org_number"]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Municipality:
        return actions.do_create_municipality(data["name"], data["org_number"], actor=request.user)

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_municipality(obj, actor=request.user, **changes)


@admin.register(Authority)
class AuthorityAdmin(ActionAdmin):
    list_display = ["code", "name", "kind", "municipality", "valid_from", "valid_to"]
    list_filter = ["kind", "municipality"]
    filter_horizontal = ["served_municipalities"]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Authority:
        return actions.do_create_authority(
            data["municipality"],
            data["kind"],
            data["code"],
            data["name"],
            valid_from=data["valid_from"],
            served_municipalities=data["served_municipalities"],
            actor=request.user,
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_authority(obj, actor=request.user, **changes)


@admin.register(Committee)
class CommitteeAdmin(ActionAdmin):
    list_display = ["code", "name", "authority", "valid_from", "valid_to"]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Committee:
        return actions.do_create_committee(
            data["authority"],
            data["code"],
            data["name"],
            valid_from=data["valid_from"],
            actor=request.user,
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_committee(obj, actor=request.user, **changes)


@admin.register(Unit)
class UnitAdmin(ActionAdmin):
    list_display = ["name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name"]
    filter_horizontal = ["authorities", "successors"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["parent", "municipality", "successors", "valid_to"] if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Unit:
        return actions.do_create_unit(
            data["municipality"],
            data["kind"],
            data["name"],
            parent=data["parent"],
            valid_from=data["valid_from"],
            authorities=data["authorities"],
            actor=request.user,
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_unit(obj, actor=request.user, **changes)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fields = readonly_fields = (
        "role",
        "authority",
        "committee",
        "position",
        "valid_from",
        "valid_to",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ActionAdmin):
    list_display = ["username", "first_name", "last_name", "title", "unit", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = ["username", "first_name", "last_name", "email", "title", "unit", "is_active"]
    inlines = [RoleInline]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> User:
        return actions.do_create_user(
            data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            title=data["title"],
            unit=data["unit"],
            actor=request.user,
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_user(obj, actor=request.user, **changes)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ActionAdmin):
    list_display = ["user", "role", "authority", "committee", "position", "valid_from", "valid_to"]
    list_filter = ["role", "authority"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["user", "role", "authority", "committee", "position", "valid_from"]
        return fixed if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> RoleAssignment:
        return actions.do_grant_role(
            data["user"],
            data["role"],
            authority=data["authority"],
            committee=data["committee"],
            position=data["position"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            actor=request.user,
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        if "valid_to" in changes and changes["valid_to"] is not None:
            actions.do_end_role(obj, changes["valid_to"], actor=request.user)
