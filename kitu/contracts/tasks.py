from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from kitu.accounts.models import User
from kitu.accounts.roles import Role


@shared_task
def send_volume_warning(contract_label: str, limit_label: str, percent: int) -> int:
    """Mail the contract managers that a limit passed a warning threshold; returns the number of mails."""
    recipients = sorted(
        set(
            User.objects.filter(is_active=True, role_assignments__role=Role.CONTRACT_MANAGER).values_list(
                "email", flat=True
            )
        )
    )
    if not recipients:
        return 0
    send_mail(
        f"Rahmenvertrag {contract_label}: {percent} % der Höchstmenge erreicht",
        f"{limit_label} hat {percent} % der vereinbarten Höchstmenge bzw. des Höchstwerts erreicht.\n"
        "Ab 100 % sind keine Abrufe mehr möglich.",
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return len(recipients)
