from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "kitu.governance"
    label = "governance"
    verbose_name = "Genossenschaftsorgane und Generalversammlung"
