from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kansli.reports"
    verbose_name = _("Officer's reports")
