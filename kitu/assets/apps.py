from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "kitu.assets"
    label = "assets"
    verbose_name = "IT-Inventar"
