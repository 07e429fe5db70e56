from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "kitu.procedures"
    label = "procedures"
    verbose_name = "Fachverfahren"
