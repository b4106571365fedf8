from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kansli.web"
    verbose_name = "Webb"
