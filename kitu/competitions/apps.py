from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "kitu.competitions"
    verbose_name = "Kleinwettbewerbe"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import hooks  # noqa: PLC0415  (models are loaded only now)

        hooks.register()
