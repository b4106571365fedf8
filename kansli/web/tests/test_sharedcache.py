"""The shared cache on Redis: emptying it leaves what else is in the database (RQ's
queue), and the public forms' rate limit does without it."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.test import RequestFactory

from kansli.web import spam
from kansli.web.sharedcache import clear_caches
from kansli.web.testing_redis import redis_caches, running_redis


def test_clearing_the_caches_on_redis_keeps_the_task_queue(settings: Any) -> None:
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        client = server.client()
        client.rpush("rq:queue:default", "a-job-id")
        for number in range(1500):
            caches["default"].set(f"count-{number}", number)
        caches["public-pages"].set("page", "<html>")

        clear_caches()

        assert server.keys("*") == ["rq:queue:default"]
        assert caches["default"].get("count-1") is None
        assert caches["public-pages"].get("page") is None


def test_the_public_forms_take_posts_with_redis_down(settings: Any) -> None:
    """Their rate limit counts in the shared cache; out of reach, nothing is counted."""
    settings.PUBLIC_FORMS_PER_HOUR = 1
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        post = RequestFactory().post("/begaran/", spam.filled_in(), REMOTE_ADDR="192.0.2.1")
        assert spam.refusal(post, scope="begaran") is None
        assert spam.refusal(post, scope="begaran") == spam.TOO_MANY
        server.stop()
        assert spam.refusal(post, scope="begaran") is None
