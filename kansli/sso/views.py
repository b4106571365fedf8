"""The pages single sign-on shows itself: the refusal, and the protocols' views
answering 404 while their protocol is not configured."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

FAILED = "Inloggningen via identitetsleverantören misslyckades. Försök igen."


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """The sign-in did not happen, and why."""
    return render(request, "sso/refused.html", {"message": message}, status=403)


def when_enabled(flag: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view that exists only while the setting `flag` is true."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not getattr(settings, flag, False):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def lazy_view(path: str, *, csrf_exempt: bool = False) -> Callable[..., Any]:
    """The class-based view `path` ("module.Class"), its module imported at the first
    request: pysaml2 takes half a second and 28 MB to import, which no process of an
    installation without SAML should pay. `csrf_exempt` must be said here, as the view
    class says it (its POSTs come from the identity provider): the check runs before
    the view is loaded."""

    @functools.cache
    def loaded() -> Callable[..., Any]:
        module, name = path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name).as_view()

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return loaded()(request, *args, **kwargs)

    view.csrf_exempt = csrf_exempt  # type: ignore[attr-defined]
    return view


# What mozilla-django-oidc and djangosaml2 pass to authenticate(): no password.
SSO_CREDENTIALS = frozenset({"nonce", "code_verifier", "session_info"})


def not_a_password(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """django-axes' exemption (AXES_WHITELIST_CALLABLE): a single sign-on is no guess at
    a password, so its refusals count no failure and lock nobody out (they would lock
    out the address with an empty username, everyone behind it)."""
    return credentials is not None and not SSO_CREDENTIALS.isdisjoint(credentials)
