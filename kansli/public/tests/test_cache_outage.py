"""The public e-diary on a shared Redis cache (KANSLI_REDIS_URL): its answers are kept
there, and with Redis down it still answers, computing each page as without a cache."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kansli.registry.testing import make_case, make_incoming
from kansli.web.testing_redis import redis_caches, running_redis

pytestmark = pytest.mark.django_db


def test_the_public_diary_answers_with_redis_down(settings: Any) -> None:
    case = make_case("Ansökan om bidrag till föreningen")
    make_incoming(case, description="Ansökan från Vallens IF")
    url = f"/diarium/KS/{case.year}/{case.number}/"
    settings.PUBLIC_REQUESTS_PER_MINUTE = 100  # the rate limit's counts are in Redis too
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        first = Client().get(url)
        assert first.status_code == 200
        keys = server.keys("*")
        assert any(key.startswith("kansli-public-pages:") for key in keys)
        assert any(key.startswith("kansli:") for key in keys)  # the rate limit's count
        assert Client().get(url).content == first.content  # from Redis

        server.stop()
        for path in (url, "/diarium/", f"/api/v1/public/diary/KS/{case.year}/{case.number}"):
            response = Client().get(path)
            assert response.status_code == 200, path
            assert "Vallens IF" in response.content.decode()

        server.start()  # back, empty: the answers are kept there again
        assert Client().get(url).content == first.content
        assert any(key.startswith("kansli-public-pages:") for key in server.keys("*"))
