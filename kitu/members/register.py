"""The member list per § 30 GenG at the size of every German municipality (issue 23.4).

The page shows one page of rows and totals from SQL; the CSV is streamed in chunks. Shares and paid-in
capital are summed in the database per member (GROUP BY), the type labels looked up in a dict built once,
so neither grows with a Python loop over every event or a ``get_member_type_display()`` per row.
The figures are the same as ``selectors.register_as_of`` (tested against it).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from kitu.core.exports import csv_writer
from kitu.core.money import money

from .models import EventKind, Member, MemberQuerySet, MembershipEvent, MemberType
from .selectors import EXIT_KINDS, RegisterRow

CHUNK = 2000
Figures = tuple[dict[int, int], dict[int, Decimal], dict[int, dt.date | None]]  # shares, paid in, exit date


def register_members(day: dt.date, *, include_former: bool = False) -> MemberQuerySet:
    """Who belongs on the list of ``day``, in its order: member number, then name."""
    members = Member.objects.select_related("organisation").filter(joined_on__lte=day)
    if not include_former:
        members = members.members_on(day)
    return members.order_by(F("member_number").asc(nulls_last=True), "organisation__name", "pk")


def total_shares(members: MemberQuerySet, day: dt.date) -> int:
    found = MembershipEvent.objects.filter(member__in=members.values("pk"), effective_date__lte=day).aggregate(
        n=Coalesce(Sum("share_delta"), 0)
    )
    return int(found["n"])


def _figures(member_ids: list[int] | None, day: dt.date) -> Figures:
    """Shares, paid-in capital and exit date per member as of ``day``: of ``member_ids`` (one page), or of
    every member (None: the whole list in two grouped queries, no IN list of thousands of ids)."""
    events = MembershipEvent.objects.filter(effective_date__lte=day)
    if member_ids is not None:
        events = events.filter(member_id__in=member_ids)
    shares: dict[int, int] = {}
    paid: dict[int, Decimal] = {}
    for member_id, shares_held, paid_in, settled in (
        events.values("member_id")
        .annotate(
            shares=Sum("share_delta"),
            paid=Sum("amount", filter=Q(kind=EventKind.SHARE_PAYMENT)),
            settled=Sum("amount", filter=Q(kind=EventKind.SETTLEMENT_PAID)),
        )
        .values_list("member_id", "shares", "paid", "settled")
    ):
        shares[member_id] = shares_held or 0
        paid[member_id] = (paid_in or Decimal(0)) - (settled or Decimal(0))
    exits: dict[int, dt.date | None] = {}
    for member_id, exit_date in (
        events.filter(kind__in=EXIT_KINDS, exit_date__isnull=False)
        .order_by("effective_date", "id")
        .values_list("member_id", "exit_date")
    ):
        exits[member_id] = exit_date  # the last one counts
    return shares, paid, exits


def register_rows(members: Iterable[Member], day: dt.date, figures: Figures | None = None) -> list[RegisterRow]:
    """The rows of ``members`` (one page or one chunk): two queries whatever their number (none when the
    ``figures`` of every member are given)."""
    members = list(members)
    labels = dict(MemberType.choices)  # once, not get_member_type_display() per row
    shares, paid, exits = figures if figures is not None else _figures([m.pk for m in members], day)
    return [
        RegisterRow(
            member=m,
            member_number=m.member_number,
            name=m.organisation.name,
            address=f"{m.street}, {m.postcode} {m.city}",
            member_type=str(labels.get(m.member_type, m.member_type)),
            joined_on=m.joined_on,
            shares=shares.get(m.pk, 0),
            paid_in=money(paid.get(m.pk, Decimal(0))),
            exit_date=exits.get(m.pk),
            left_on=m.left_on if m.left_on is not None and m.left_on < day else None,
        )
        for m in members
    ]


def iter_rows(day: dt.date, *, include_former: bool = False) -> Iterator[RegisterRow]:
    """Every row of the list, CHUNK members at a time (for streamed exports)."""
    members = register_members(day, include_former=include_former)
    figures = _figures(None, day)
    chunk: list[Member] = []
    for member in members.iterator(chunk_size=CHUNK):
        chunk.append(member)
        if len(chunk) == CHUNK:
            yield from register_rows(chunk, day, figures)
            chunk = []
    if chunk:
        yield from register_rows(chunk, day, figures)


def csv_chunks(day: dt.date, header: list[str], *, include_former: bool = False) -> Iterator[str]:
    """The whole list as CSV (the columns of the exports, formulas neutralised), CHUNK members a piece:
    plain values from the database instead of model objects, one write buffer per chunk; the figures of
    every member first, in two grouped queries (not two per chunk with an IN list of CHUNK ids)."""
    labels = {code: str(label) for code, label in MemberType.choices}
    buffer = io.StringIO()
    writer = csv_writer(buffer, decimal=".", lineterminator="\n")
    writer.writerow(header)
    rows = register_members(day, include_former=include_former).values_list(
        "pk", "member_number", "organisation__name", "street", "postcode", "city", "member_type", "joined_on", "left_on"
    )

    shares, paid, exits = _figures(None, day)

    def write(chunk: list[tuple[Any, ...]]) -> str:
        for pk, number, name, street, postcode, city, kind, joined, left in chunk:
            writer.writerow(
                [
                    number,
                    name,
                    f"{street}, {postcode} {city}",
                    labels.get(kind, kind),
                    joined,
                    shares.get(pk, 0),
                    money(paid.get(pk, Decimal(0))),
                    exits.get(pk),
                    left if left is not None and left < day else None,
                ]
            )
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    chunk: list[tuple[Any, ...]] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield write(chunk)
            chunk = []
    yield write(chunk) if chunk else write([])
