"""``{% payables_links %}``: the links to inbound invoices for the order pages (supplier portal and members)."""

from __future__ import annotations

from typing import Any

from django import template

from ..policies import member_org_ids, supplier_org_ids

register = template.Library()


@register.inclusion_tag("payables/_links.html", takes_context=True)
def payables_links(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"is_supplier": bool(supplier_org_ids(user)), "is_member": bool(member_org_ids(user))}
