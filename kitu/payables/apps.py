from django.apps import AppConfig


class PayablesConfig(AppConfig):
    name = "kitu.payables"
    label = "payables"
    verbose_name = "Eingangsrechnungen"

    def ready(self) -> None:
        from kitu.core.status import DANGER, NEUTRAL, STATUSES, SUCCESS, WARNING, Status  # noqa: PLC0415

        from .models import InvoiceStatus  # noqa: PLC0415

        tones = {
            InvoiceStatus.MATCHED: SUCCESS,
            InvoiceStatus.TO_REVIEW: WARNING,
            InvoiceStatus.FACTUALLY_APPROVED: WARNING,
            InvoiceStatus.APPROVED: NEUTRAL,
            InvoiceStatus.REJECTED: DANGER,
        }
        STATUSES.setdefault(
            "inbound_invoice", {str(code): Status(InvoiceStatus(code).label, tone) for code, tone in tones.items()}
        )
