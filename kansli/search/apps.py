from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kansli.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from kansli.search import files

        files.connect()
