"""Standard baskets curated by the office (e.g. "Standard-Arbeitsplatz"): their contents, and putting a
basket (n times) into a member's cart in one step — all lines or none."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kitu.catalog.models import Article
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import Member

from . import services
from .models import CartLine, StandardBasket, StandardBasketLine
from .policies import can_manage_baskets

FIELDS = ("name", "description", "is_active")


def _require_office(actor: Any) -> None:
    if not can_manage_baskets(actor):
        raise PermissionDenied(_("Standardwarenkörbe pflegt die Geschäftsstelle."))


@transaction.atomic
def basket_save(
    *, actor: Any, basket: StandardBasket | None = None, name: str, description: str = "", is_active: bool = True
) -> StandardBasket:
    _require_office(actor)
    name = name.strip()
    if not name:
        raise DomainError(_("Bitte geben Sie einen Namen an."), field="name")
    clash = StandardBasket.objects.filter(name__iexact=name)
    if basket is not None:
        clash = clash.exclude(pk=basket.pk)
    if clash.exists():
        raise DomainError(_("Einen Standardwarenkorb „%(name)s“ gibt es schon.") % {"name": name}, field="name")
    before = None if basket is None else audit.snapshot(basket, FIELDS)
    basket = basket or StandardBasket()
    basket.name, basket.description, basket.is_active = name, description.strip(), is_active
    basket.save()
    audit.record(
        actor=actor,
        instance=basket,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(basket, FIELDS),
    )
    return basket


@transaction.atomic
def basket_line_set(*, actor: Any, basket: StandardBasket, article: Article, quantity: int) -> None:
    """Set an article's quantity in the basket (0 takes it out); the catalog's quantity rules apply."""
    _require_office(actor)
    line = StandardBasketLine.objects.filter(basket=basket, article=article).first()
    if quantity == 0:
        if line is not None:
            audit.record(actor=actor, instance=line, action="delete", before={"quantity": line.quantity})
            line.delete()
        return
    if not article.is_active:
        raise DomainError(_("Der Artikel %(pid)s ist nicht mehr im Katalog.") % {"pid": article.supplier_pid})
    services.check_quantity(article, quantity)
    before = None if line is None else {"quantity": line.quantity}
    line = line or StandardBasketLine(basket=basket, article=article)
    line.quantity = quantity
    line.save()
    audit.record(
        actor=actor, instance=line, action="update" if before else "create", before=before, after={"quantity": quantity}
    )


@transaction.atomic
def basket_to_cart(*, actor: Any, member: Member, basket: StandardBasket, times: int = 1) -> list[CartLine]:
    """Put the basket ``times`` times into the user's cart for the member; refuses the whole basket when
    one article cannot be ordered (named in the message)."""
    if not basket.is_active:
        raise DomainError(_("Dieser Standardwarenkorb ist nicht freigegeben."))
    if not 1 <= times <= 500:
        raise DomainError(_("Bitte eine Anzahl zwischen 1 und 500 angeben."), field="times")
    lines = list(basket.lines.select_related("article__contract", "article__lot"))
    if not lines:
        raise DomainError(_("Der Standardwarenkorb ist leer."))
    return [
        services.cart_add(actor=actor, member=member, article=line.article, quantity=line.quantity * times)
        for line in lines
    ]
