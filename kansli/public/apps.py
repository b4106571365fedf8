from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "kansli.public"
    verbose_name = _("Public e-diary")
