"""A town's public face on its defect reporter: the coat of arms and its legal texts (Impressum,
Datenschutzerklärung, Erklärung zur Barrierefreiheit with the address for feedback). Set by the town's
administration only; the public pages show them and link them in their footer."""

from __future__ import annotations

from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied

from . import arms
from .models import LEGAL_TEXT_MAX, DefectService
from .policies import can_manage_service

LEGAL_FIELDS = ("imprint", "privacy", "accessibility", "accessibility_email")
# The pages at /maengel/<town>/<page>/ and the field each shows.
PAGES = {"impressum": "imprint", "datenschutz": "privacy", "barrierefreiheit": "accessibility"}


@transaction.atomic
def legal_save(
    *,
    actor: Any,
    service: DefectService,
    imprint: str,
    privacy: str,
    accessibility: str,
    accessibility_email: str,
    coat_of_arms: tuple[IO[bytes], str, int] | None = None,
    remove_arms: bool = False,
) -> DefectService:
    """Change the town's legal texts and coat of arms (a new upload replaces it; ``remove_arms`` drops it).
    The statement on accessibility needs an address for feedback (BITV 2.0 § 7)."""
    service = DefectService.objects.select_for_update().select_related("member").get(pk=service.pk)
    if not can_manage_service(actor, service):
        raise PermissionDenied(_("Wappen und rechtliche Angaben pflegt die Administration der Kommune."))
    texts = {"imprint": imprint, "privacy": privacy, "accessibility": accessibility}
    for field, text in texts.items():
        if len(text) > LEGAL_TEXT_MAX:
            raise DomainError(_("Höchstens %(n)s Zeichen.") % {"n": LEGAL_TEXT_MAX}, field=field)
    if accessibility.strip() and not accessibility_email.strip():
        raise DomainError(
            _("Geben Sie eine E-Mail-Adresse an, über die Menschen Barrieren melden können."),
            field="accessibility_email",
        )
    clean = arms.clean(coat_of_arms[0], name=coat_of_arms[1], size=coat_of_arms[2]) if coat_of_arms else None
    before = audit.snapshot(service, LEGAL_FIELDS) | {"coat_of_arms": service.coat_of_arms.name}
    old_file = service.coat_of_arms.name
    for field, text in texts.items():
        setattr(service, field, text.strip())
    service.accessibility_email = accessibility_email.strip()
    if clean is not None:
        service.coat_of_arms.save("arms.png", ContentFile(clean.content), save=False)
        service.arms_width, service.arms_height = clean.width, clean.height
    elif remove_arms:
        service.coat_of_arms, service.arms_width, service.arms_height = "", 0, 0
    service.save()
    if old_file and old_file != service.coat_of_arms.name:
        storage = service.coat_of_arms.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit.record(
        actor=actor,
        instance=service,
        action="update",
        before=before,
        after=audit.snapshot(service, LEGAL_FIELDS) | {"coat_of_arms": service.coat_of_arms.name},
    )
    return service
