from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kitu.core"
    label = "core"
    verbose_name = "Kern"
