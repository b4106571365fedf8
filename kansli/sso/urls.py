from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from kansli.sso.backchannel import backchannel_logout
from kansli.sso.oidc import CallbackView
from kansli.sso.views import lazy_view, when_enabled

oidc, saml = when_enabled("OIDC_ENABLED"), when_enabled("SAML_ENABLED")
# pysaml2 is imported by the first SAML request (kansli.sso.views.lazy_view).
LOGIN = lazy_view("djangosaml2.views.LoginView")
METADATA = lazy_view("djangosaml2.views.MetadataView")
ANSWER = lazy_view("kansli.sso.saml.AssertionConsumerView", csrf_exempt=True)
LOGOUT = lazy_view("kansli.sso.saml.SingleLogoutView", csrf_exempt=True)

urlpatterns = [
    path("sso/oidc/", oidc(OIDCAuthenticationRequestView.as_view()), name="sso_oidc_start"),
    path("sso/oidc/callback/", oidc(CallbackView.as_view()), name="sso_oidc_callback"),
    path("sso/oidc/logout/", oidc(backchannel_logout), name="sso_oidc_backchannel"),
    path("sso/saml/", saml(LOGIN), name="sso_saml_start"),
    path("sso/saml/acs/", saml(ANSWER), name="saml2_acs"),
    path("sso/saml/ls/", saml(LOGOUT), name="saml2_ls"),
    path("sso/saml/ls/post/", saml(LOGOUT), name="saml2_ls_post"),
    path("sso/saml/metadata/", saml(METADATA), name="sso_saml_metadata"),
]
