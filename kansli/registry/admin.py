from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kansli.org.admin_base import ActionAdmin
from kansli.registry import actions
from kansli.registry.models import Classification, NamingRule, SecrecyProvision


@admin.register(SecrecyProvision)
class SecrecyProvisionAdmin(ActionAdmin):
    list_display = ["reference", "title", "active"]
    list_filter = ["active"]
    search_fields = ["reference", "title"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["reference"] if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> SecrecyProvision:
        return actions.do_add_secrecy_provision(
            data["reference"], data["title"], actor=request.user
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_secrecy_provision(obj, actor=request.user, **changes)


DEFAULTS = ["default_secrecy", "default_withhold_counterpart", "default_withhold_description"]


@admin.register(Classification)
class ClassificationAdmin(ActionAdmin):
    """Loaded from CSV with `kansli classification load AUTHORITY FILE`; here only each
    process's default secrecy provision is set."""

    list_display = ["code", "title", "authority", "active", "default_secrecy"]
    list_filter = ["authority", "active"]
    search_fields = ["code", "title"]
    fields = ["authority", "code", "title", "parent", "active", "default_secrecy",
              "default_withhold_counterpart", "default_withhold_description"]  # fmt: skip
    readonly_fields = ["authority", "code", "title", "parent", "active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        values = {name: changes.get(name, getattr(obj, name)) for name in DEFAULTS}
        actions.do_set_default_secrecy(
            obj,
            values["default_secrecy"],
            withhold_counterpart=values["default_withhold_counterpart"],
            withhold_description=values["default_withhold_description"],
            actor=request.user,
        )


@admin.register(NamingRule)
class NamingRuleAdmin(ActionAdmin):
    """Standardised naming: a pattern per document type, offered when registering."""

    list_display = ["document_type", "pattern", "active"]
    list_filter = ["active"]
    search_fields = ["document_type", "pattern"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["document_type"] if obj else []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> NamingRule:
        return actions.do_add_naming_rule(
            data["document_type"], data["pattern"], active=data["active"], actor=request.user
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_naming_rule(obj, actor=request.user, **changes)
