from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kitu.catalog"
    label = "catalog"
    verbose_name = "Katalog"
