from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganisationConfig(AppConfig):
    name = "kansli.reorganisation"
    verbose_name = _("Reorganisation")

    def ready(self) -> None:
        from kansli.reorganisation.numbers import earlier_numbers
        from kansli.search.index import register_text_source

        # A moved case's documents are found by its earlier case number too.
        register_text_source(earlier_numbers)
