"""Test setup shared by the whole suite.

The suite runs on SQLite by default and on PostgreSQL when KANSLI_DATABASE_URL points at
one (`make test` does both when KANSLI_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from typing import Any

import pytest

# Clears the append-only audit table before pytest-django flushes after transactional tests;
# makes Client.force_login pass the second factor too (see kansli/web/testing.py).
pytest_plugins = ["kansli.audit.testing", "kansli.web.testing"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with empty caches (the public e-diary's rate counts and pages)."""
    from django.core.cache import caches

    from kansli.anonymous import forget_keys

    for cache in caches.all():
        cache.clear()
    forget_keys()  # the hour's key, as read from the emptied cache
