from django.urls import path
from djangosaml2.views import LoginView as SamlLoginView
from djangosaml2.views import MetadataView
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from kansli.sso.backchannel import backchannel_logout
from kansli.sso.oidc import CallbackView
from kansli.sso.saml import AssertionConsumerView, SingleLogoutView
from kansli.sso.views import when_enabled

oidc, saml = when_enabled("OIDC_ENABLED"), when_enabled("SAML_ENABLED")

urlpatterns = [
    path("sso/oidc/", oidc(OIDCAuthenticationRequestView.as_view()), name="sso_oidc_start"),
    path("sso/oidc/callback/", oidc(CallbackView.as_view()), name="sso_oidc_callback"),
    path("sso/oidc/logout/", oidc(backchannel_logout), name="sso_oidc_backchannel"),
    path("sso/saml/", saml(SamlLoginView.as_view()), name="sso_saml_start"),
    path("sso/saml/acs/", saml(AssertionConsumerView.as_view()), name="saml2_acs"),
    path("sso/saml/ls/", saml(SingleLogoutView.as_view()), name="saml2_ls"),
    path("sso/saml/ls/post/", saml(SingleLogoutView.as_view()), name="saml2_ls_post"),
    path("sso/saml/metadata/", saml(MetadataView.as_view()), name="sso_saml_metadata"),
]
