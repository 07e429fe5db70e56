from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "kitu.billing"
    label = "billing"
    verbose_name = "Leistungen und Abrechnung"
