from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kitu.demo"
    label = "demo"
    verbose_name = "Demodaten"
