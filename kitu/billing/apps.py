from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "kitu.billing"
    label = "billing"
    verbose_name = "Leistungen und Abrechnung"

    def ready(self) -> None:
        from . import checks  # noqa: F401, PLC0415  (registers the seller check)
