from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "kansli.retention"
    verbose_name = _("Document management plan")
