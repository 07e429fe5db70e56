from django.apps import AppConfig


class PayablesConfig(AppConfig):
    name = "kitu.payables"
    label = "payables"
    verbose_name = "Eingangsrechnungen"
