from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganisationConfig(AppConfig):
    name = "kansli.reorganisation"
    verbose_name = _("Reorganisation")

    def ready(self) -> None:
        from kansli.reorganisation.numbers import current_number
        from kansli.search.query import register_number_alias

        # A search for a moved case's earlier number finds it (kansli.search).
        register_number_alias(current_number)
