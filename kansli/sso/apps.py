from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "kansli.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from kansli.sso import signout  # noqa: F401 (connects its receiver)

        if settings.SAML_ENABLED:  # the views are lazy (urls.py): a broken install shows here
            import kansli.sso.saml  # noqa: F401
