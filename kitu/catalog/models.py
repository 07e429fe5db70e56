"""The e-catalog: articles of a framework contract with their scale prices, and the import history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.contracts.models import FrameworkContract, Lot, Supplier


class Article(models.Model):
    # no index of its own: the unique (contract, supplier_pid) starts with it (migration 0007)
    contract = models.ForeignKey(FrameworkContract, on_delete=models.PROTECT, related_name="articles", db_index=False)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="articles")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="articles")
    supplier_pid = models.CharField(_("Artikelnummer des Lieferanten"), max_length=32)
    description_short = models.CharField(_("Kurzbeschreibung"), max_length=150)
    description_long = models.TextField(_("Beschreibung"), blank=True)
    manufacturer_name = models.CharField(_("Hersteller"), max_length=100, blank=True, db_index=True)
    manufacturer_pid = models.CharField(_("Herstellerartikelnummer"), max_length=50, blank=True)
    ean = models.CharField(_("EAN/GTIN"), max_length=14, blank=True)
    order_unit = models.CharField(_("Bestelleinheit"), max_length=3, default="C62")
    content_unit = models.CharField(_("Inhaltseinheit"), max_length=3, blank=True)
    content_per_unit = models.DecimalField(
        _("Inhalt je Bestelleinheit"), max_digits=12, decimal_places=3, default=Decimal("1")
    )
    price_quantity = models.DecimalField(_("Preismenge"), max_digits=12, decimal_places=3, default=Decimal("1"))
    quantity_min = models.DecimalField(_("Mindestbestellmenge"), max_digits=12, decimal_places=3, default=Decimal("1"))
    quantity_interval = models.DecimalField(
        _("Bestellintervall"), max_digits=12, decimal_places=3, default=Decimal("1")
    )
    eclass_system = models.CharField(_("Klassifikationssystem"), max_length=20, blank=True)
    eclass_group = models.CharField(_("ECLASS-Gruppe"), max_length=20, blank=True, db_index=True)
    cpv = models.CharField(_("CPV-Code"), max_length=12, blank=True)
    currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    price = models.DecimalField(_("Vertragspreis (netto)"), max_digits=12, decimal_places=2, null=True, blank=True)
    list_price = models.DecimalField(_("Listenpreis (netto)"), max_digits=12, decimal_places=2, null=True, blank=True)
    tax_rate = models.DecimalField(_("Umsatzsteuersatz"), max_digits=4, decimal_places=3, default=Decimal("0.19"))
    price_on_request = models.BooleanField(_("Preis auf Anfrage"), default=False)
    valid_from = models.DateField(_("Preis gültig von"), null=True, blank=True)
    valid_until = models.DateField(_("Preis gültig bis"), null=True, blank=True)
    image = models.FileField(_("Bild"), upload_to="catalog/%Y/", blank=True)
    image_source = models.CharField(_("Bildquelle"), max_length=255, blank=True)
    warranty_months = models.PositiveSmallIntegerField(
        _("Garantie (Monate)"), null=True, blank=True, help_text=_("Vorrang vor der Garantie des Vertrags.")
    )
    is_active = models.BooleanField(_("aktiv"), default=True, db_index=True)
    content_hash = models.CharField(max_length=32, blank=True)
    search_text = models.TextField(blank=True)  # stemmed words, the SQLite FTS5 index reads it (empty on PostgreSQL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["description_short"]
        constraints = [models.UniqueConstraint(fields=["contract", "supplier_pid"], name="catalog_article_pid_unique")]
        indexes = [models.Index(fields=["price"])]
        verbose_name = _("Artikel")
        verbose_name_plural = _("Artikel")

    def __str__(self) -> str:
        return f"{self.supplier_pid} {self.description_short}"

    @property
    def savings(self) -> Decimal | None:
        if self.price is None or self.list_price is None or self.list_price <= self.price:
            return None
        return self.list_price - self.price

    @property
    def savings_percent(self) -> int | None:
        if self.savings is None or not self.list_price:
            return None
        return int(self.savings / self.list_price * 100)


class ArticleSearch(models.Model):
    """PostgreSQL only: the search index of an article — its filter columns and german tsvector in a
    narrow row, kept in step by triggers (migration 0003; the table does not exist on SQLite, whose
    FTS5 table plays this part)."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    contract_id = models.BigIntegerField()
    supplier_id = models.BigIntegerField()
    is_active = models.BooleanField()
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    eclass_group = models.CharField(max_length=20)
    manufacturer_name = models.CharField(max_length=100)
    vector = SearchVectorField()

    class Meta:
        managed = False
        db_table = "catalog_article_search"

    def __str__(self) -> str:
        return f"search index of article {self.pk}"


