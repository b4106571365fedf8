"""Reorganisations in the administration, read only: they are planned and carried out
through the actions on the system administrator's pages (/omorganisation/), and their
report is a record that is never changed or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kansli.reorganisation.models import Line, Reorganisation


class LineInline(admin.TabularInline):
    model = Line
    fields = ["kind", "outcome", "old_reference", "new_reference", "text"]
    readonly_fields = ["kind", "outcome", "old_reference", "new_reference", "text"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reorganisation)
class ReorganisationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "planned_at", "carried_out_at"]
    list_filter = ["kind"]
    readonly_fields = ["municipality", "kind", "title", "source_authority", "target_authority",
                       "target_unit", "planned_by", "planned_at", "carried_out_by",
                       "carried_out_at"]  # fmt: skip
    exclude = ["classifications", "units", "cases"]
    inlines = [LineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
