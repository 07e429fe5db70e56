"""Mini-competitions (Kleinwettbewerb, § 21 (4)/(5) VgV) among the suppliers of a framework lot: the
request with its lines and award criteria, the invitations, the suppliers' sealed offers, the points for
criteria other than price, and the award that becomes a call-off order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kitu.contracts.models import Lot, Supplier
from kitu.members.models import Member
from kitu.orders.models import Order


class Status(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    OPEN = "open", _("versendet, Angebotsfrist läuft")
    AWARDED = "awarded", _("zugeschlagen")
    CANCELLED = "cancelled", _("aufgehoben")


class Competition(models.Model):
    """A request (Anfrage) of one member to every supplier of a lot."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="competitions")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="competitions")
    title = models.CharField(_("Gegenstand"), max_length=200)
    delivery_date = models.DateField(_("gewünschter Liefertermin"))
    deadline = models.DateTimeField(_("Angebotsfrist"))
    price_points = models.PositiveSmallIntegerField(_("Punkte für den Preis"), default=100)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("zugeschlagen am"), null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    winner = models.ForeignKey(
        "Offer", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Zuschlag an")
    )
    award_reason = models.TextField(_("Begründung des Zuschlags"), blank=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Abrufbestellung")
    )
    is_bundle = models.BooleanField(
        _("Bündelanfrage der Geschäftsstelle"),
        default=False,
        help_text=_("Für mehrere Mitglieder; ``member`` ist dann das erste von ihnen (siehe BundleMember)."),
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price_points__lte=100), name="competitions_price_points_max"),
        ]
        # The open requests by deadline: the tasks (to award, to offer) on every page read these few, not
        # every request there ever was.
        indexes = [models.Index(fields=["deadline"], condition=Q(status="open"), name="competitions_open_idx")]
        verbose_name = _("Kleinwettbewerb")
        verbose_name_plural = _("Kleinwettbewerbe")

    def __str__(self) -> str:
        return f"KW-{self.pk}: {self.title}"

    @property
    def buyer_name(self) -> str:
        """Who asks: the member, or for a bundle the office on behalf of its members (mails, list, PDF)."""
        if not self.is_bundle:
            return self.member.name
        names = ", ".join(bm.member.name for bm in self.bundle_members.select_related("member__organisation"))
        return gettext("Die Geschäftsstelle der Genossenschaft für %(members)s") % {"members": names}

    @property
    def order_numbers(self) -> str:
        """The call-off order numbers of the award (one per member for a bundle)."""
        if not self.is_bundle:
            return self.order.number if self.order else ""
        return ", ".join(
            n for n in self.bundle_members.exclude(order=None).values_list("order__number", flat=True) if n
        )

    @property
    def reference(self) -> str:
        return f"KW-{self.created_at:%Y}-{self.pk:05d}" if self.pk and self.created_at else "KW"


class Criterion(models.Model):
    """An award criterion besides the price, with its points (the price's and these sum to 100)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("Kriterium"), max_length=120)
    points = models.PositiveSmallIntegerField(_("Punkte"))

    class Meta:
        ordering = ["competition", "pk"]
        verbose_name = _("Zuschlagskriterium")
        verbose_name_plural = _("Zuschlagskriterien")

    def __str__(self) -> str:
        return f"{self.name} ({self.points})"


class RequestLine(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("Pos."))
    description = models.CharField(_("Leistungsbeschreibung"), max_length=150)
    quantity = models.PositiveIntegerField(_("Menge"))
    unit = models.CharField(_("Einheit"), max_length=20, default="Stück")
    article_pid = models.CharField(_("Artikelnummer (Katalog)"), max_length=32, blank=True)

    class Meta:
        ordering = ["competition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "position"], name="competitions_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="competitions_line_quantity_positive"),
        ]
        verbose_name = _("Position der Anfrage")
        verbose_name_plural = _("Positionen der Anfrage")

    def __str__(self) -> str:
        return f"{self.position}. {self.quantity} × {self.description}"


class Invitation(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="competition_invitations")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competition", "supplier__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "supplier"], name="competitions_invitation_unique")
        ]
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")

    def __str__(self) -> str:
        return f"{self.competition} → {self.supplier}"


def offer_path(instance: models.Model, filename: str) -> str:
    return f"competitions/{instance.competition_id}/{filename}"  # type: ignore[attr-defined]


class Offer(models.Model):
    """A supplier's offer: sealed until the deadline (see selectors.offers_visible)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="offers")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="competition_offers")
    delivery_date = models.DateField(_("Liefertermin"))
    document = models.FileField(_("Angebotsdokument"), upload_to=offer_path)
    submitted_at = models.DateTimeField(_("abgegeben am (Uhr der Datenbank)"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["competition", "supplier__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["competition", "supplier"], name="competitions_offer_unique")]
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")

    def __str__(self) -> str:
        return f"{self.competition}: {self.supplier}"


class OfferLine(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(RequestLine, on_delete=models.CASCADE, related_name="offer_lines")
    unit_price = models.DecimalField(_("Einzelpreis (netto)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["offer", "line__position"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "line"], name="competitions_offerline_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="competitions_offerline_price_positive"),
        ]
        verbose_name = _("Angebotsposition")
        verbose_name_plural = _("Angebotspositionen")

    def __str__(self) -> str:
        return f"{self.offer} {self.line.position}"


class CriterionScore(models.Model):
    """The points the member gives an offer for a criterion other than price, with the reason."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    points = models.DecimalField(_("Punkte"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("Begründung"), max_length=500)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["offer", "criterion"]
        constraints = [models.UniqueConstraint(fields=["offer", "criterion"], name="competitions_score_unique")]
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")

    def __str__(self) -> str:
        return f"{self.offer} {self.criterion}: {self.points}"


class BundleMember(models.Model):
    """A member of an office's bundle request (``Competition.is_bundle``) and, after the award, its own
    call-off order."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="bundle_members")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="competition_bundles")
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Abrufbestellung")
    )

    class Meta:
        ordering = ["competition", "member__organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "member"], name="competitions_bundle_member_unique")
        ]
        verbose_name = _("Mitglied der Bündelanfrage")
        verbose_name_plural = _("Mitglieder der Bündelanfrage")

    def __str__(self) -> str:
        return f"{self.competition}: {self.member}"


class BundleQuantity(models.Model):
    """A bundle member's quantity of a request line (the line's quantity is the sum over the members)."""

    line = models.ForeignKey(RequestLine, on_delete=models.CASCADE, related_name="bundle_quantities")
    bundle_member = models.ForeignKey(BundleMember, on_delete=models.CASCADE, related_name="quantities")
    quantity = models.PositiveIntegerField(_("Menge"))

    class Meta:
        ordering = ["line__position", "bundle_member"]
        constraints = [
            models.UniqueConstraint(fields=["line", "bundle_member"], name="competitions_bundle_quantity_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="competitions_bundle_quantity_positive"),
        ]
        verbose_name = _("Menge je Mitglied")
        verbose_name_plural = _("Mengen je Mitglied")

    def __str__(self) -> str:
        return f"{self.line} {self.bundle_member.member}: {self.quantity}"
