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


def _figures(
    member_ids: list[int], day: dt.date
) -> tuple[dict[int, int], dict[int, Decimal], dict[int, dt.date | None]]:
    events = MembershipEvent.objects.filter(member_id__in=member_ids, effective_date__lte=day)
    shares: dict[int, int] = {}
    paid: dict[int, Decimal] = {}
    for row in events.values("member_id").annotate(
        shares=Sum("share_delta"),
        paid=Sum("amount", filter=Q(kind=EventKind.SHARE_PAYMENT)),
        settled=Sum("amount", filter=Q(kind=EventKind.SETTLEMENT_PAID)),
    ):
        shares[row["member_id"]] = row["shares"] or 0
        paid[row["member_id"]] = (row["paid"] or Decimal(0)) - (row["settled"] or Decimal(0))
    exits: dict[int, dt.date | None] = {}
    for member_id, exit_date in (
        events.filter(kind__in=EXIT_KINDS, exit_date__isnull=False)
        .order_by("effective_date", "id")
        .values_list("member_id", "exit_date")
    ):
        exits[member_id] = exit_date  # the last one counts
    return shares, paid, exits


def register_rows(members: Iterable[Member], day: dt.date) -> list[RegisterRow]:
    """The rows of ``members`` (one page or one chunk): two queries whatever their number."""
    members = list(members)
    labels = dict(MemberType.choices)  # once, not get_member_type_display() per row
    shares, paid, exits = _figures([m.pk for m in members], day)
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
    chunk: list[Member] = []
    for member in members.iterator(chunk_size=CHUNK):
        chunk.append(member)
        if len(chunk) == CHUNK:
            yield from register_rows(chunk, day)
            chunk = []
    if chunk:
        yield from register_rows(chunk, day)


def csv_chunks(day: dt.date, header: list[str], *, include_former: bool = False) -> Iterator[str]:
    """The whole list as CSV (the columns of the exports, formulas neutralised), CHUNK members a piece:
    plain values from the database instead of model objects, one write buffer per chunk."""
    labels = {code: str(label) for code, label in MemberType.choices}
    buffer = io.StringIO()
    writer = csv_writer(buffer, decimal=".", lineterminator="\n")
    writer.writerow(header)
    rows = register_members(day, include_former=include_former).values_list(
        "pk", "member_number", "organisation__name", "street", "postcode", "city", "member_type", "joined_on", "left_on"
    )

    def write(chunk: list[tuple[Any, ...]]) -> str:
        shares, paid, exits = _figures([row[0] for row in chunk], day)
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
