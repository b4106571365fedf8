from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "kansli.files"
    verbose_name = _("Files")

    def ready(self) -> None:
        from kansli.files import checks  # noqa: F401 - registers the system check
