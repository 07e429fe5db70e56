"""Web workers load the URL configuration at start and freeze what they hold (kitu.core.process)."""

from __future__ import annotations

import gc
import sys

import pytest

from kitu.core.process import warm_up_and_freeze


def test_a_worker_freezes_what_it_holds_after_loading_the_urls() -> None:
    try:
        frozen = warm_up_and_freeze()
        # the count it returns, and what is still frozen now (an object freed since leaves the frozen
        # generation, so the two may differ by the few temporaries of the call)
        assert frozen > 50_000
        assert gc.get_freeze_count() > 50_000
        assert "kitu.council.oparl.views" in sys.modules  # the views came with the URL configuration
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_a_worker_builds_the_reverse_lookups_of_every_namespace_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """reverse() after the start builds nothing (the first invoice mail's link paid for it before)."""
    from django.urls import URLResolver, clear_url_caches, reverse

    clear_url_caches()  # a fresh URL configuration, as in a new worker
    try:
        warm_up_and_freeze()
    finally:
        gc.unfreeze()
    built: list[URLResolver] = []
    populate = URLResolver._populate

    def counted(self: URLResolver) -> None:
        built.append(self)
        populate(self)

    monkeypatch.setattr(URLResolver, "_populate", counted)
    assert reverse("billing:invoices").startswith("/")
    assert reverse("catalog:article", args=[1]).startswith("/")
    assert built == []
