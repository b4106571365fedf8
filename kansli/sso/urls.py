from django.urls import path
from djangosaml2.views import LoginView as SamlLoginView
from djangosaml2.views import MetadataView
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from kansli.sso.oidc import CallbackView
from kansli.sso.saml import AssertionConsumerView
from kansli.sso.views import when_enabled

oidc, saml = when_enabled("OIDC_ENABLED"), when_enabled("SAML_ENABLED")

urlpatterns = [
    path("sso/oidc/", oidc(OIDCAuthenticationRequestView.as_view()), name="sso_oidc_start"),
    path("sso/oidc/callback/", oidc(CallbackView.as_view()), name="sso_oidc_callback"),
    path("sso/saml/", saml(SamlLoginView.as_view()), name="sso_saml_start"),
    path("sso/saml/acs/", saml(AssertionConsumerView.as_view()), name="saml2_acs"),
    path("sso/saml/metadata/", saml(MetadataView.as_view()), name="sso_saml_metadata"),
]
