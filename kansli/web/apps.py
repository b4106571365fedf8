from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kansli.web"
    verbose_name = "Webb"

    def ready(self) -> None:
        from kansli.web import checklist  # noqa: F401 - registers the production checklist
