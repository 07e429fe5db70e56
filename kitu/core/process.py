"""Process start for web workers: load everything a request needs, then take it out of the garbage
collector's way.

A worker holds about half a million long-lived objects (Django, the apps, the URL configuration). A
request that builds many objects (an OParl page of 100 meetings embeds ~1,000 agenda items) triggers full
collections, and each would walk all of them again: tens of milliseconds in the tail of such pages
(docs/benchmarks.md). ``gc.freeze()`` moves what exists at start into a generation the collector skips.
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def warm_up_and_freeze() -> int:
    """Import the URL configuration (and with it every view), collect once, freeze; returns the number of
    objects frozen."""
    get_resolver().url_patterns  # noqa: B018 - imports the URL configuration now, not in the first request
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
