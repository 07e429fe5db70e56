from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "kitu.council"
    label = "council"
    verbose_name = "Digitale Gremienarbeit"
