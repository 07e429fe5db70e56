"""The articles a contract holds before an import, kept compact: a catalog of 1,000,000 articles is
read once and must not take 400 MB as a dictionary of tuples (an article number, its id, lot,
price in cents, content hash and active flag: about 170 bytes an article instead of about 390)."""

from __future__ import annotations

from array import array
from decimal import Decimal
from typing import NamedTuple

from kitu.contracts.models import FrameworkContract

from ..models import Article

NO_PRICE = -(2**63)  # cents of an article without a price
NO_HASH = bytes(16)  # content hash "" (the next full catalog compares every field again)


class Known(NamedTuple):
    id: int
    content_hash: str
    price: Decimal | None
    active: bool
    lot_id: int


class KnownArticles:
    """The contract's articles by article number, and which of them the file has named (``seen``)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.ids = array("q")
        self.lots = array("q")
        self.cents = array("q")
        self.hashes = bytearray()
        self.active = bytearray()
        self.named = bytearray()  # 1: the file names the article

    @classmethod
    def of(cls, contract: FrameworkContract) -> KnownArticles:
        known = cls()
        rows = Article.objects.filter(contract=contract).values_list(
            "supplier_pid", "pk", "content_hash", "price", "is_active", "lot_id"
        )
        for pid, pk, digest, price, active, lot_id in rows.iterator(chunk_size=5000):
            known.add(pid, Known(pk, digest, price, active, lot_id))
        return known

    def add(self, pid: str, article: Known) -> None:
        self.index[pid] = len(self.ids)
        self.ids.append(article.id)
        self.lots.append(article.lot_id)
        self.cents.append(NO_PRICE if article.price is None else int(article.price.scaleb(2)))
        digest = article.content_hash
        self.hashes += bytes.fromhex(digest) if len(digest) == 32 else NO_HASH  # a hash is 32 hex digits
        self.active.append(article.active)
        self.named.append(0)

    def __contains__(self, pid: str) -> bool:
        return pid in self.index

    def get(self, pid: str) -> Known | None:
        i = self.index.get(pid)
        if i is None:
            return None
        digest = self.hashes[16 * i : 16 * i + 16]
        cents = self.cents[i]
        return Known(
            self.ids[i],
            "" if digest == NO_HASH else digest.hex(),
            None if cents == NO_PRICE else Decimal(cents).scaleb(-2),
            bool(self.active[i]),
            self.lots[i],
        )

    def name(self, pid: str) -> bool:
        """Mark ``pid`` as named by the file; False if it is not one of the known articles."""
        i = self.index.get(pid)
        if i is None:
            return False
        self.named[i] = 1
        return True

    def named_before(self, pid: str) -> bool:
        i = self.index.get(pid)
        return i is not None and bool(self.named[i])

    def unnamed_active(self, lot_id: int) -> list[int]:
        """The ids of the active articles of ``lot_id`` the file did not name (a new catalog drops them)."""
        return [
            self.ids[i] for i in range(len(self.ids)) if self.active[i] and not self.named[i] and self.lots[i] == lot_id
        ]