class SynonymGroup(models.Model):
    """Words the catalog search treats alike, both ways: a query word matching one of them searches for
    every word of the group ("Laptop" finds notebooks, "Notebook" laptops). Kept by the cooperative's office."""

    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Synonymgruppe")
        verbose_name_plural = _("Synonymgruppen")

    def __str__(self) -> str:
        return ", ".join(term.word for term in self.terms.all())


class SynonymTerm(models.Model):
    """One word of a synonym group. ``key`` is the word as the search compares it (lower case, stemmed),
    unique over all groups: a word belongs to one group only."""

    group = models.ForeignKey(SynonymGroup, on_delete=models.CASCADE, related_name="terms")
    word = models.CharField(_("Begriff"), max_length=50)
    key = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["group", "pk"]
        verbose_name = _("Synonym")
        verbose_name_plural = _("Synonyme")

    def __str__(self) -> str:
        return self.word


class ScalePrice(models.Model):
    """A contract price tier: valid from ``lower_bound`` up to the next tier's lower bound."""

    # no index of its own: the unique (article, lower_bound) starts with it (migration 0007)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="scale_prices", db_index=False)
    lower_bound = models.DecimalField(_("ab Menge"), max_digits=12, decimal_places=3)
    amount = models.DecimalField(_("Preis (netto)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["article", "lower_bound"]
        constraints = [models.UniqueConstraint(fields=["article", "lower_bound"], name="catalog_scale_unique")]
        verbose_name = _("Staffelpreis")
        verbose_name_plural = _("Staffelpreise")

    def __str__(self) -> str:
        return f"ab {self.lower_bound}: {self.amount}"


class CatalogImport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        RUNNING = "running", _("läuft")
        SUCCEEDED = "succeeded", _("erfolgreich")
        FAILED = "failed", _("fehlgeschlagen")

    contract = models.ForeignKey(FrameworkContract, on_delete=models.CASCADE, related_name="imports")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    started_at = models.DateTimeField(_("gestartet"), auto_now_add=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)
    filename = models.CharField(_("Datei"), max_length=255)
    upload = models.FileField(upload_to="imports/%Y/", blank=True)
    dry_run = models.BooleanField(_("Probelauf"), default=False)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    transaction = models.CharField(_("Transaktion"), max_length=20, blank=True)
    catalog_version = models.CharField(_("Katalogversion"), max_length=20, blank=True)
    articles_total = models.PositiveIntegerField(_("Artikel in der Datei"), default=0)
    articles_new = models.PositiveIntegerField(_("neu"), default=0)
    articles_changed = models.PositiveIntegerField(_("geändert"), default=0)
    articles_deactivated = models.PositiveIntegerField(_("deaktiviert"), default=0)
    price_changes = models.PositiveIntegerField(_("Preisänderungen"), default=0)
    errors = models.JSONField(_("Fehler"), default=list)
    warnings = models.JSONField(_("Hinweise"), default=list)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("Katalogimport")
        verbose_name_plural = _("Katalogimporte")

    def __str__(self) -> str:
        return f"{self.contract.number} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def summary(self) -> str:
        return (
            f"imported {self.articles_total} articles ({self.articles_new} new, {self.articles_changed} changed, "
            f"{self.articles_deactivated} deactivated)"
        )
