"""The functional mailboxes in the administration, through the actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kansli.mailbox import actions
from kansli.mailbox.models import Mailbox
from kansli.org.admin_base import ActionAdmin


@admin.register(Mailbox)
class MailboxAdmin(ActionAdmin):
    list_display = ("__str__", "authority", "folders", "processed_folder", "active")
    fields = tuple(actions.MAILBOX_FIELDS)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Mailbox:
        return actions.do_add_mailbox(
            actor=request.user, **{name: data[name] for name in actions.MAILBOX_FIELDS}
        )

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        actions.do_change_mailbox(obj, changes, actor=request.user)
