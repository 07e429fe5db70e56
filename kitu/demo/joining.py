"""Demo: an online application to join in progress — a fictitious town applied through the public form and
confirmed its address, so the office finds it in the task inbox and decides through the register. Goes
through the real services; idempotent (an application of that name means nothing is created)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kitu.demo.data import DEMO_DOMAIN
from kitu.members.models import JoiningApplication
from kitu.members.services import joining, joining_codes
from kitu.members.validators import leitweg_check_digits

NAME = "Stadt Quedlinburg (fiktiv)"
RESOLUTION = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def seed_joining(today: dt.date | None = None) -> int:
    """The pending online application; returns 1 if it was created now, else 0."""
    if JoiningApplication.objects.filter(name=NAME).exists():
        return 0
    today = today or dt.date.today()
    with transaction.atomic():
        application = joining.application_submit(
            data=joining.ApplicationInput(
                name=NAME,
                member_type="stadt",
                leitweg_id=f"15085235-BEITRITT-{leitweg_check_digits('15085235BEITRITT')}",
                street="Markt 1",
                postcode="06484",
                city="Quedlinburg",
                shares=2,
                council_resolution_date=today - dt.timedelta(days=21),
                contact_name="Erika Musterfrau (Demo)",
                contact_function="Hauptamtsleiterin",
                contact_email=f"beitritt.quedlinburg@{DEMO_DOMAIN}",
                contact_phone="03946 905-0",
            ),
            upload=SimpleUploadedFile("ratsbeschluss.pdf", RESOLUTION, content_type="application/pdf"),
            is_demo=True,
        )
    joining.application_confirm(code=joining_codes.confirm_code(application))
    return 1
