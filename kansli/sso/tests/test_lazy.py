"""The SAML views are imported at their first request (kansli.sso.views.lazy_view): each
stands in with the CSRF exemption its class gives it, which Django checks before the
view is loaded (the identity provider's POSTs carry no CSRF token)."""

from __future__ import annotations

from typing import Any

from django.urls import resolve
from djangosaml2.views import LoginView, MetadataView

from kansli.sso import saml, urls


def test_the_lazy_saml_views_are_exempt_from_csrf_exactly_as_their_classes() -> None:
    pairs: list[tuple[Any, Any]] = [
        (urls.LOGIN, LoginView),
        (urls.METADATA, MetadataView),
        (urls.ANSWER, saml.AssertionConsumerView),
        (urls.LOGOUT, saml.SingleLogoutView),
    ]
    for lazy, view in pairs:
        assert lazy.csrf_exempt is getattr(view.as_view(), "csrf_exempt", False), view
    # What CsrfViewMiddleware sees: the view the address resolves to (when_enabled's).
    for path in ("/sso/saml/acs/", "/sso/saml/ls/post/"):
        assert getattr(resolve(path).func, "csrf_exempt", False), path
    assert not getattr(resolve("/sso/saml/").func, "csrf_exempt", False)
