"""Django admin pages that save through the actions, so that a change made in the admin
is checked and audited exactly like one made anywhere else, and nothing is deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _


class _DryRun(Exception):
    """Rolls back the check of a form's action (ActionAdmin.get_form)."""


class ActionAdmin(admin.ModelAdmin):
    """A model admin whose saves are actions. The action is first run while the form is
    checked, in a transaction that is rolled back: what it refuses (ValidationError,
    PermissionDenied) is shown on the form, in Swedish, instead of a server error, and
    nothing is saved; then it runs for real when the admin saves."""

    def create(self, request: HttpRequest, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def change(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        raise NotImplementedError

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm]:
        form_class = super().get_form(request, obj, change, **kwargs)
        run = self._run

        class CheckedByTheAction(form_class):  # type: ignore[valid-type, misc]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                if self.errors:
                    return data
                try:
                    with transaction.atomic():
                        run(request, obj, self, change)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as error:
                    self.add_error(None, error.messages)
                except PermissionDenied as error:
                    self.add_error(None, str(error) or _("Not allowed."))
                return data

        return CheckedByTheAction

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        created = self._run(request, obj, form, change)
        if created is not None:
            obj.pk = created.pk
            obj.refresh_from_db()

    def _run(
        self, request: HttpRequest, obj: Any, form: ModelForm, change: bool
    ) -> models.Model | None:
        """The action for the form: change the object, or create one (returned)."""
        if change:
            current = type(obj).objects.get(pk=obj.pk)
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            self.change(request, current, changes)
            return None
        return self.create(request, form.cleaned_data)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        """Many-to-many values were saved by the action."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def action_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    object_id: str,
    make_form: Callable[[Any, dict[str, Any] | None], forms.Form],
    run: Callable[[Any, dict[str, Any]], str],
    title: str,
) -> HttpResponse:
    """An admin page of one object with a small form whose action is `run`: what the
    action refuses (ValidationError, PermissionDenied) is shown on the form, in Swedish,
    and nothing is saved (the action is one transaction); done, `run`'s message is shown
    on the object's page. Only for those who may change the object."""
    obj = model_admin.get_object(request, object_id)
    if obj is None:
        raise Http404
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    form = make_form(obj, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            done = run(obj, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Not allowed."))
        else:
            model_admin.message_user(request, done)
            opts = model_admin.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                    args=[obj.pk]))  # fmt: skip
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "form": form,
        "title": title,
    }
    return TemplateResponse(request, "admin/org/action_page.html", context)
