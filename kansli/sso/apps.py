from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "kansli.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from kansli.sso import signout  # noqa: F401 (connects its receiver)
