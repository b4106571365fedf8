from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kansli.org.actions import do_refuse_password_change, do_set_case_reminders, do_set_password
from kansli.org.models import Role, User
from kansli.web.forms import PasswordForm
from kansli.web.todo import to_do


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: who you are, what is to be done next, and your roles per
    authority and committee."""
    assert isinstance(request.user, User)  # login_required
    roles = list(request.user.active_roles().order_by("authority__code", "committee__code"))
    body_roles = [r for r in roles if r.role != Role.SYSADMIN]
    grouped = [
        (body, list(items))
        for body, items in groupby(body_roles, key=lambda r: r.committee or r.authority)
    ]
    return render(
        request,
        "web/home.html",
        {
            "roles_by_body": grouped,
            "system_roles": [r for r in roles if r.role == Role.SYSADMIN],
            "to_do": to_do(request.user),
        },
    )


@never_cache
@login_required
def change_password(request: HttpRequest) -> HttpResponse:
    """Byt lösenord: the signed-in person's own password, after the current one. This
    session stays signed in; the person's other sessions end."""
    user = request.user
    assert isinstance(user, User)  # login_required
    form = PasswordForm(user, request.POST or None)
    if form.is_bound:
        with transaction.atomic():
            # One check at a time per person (the row lock; SQLite's write lock): guesses
            # sent at once queue, and each sees the failures before it.
            User.objects.select_for_update().only("pk").get(pk=user.pk)
            if not form.is_valid() and form.has_error("current_password", "wrong_password"):
                do_refuse_password_change(user, actor=user)
    if form.is_bound and form.is_valid():
        try:
            do_set_password(user, form.cleaned_data["new_password"], actor=user)
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "web/password.html", {"form": form})


@login_required
@require_POST
def case_reminders(request: HttpRequest) -> HttpResponse:
    """The start page's switch for the morning e-mail about one's own cases."""
    assert isinstance(request.user, User)  # login_required
    on = request.POST.get("on") == "1"
    do_set_case_reminders(request.user, on, actor=request.user)
    messages.success(
        request,
        _("You will get e-mail reminders about your cases.")
        if on
        else _("You will not get e-mail reminders about your cases."),
    )
    return redirect("home")
