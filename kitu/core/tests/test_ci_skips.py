"""Under CI=true a skipped test fails (conftest.py), except a PostgreSQL-only test in the SQLite run."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from conftest import pytest_runtest_makereport


def _outcome(reason: str, monkeypatch: Any, ci: str = "true") -> str:
    monkeypatch.setenv("CI", ci)
    report = SimpleNamespace(skipped=True, outcome="skipped", longrepr=("file.py", 1, f"Skipped: {reason}"))
    hook = pytest_runtest_makereport(None, None)  # type: ignore[arg-type]
    next(hook)
    with pytest.raises(StopIteration) as stop:
        hook.send(report)
    assert stop.value.value is report
    return report.outcome


def test_a_missing_tool_fails_under_ci(monkeypatch: Any) -> None:
    assert _outcome("Chromium is not installed", monkeypatch) == "failed"
    assert _outcome("Chromium is not installed", monkeypatch, ci="false") == "skipped"


def test_a_postgres_only_test_may_skip_in_the_sqlite_run_only(monkeypatch: Any) -> None:
    expected = "skipped" if connection.vendor == "sqlite" else "failed"
    assert _outcome("concurrency is tested on PostgreSQL", monkeypatch) == expected
