"""Process start for web workers: load everything a request needs, then take it out of the garbage
collector's way.

A worker holds about half a million long-lived objects (Django, the apps, the URL configuration). A
request that builds many objects (an OParl page of 100 meetings embeds ~1,000 agenda items) triggers full
collections, and each would walk all of them again: tens of milliseconds in the tail of such pages
(docs/benchmarks.md). ``gc.freeze()`` moves what exists at start into a generation the collector skips.
"""

from __future__ import annotations

import contextlib
import gc

from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse


def warm_up_and_freeze() -> int:
    """Import the URL configuration (and with it every view), build its reverse lookups, collect once,
    freeze; returns the number of objects frozen."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URL configuration now, not in the first request
    _reverse_ready(resolver)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _reverse_ready(resolver: URLResolver, namespaces: str = "") -> None:
    """The reverse lookups of ``resolver`` and of every namespace in it, for the active language, built now
    rather than by the first ``reverse()`` into each (~60 ms of regular expressions: the first invoice mail's
    link). Reversing a name no namespace has builds the namespace's lookups before it finds nothing."""
    for namespace, (_prefix, namespaced) in resolver.namespace_dict.items():
        path = f"{namespaces}{namespace}:"
        with contextlib.suppress(NoReverseMatch):
            reverse(f"{path}-")
        _reverse_ready(namespaced, path)
