from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kansli.org.models import Role, User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: who you are, and your roles per authority and committee."""
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
        },
    )
