from __future__ import annotations

from django import template

from kitu.procedures.selectors import MatrixRow

register = template.Library()


@register.simple_tag
def cell(row: MatrixRow, member_id: int) -> str:
    """The versions a member runs of the row's product, "" when it does not run it."""
    return row.versions.get(member_id, "")
