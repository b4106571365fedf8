from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "kansli.public"
    verbose_name = _("Public e-diary")

    def ready(self) -> None:
        """The public pages' cache is told of every audit event (pagecache.py)."""
        from kansli.audit import chain
        from kansli.public import pagecache

        if pagecache.marks not in chain.on_record:
            chain.on_record.append(pagecache.marks)
