from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kansli.requests.actions.fees import do_set_fee_schedule
from kansli.requests.models import FeeSchedule


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    """A municipality's fees for copies, set through the action, which audits them. A
    municipality without one charges by the state's model."""

    list_display = ["municipality", "free_pages", "base_fee", "base_pages", "page_fee"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FeeSchedule, form: Any, change: bool) -> None:
        saved = do_set_fee_schedule(
            obj.municipality,
            free_pages=obj.free_pages,
            base_fee=obj.base_fee,
            base_pages=obj.base_pages,
            page_fee=obj.page_fee,
            actor=request.user,
        )
        obj.pk = saved.pk
