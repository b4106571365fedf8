from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kansli.org import actions
from kansli.org.admin_base import ActionAdmin, action_page
from kansli.org.forms import CloseUnitForm, NewPasswordForm
from kansli.org.models import Authority, Committee, Municipality, RoleAssignment, Unit, User
from kansli.org.permissions import is_sysadmin

admin.site.site_header = "Kansli"
admin.site.site_title = "Kansli"


def _today_s_sysadmin(request: HttpRequest) -> bool:
    """The admin is for today's system administrators, by their role: is_staff and
    is_superuser are set when a role is granted or ended and would outlive a role whose
    last day has passed (and miss one that begins later)."""
    return is_sysadmin(request.user)


admin.site.has_permission = _today_s_sysadmin  # type: ignore[method-assign]
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
        return ["parent", "municipality", "successors", "valid_to", "closing"] if obj else []

    @admin.display(description=gettext_lazy("Close the unit"))
    def closing(self, unit: Unit) -> str:
        url = reverse("admin:org_unit_close", args=[unit.pk])
        return format_html('<a href="{}">{}</a>', url, _("Give its last day and successors…"))

    def get_urls(self) -> list[URLPattern]:
        close = path("<path:object_id>/avsluta/", self.admin_site.admin_view(self.close_view),
                     name="org_unit_close")  # fmt: skip
        return [close, *super().get_urls()]

    def close_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Avsluta enhet: its last day and its successors, through do_close_unit."""

        def close(unit: Unit, data: dict[str, Any]) -> str:
            actions.do_close_unit(unit, data["last_day"], successors=data["successors"],
                                  actor=request.user)  # fmt: skip
            return _("%(unit)s closes on %(day)s.") % {"unit": unit, "day": data["last_day"]}

        return action_page(self, request, object_id, CloseUnitForm, close, _("Close the unit"))

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
    fields = ("username", "first_name", "last_name", "email", "title", "unit", "is_active")
    readonly_fields = ["password_link"]
    inlines = [RoleInline]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*UserAdmin.fields, "password_link") if obj else UserAdmin.fields

    @admin.display(description=gettext_lazy("Password"))
    def password_link(self, user: User) -> str:
        url = reverse("admin:org_user_password", args=[user.pk])
        return format_html('<a href="{}">{}</a>', url, _("Set a new password…"))

    def get_urls(self) -> list[URLPattern]:
        password = path("<path:object_id>/losenord/", self.admin_site.admin_view(
            self.password_view), name="org_user_password")  # fmt: skip
        return [password, *super().get_urls()]

    def password_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A new password for the person, through do_set_password (the same rules as
        the person's own page). The password is never shown or logged. One's own is
        changed on the own page, after the current one (and its lockout)."""
        if object_id == str(request.user.pk):
            return redirect("change_password")

        def set_password(user: User, data: dict[str, Any]) -> str:
            actions.do_set_password(user, data["new_password"], actor=request.user)
            return _("The password of %(user)s has been changed.") % {"user": user}

        def form(user: User, data: dict[str, Any] | None) -> NewPasswordForm:
            return NewPasswordForm(data)

        return action_page(self, request, object_id, form, set_password, _("Set a new password"))

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
    list_display = tuple(actions.ROLE_FIELDS)
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
            call_order=data["call_order"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            actor=request.user,
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        if "call_order" in changes:
            actions.do_set_call_order(obj, changes["call_order"], actor=request.user)
        if "valid_to" in changes and changes["valid_to"] is not None:
            actions.do_end_role(obj, changes["valid_to"], actor=request.user)
