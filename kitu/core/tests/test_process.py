"""Web workers load the URL configuration at start and freeze what they hold (kitu.core.process)."""

from __future__ import annotations

import gc
import sys

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
