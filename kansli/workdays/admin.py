from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from kansli.workdays.actions import do_add_closed_day, do_remove_closed_day
from kansli.workdays.models import ClosedDay


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    """Closed days are added and removed through the actions, which audit them; an
    existing closed day is not changed (remove it and add another)."""

    list_display = ["date", "reason", "municipality"]
    list_filter = ["municipality"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ClosedDay, form: Any, change: bool) -> None:
        closed_day = do_add_closed_day(obj.municipality, obj.date, obj.reason, actor=request.user)
        obj.pk = closed_day.pk

    def delete_model(self, request: HttpRequest, obj: ClosedDay) -> None:
        do_remove_closed_day(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClosedDay]) -> None:
        with transaction.atomic():
            for closed_day in queryset.select_related("municipality"):
                do_remove_closed_day(closed_day, actor=request.user)
