"""Without a Redis cache (the embedded default) no process imports the Redis client
(about 9 MB each): the `except` clauses that carry on when the shared cache is out of
reach ask kansli.cacheerrors, which names RedisError only once the client is loaded.
With Redis configured, the outage tests (public/tests/test_cache_outage.py,
test_sessions.py, sso/tests/test_logout.py) show the errors still caught.

Nor does a web process load, before it needs them, MuPDF (30 MB; kansli.redaction),
pypdf (15 MB with fontTools; the PDF checks, fees and notices) or pysaml2 (28 MB and half
a second; only an installation with SAML, at its first SAML request: kansli.sso.views)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from kansli.cacheerrors import cache_errors
from kansli.subprocesses import free_port
from kansli.web.testing_installation import copy_migrated_sqlite
from kansli.web.testing_redis import redis_caches

PROBE = """
import sys
import django
django.setup()
import kansli.wsgi
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
answers = [client.get(path).status_code for path in ("/diarium/", "/login/", "/sso/saml/")]
print(*answers, *sorted(name for name in %r if name in sys.modules))
"""
UNUSED = ("redis", "pymupdf", "pypdf", "fontTools", "saml2")  # (djangosaml2's middleware: light)


def test_the_embedded_default_loads_no_library_it_has_not_used(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kansli.settings",
           "KANSLI_DATA_DIR": str(tmp_path)}  # fmt: skip
    for name in ("KANSLI_DATABASE_URL", "KANSLI_REDIS_URL", "KANSLI_TASKS"):
        env.pop(name, None)
    copy_migrated_sqlite(tmp_path)
    done = subprocess.run([sys.executable, "-c", PROBE % (UNUSED,)], env=env,
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    # The diary, the login page, and the SAML start that is not there without SAML.
    assert done.stdout.split() == ["200", "200", "404"], done.stderr[-2000:]


def test_a_redis_out_of_reach_raises_an_error_the_clauses_catch() -> None:
    unreachable = redis_caches(f"redis://127.0.0.1:{free_port()}/0")
    with override_settings(CACHES=unreachable), pytest.raises(cache_errors()):
        caches["default"].get("nyckel")
