from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "kansli.public"
    verbose_name = _("Public e-diary")

    def ready(self) -> None:
        """The public pages' cache is told of every audit event (pagecache.py), and a
        disposal takes the published files it removes out of the e-diary."""
        from kansli.audit import chain
        from kansli.public import pagecache
        from kansli.public.actions import unpublish_files
        from kansli.retention.disposal import files_going_hooks

        if pagecache.marks not in chain.on_record:
            chain.on_record.append(pagecache.marks)
        if unpublish_files not in files_going_hooks:
            files_going_hooks.append(unpublish_files)
