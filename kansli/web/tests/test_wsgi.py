"""A gunicorn worker loads kansli.wsgi before it takes a connection: loading it imports
the URL configuration (every app's views, the API, SAML), so that the worker's first
request does not (it took 1.7 s, and under load held up every request queued behind)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import django
django.setup()
before = "kansli.public.views" in sys.modules
import kansli.wsgi
from django.urls import get_resolver
print(before, "url_patterns" in get_resolver().__dict__, "kansli.public.views" in sys.modules)
"""


def test_loading_the_application_imports_the_views(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kansli.settings",
           "KANSLI_DATA_DIR": str(tmp_path)}  # fmt: skip
    env.pop("KANSLI_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    assert done.stdout.split() == ["False", "True", "True"]
