"""Two-step verification in the admin: who has set it up (read only, never the keys),
and a reset for a lost phone through the action. Registered before django-otp's own
admin pages (kansli.web comes first in INSTALLED_APPS), which would show the keys and
delete without an audit event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansli.web import actions


@admin.action(description=_("Reset two-step verification (set up again at the next login)"))
def reset_two_factor(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    for user in {device.user for device in queryset.select_related("user")}:
        try:
            actions.do_reset_two_factor(user, actor=request.user)
        except ValidationError as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)


class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    actions = [reset_two_factor]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)
