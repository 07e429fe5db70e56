from django.apps import AppConfig


class DefectsConfig(AppConfig):
    name = "kitu.defects"
    label = "defects"
    verbose_name = "Mängelmelder"
