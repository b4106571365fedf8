from __future__ import annotations

from typing import Any

import pytest

from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_registrar


@pytest.fixture
def ks(db: Any) -> Authority:
    return make_authority("KS")


@pytest.fixture
def staff(ks: Authority) -> User:
    """A registrar of KS: staff of the municipality, who may read its registry."""
    return make_registrar(ks, "registrator")


@pytest.fixture
def officer(ks: Authority) -> User:
    return make_user("handlaggare", roles=[(Role.OFFICER, ks)])
