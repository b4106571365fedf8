from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kansli.demo"
    verbose_name = "Demo"
