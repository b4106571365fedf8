"""The public forms' spam checks, and that what they keep says nothing of who sent."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from kansli.public.ratelimit import allowed
from kansli.web import spam

ADDRESS = "203.0.113.7"


def post(data: dict[str, str], address: str = ADDRESS):
    return RequestFactory().post("/e-tjanster/", data, REMOTE_ADDR=address)


def test_a_person_filling_in_the_form_passes():
    assert spam.refusal(post(spam.filled_in()), scope="begaran") is None


def test_the_honeypot_filled_in_is_refused():
    fields = spam.filled_in() | {spam.HONEYPOT: "http://spam.example"}
    assert spam.refusal(post(fields), scope="begaran") == spam.ROBOT


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        (lambda: spam.stamp(), spam.TOO_FAST),
        (lambda: spam.stamp(time.time() - spam.MAX_AGE_SECONDS - 5), spam.TOO_OLD),
        (lambda: spam.stamp(time.time() + 3600), spam.TOO_OLD),
        (lambda: "1700000000", spam.TOO_OLD),
        (lambda: "", spam.TOO_OLD),
    ],
)
def test_a_form_sent_too_soon_too_late_or_without_a_valid_stamp_is_refused(stamp, expected):
    fields = {spam.HONEYPOT: "", spam.STAMP: stamp()}
    assert spam.refusal(post(fields), scope="begaran") == expected


@override_settings(PUBLIC_FORMS_PER_HOUR=3)
def test_more_posts_than_the_hour_allows_are_refused_per_client_and_form():
    for _ in range(3):
        assert spam.refusal(post(spam.filled_in()), scope="begaran") is None
    assert spam.refusal(post(spam.filled_in()), scope="begaran") == spam.TOO_MANY
    # Another form and another client are counted on their own.
    assert spam.refusal(post(spam.filled_in()), scope="synpunkt") is None
    assert spam.refusal(post(spam.filled_in(), "198.51.100.2"), scope="begaran") is None


@override_settings(PUBLIC_FORMS_PER_HOUR=3, PUBLIC_REQUESTS_PER_MINUTE=5)
def test_no_cache_entry_holds_the_clients_address():
    spam.refusal(post(spam.filled_in()), scope="begaran")
    allowed(RequestFactory().get("/diarium/", REMOTE_ADDR=ADDRESS))
    keys = list(cache._cache.keys())  # LocMemCache
    assert len(keys) == 3  # two counts and the hour's key (kansli.anonymous)
    assert not any(ADDRESS in key for key in keys)
