"""Suppliers' inbound e-invoices (XRechnung) with their lines, the validation report, the rule versions
that checked them, the matching result against order and goods receipt, and the two-step approval."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.contracts.models import Supplier
from kitu.members.models import Member
from kitu.orders.models import Order, OrderLine

ZERO = Decimal("0")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Rechnung")
    CREDIT_NOTE = "credit_note", _("Gutschrift")


class InvoiceStatus(models.TextChoices):
    MATCHED = "matched", _("abgeglichen")
    TO_REVIEW = "to_review", _("zu prüfen")
    FACTUALLY_APPROVED = "factually_approved", _("sachlich richtig")
    APPROVED = "approved", _("rechnerisch richtig, freigegeben")
    REJECTED = "rejected", _("zurückgewiesen")


OPEN_STATUSES = (InvoiceStatus.MATCHED, InvoiceStatus.TO_REVIEW, InvoiceStatus.FACTUALLY_APPROVED)
# Invoices that count against the order (quantities already invoiced): everything not rejected.
COUNTING_STATUSES = (*OPEN_STATUSES, InvoiceStatus.APPROVED)


def xml_path(instance: models.Model, filename: str) -> str:
    """Where an invoice's XML lives in the default storage: one folder per member, a fresh random name (never
    the supplier's file name or the invoice number, so a name cannot be guessed or collide)."""
    return f"payables/{instance.member_id}/{uuid.uuid4().hex}.xml"  # type: ignore[attr-defined]


class InboundInvoice(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="inbound_invoices")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="inbound_invoices")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_invoices")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("Art"), max_length=12, choices=InvoiceKind.choices)
    syntax = models.CharField(_("Syntax"), max_length=3)  # ubl, cii
    number = models.CharField(_("Rechnungsnummer"), max_length=100)
    issue_date = models.DateField(_("Rechnungsdatum"), null=True)
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    currency = models.CharField(_("Währung"), max_length=3)
    buyer_reference = models.CharField(_("Leitweg-ID (BT-10)"), max_length=100)
    order_reference = models.CharField(_("Bestellnummer (BT-13)"), max_length=100, blank=True)
    seller_name = models.CharField(_("Rechnungssteller"), max_length=200)
    seller_vat_id = models.CharField(_("USt-IdNr."), max_length=40, blank=True)
    seller_email = models.CharField(_("E-Mail des Rechnungsstellers"), max_length=200, blank=True)
    payment_means_code = models.CharField(_("Zahlungsart (Code)"), max_length=10, blank=True)
    iban = models.CharField(_("IBAN"), max_length=40, blank=True)
    bic = models.CharField(_("BIC"), max_length=20, blank=True)
    account_name = models.CharField(_("Kontoinhaber"), max_length=200, blank=True)
    payment_terms = models.TextField(_("Zahlungsbedingungen"), blank=True)
    net_total = models.DecimalField(_("Summe netto"), max_digits=14, decimal_places=2)
    tax_total = models.DecimalField(_("Umsatzsteuer"), max_digits=14, decimal_places=2)
    gross_total = models.DecimalField(_("Summe brutto"), max_digits=14, decimal_places=2)
    payable = models.DecimalField(_("Zahlbetrag"), max_digits=14, decimal_places=2)
    # The XRechnung as received, in the default storage (local files or the object store, kitu/core/storage.py);
    # written by services.receive before the row, read only by the download view after its permission check.
    xml = models.FileField(_("XML"), upload_to=xml_path)
    validation = models.JSONField(_("Prüfbericht"), default=dict)
    rule_versions = models.JSONField(_("Regelwerke"), default=dict)
    status = models.CharField(_("Status"), max_length=20, choices=InvoiceStatus.choices)
    problems = models.JSONField(_("Abweichungen"), default=list, blank=True)
    received_at = models.DateTimeField(_("eingegangen am"), auto_now_add=True)
    factual_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factual_at = models.DateTimeField(_("sachlich richtig am"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("rechnerisch richtig am"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(_("zurückgewiesen am"), null=True, blank=True)
    rejected_reason = models.TextField(_("Grund der Zurückweisung"), blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "number"], name="payables_invoice_number_unique"),
        ]
        indexes = [
            models.Index(fields=["member", "status"]),
            # the API list and the inbox, newest first: a member's received and a supplier's sent invoices
            models.Index(fields=["member", "-received_at", "-id"], name="payables_member_newest_idx"),
            models.Index(fields=["supplier", "-received_at", "-id"], name="payables_supplier_newest_idx"),
        ]
        verbose_name = _("Eingangsrechnung")
        verbose_name_plural = _("Eingangsrechnungen")

    def __str__(self) -> str:
        return f"{self.seller_name} {self.number}"

    @property
    def matched(self) -> bool:
        return not self.problems

    @property
    def sign(self) -> int:
        return -1 if self.kind == InvoiceKind.CREDIT_NOTE else 1


class InboundInvoiceLine(models.Model):
    invoice = models.ForeignKey(InboundInvoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("Pos."))
    line_id = models.CharField(_("Positions-ID"), max_length=100)
    name = models.CharField(_("Bezeichnung"), max_length=300)
    seller_item_id = models.CharField(_("Artikelnummer"), max_length=100, blank=True)
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    quantity = models.DecimalField(_("Menge"), max_digits=14, decimal_places=4)
    unit_code = models.CharField(_("Einheit"), max_length=10, blank=True)
    unit_price = models.DecimalField(_("Einzelpreis (netto)"), max_digits=14, decimal_places=4)
    net_amount = models.DecimalField(_("Betrag (netto)"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("USt-Satz (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    problems = models.JSONField(_("Abweichungen"), default=list, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("Rechnungsposition")
        verbose_name_plural = _("Rechnungspositionen")

    def __str__(self) -> str:
        return f"{self.invoice} {self.position}"
