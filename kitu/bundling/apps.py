from django.apps import AppConfig


class BundlingConfig(AppConfig):
    name = "kitu.bundling"
    label = "bundling"
    verbose_name = "Bedarfsbündelung"
