"""Django admin pages that save through the actions, so that a change made in the admin
is checked and audited exactly like one made anywhere else, and nothing is deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest


class ActionAdmin(admin.ModelAdmin):
    def create(self, request: HttpRequest, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if change:
            current = type(obj).objects.get(pk=obj.pk)
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            self.change(request, current, changes)
        else:
            created = self.create(request, form.cleaned_data)
            obj.pk = created.pk
            obj.refresh_from_db()

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        """Many-to-many values were saved by the action."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
