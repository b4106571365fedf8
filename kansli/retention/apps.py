from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "kansli.retention"
    verbose_name = _("Document management plan")

    def ready(self) -> None:
        from kansli.registry.guards import void_guards
        from kansli.retention import doctypes
        from kansli.retention.holds import void_guard

        if void_guard not in void_guards:
            void_guards.append(void_guard)  # held material is not voided
        doctypes.register()  # the types a case's documents may have
