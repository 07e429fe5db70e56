from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "kitu.servicedesk"
    label = "servicedesk"
    verbose_name = "Servicedesk"

    def ready(self) -> None:
        from kitu.billing import usage  # noqa: PLC0415

        from . import billing_source  # noqa: PLC0415

        usage.register(billing_source.TimeRecords())
