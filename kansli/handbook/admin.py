"""The municipality's rules for what is registered and where, in the administration,
through the action (checked and audited; nothing is deleted)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kansli.handbook import actions
from kansli.handbook.models import RegistrationRule
from kansli.org.admin_base import ActionAdmin

FIELDS = ["handling", "authority", "kept_where", "note"]


@admin.register(RegistrationRule)
class RegistrationRuleAdmin(ActionAdmin):
    fields = ["municipality", "document_type", *FIELDS]
    list_display = ["document_type", "handling", "authority", "kept_where"]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> RegistrationRule:
        return actions.do_set_registration_rule(
            data["municipality"], data["document_type"], data["handling"],
            authority=data.get("authority"), kept_where=data.get("kept_where") or "",
            note=data.get("note") or "", actor=request.user,
        )  # fmt: skip

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        values = {name: changes.get(name, getattr(obj, name)) for name in FIELDS}
        actions.do_set_registration_rule(
            obj.municipality, changes.get("document_type", obj.document_type),
            values["handling"], authority=values["authority"],
            kept_where=values["kept_where"] or "", note=values["note"] or "",
            actor=request.user,
        )  # fmt: skip
