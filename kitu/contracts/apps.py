from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "kitu.contracts"
    label = "contracts"
    verbose_name = "Rahmenverträge"
