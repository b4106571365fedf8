"""Fixtures of the retention tests."""

from __future__ import annotations

from typing import Any

import pytest

from kansli.retention.tests.seed import build


@pytest.fixture
def seeded() -> dict[str, Any]:
    """The installation with a known disposal list (seed.py)."""
    return build()
