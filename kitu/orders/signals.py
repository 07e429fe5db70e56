"""Signals of the order path for upper apps (orders imports none of them).

``goods_received``: sent after the commit of a booked goods receipt, with ``shipment_id``; the asset
register (kitu.assets) creates the devices of the shipment from it."""

from __future__ import annotations

from django.dispatch import Signal

goods_received = Signal()
