"""A web worker loads the heavy libraries only when a request needs them: loading every URL and view
must not import openpyxl, reportlab, HiGHS/numpy, icalendar or segno (about 90 MB together), so that
each worker process starts small and a citizen's photo upload stays within its memory budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

HEAVY = ("openpyxl", "reportlab", "highspy", "numpy", "icalendar", "segno")

SCRIPT = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every urls module and every view module
import config.wsgi
from kitu.core import exports
from kitu.billing import pdf
from kitu.bundling import optimizer, xlsx
from kitu.members import exports as member_exports
from kitu.orders import export
from kitu.workgroups import ics
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))))
"""


def test_loading_every_view_imports_no_heavy_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *HEAVY],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
