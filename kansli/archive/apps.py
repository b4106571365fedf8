from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "kansli.archive"
    verbose_name = _("E-archive transfer")

    def ready(self) -> None:
        from kansli.archive.transferred import received_documents
        from kansli.retention.disposal import transferred_hooks

        if received_documents not in transferred_hooks:
            transferred_hooks.append(received_documents)  # transferred cases leave on time
