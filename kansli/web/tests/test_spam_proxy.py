"""The public forms' rate limit behind the reverse proxy that `kansli serve` expects
(gunicorn binds 127.0.0.1): every citizen's request then comes from the proxy's
address, and the proxy names the client in X-Forwarded-For."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from kansli.anonymous import client_address
from kansli.settings import env_addresses
from kansli.web import spam

PROXY = "127.0.0.1"


def through_proxy(client: str):
    return RequestFactory().post(
        "/begaran/", spam.filled_in(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client
    )


@override_settings(PUBLIC_FORMS_PER_HOUR=3)
def test_one_sender_using_up_the_limit_does_not_shut_the_form_for_another() -> None:
    for _ in range(3):
        assert spam.refusal(through_proxy("198.51.100.1"), scope="begaran") is None
    assert spam.refusal(through_proxy("198.51.100.1"), scope="begaran") == spam.TOO_MANY
    assert spam.refusal(through_proxy("203.0.113.7"), scope="begaran") is None


@override_settings(PUBLIC_FORMS_PER_HOUR=1)
def test_a_client_not_behind_a_trusted_proxy_cannot_choose_its_address() -> None:
    """X-Forwarded-For from anyone but a trusted proxy is the client's own words."""

    def direct(claimed: str):
        return RequestFactory().post(
            "/begaran/", spam.filled_in(), REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=claimed,
        )  # fmt: skip

    assert spam.refusal(direct("192.0.2.1"), scope="begaran") is None
    assert spam.refusal(direct("192.0.2.2"), scope="begaran") == spam.TOO_MANY


def test_a_unix_socket_connection_is_the_local_proxy() -> None:
    """Over a UNIX socket gunicorn gives no address; only nginx on this machine can
    connect there, so the client is the one it names."""
    request = RequestFactory().get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert client_address(request) == "198.51.100.4"


@pytest.mark.parametrize("hop", ["unknown", "198.51.100.4:5555", "<script>", "x" * 10_000])
def test_a_forwarded_hop_that_is_no_address_counts_as_the_proxy(hop: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=hop)
    assert client_address(request) == PROXY


@pytest.mark.parametrize("given", ["10.0.0.0/8", "nginx.kommun.se", "127.0.0.1,proxy"])
def test_a_name_or_a_network_among_the_addresses_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    """KANSLI_TRUSTED_PROXIES and KANSLI_METRICS_ALLOWED are compared address by address:
    a network or a name would never match, and silently."""
    monkeypatch.setenv("KANSLI_METRICS_ALLOWED", given)
    with pytest.raises(ImproperlyConfigured, match=r"KANSLI_METRICS_ALLOWED.*not one IP"):
        env_addresses("KANSLI_METRICS_ALLOWED")
    monkeypatch.setenv("KANSLI_METRICS_ALLOWED", "192.0.2.7, ::1")
    assert env_addresses("KANSLI_METRICS_ALLOWED") == ["192.0.2.7", "::1"]


def test_a_client_counts_alike_in_every_process_and_an_ipv6_one_by_its_network() -> None:
    """The hour's key is in the (shared) cache, not in one process: a client is one
    client to every web process. An IPv6 client is counted by its /64."""
    from django.core.cache import cache

    from kansli import anonymous

    first = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::10")
    same_network = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    other_network = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::10")
    digest = anonymous.client_digest(first, "begaran")
    assert anonymous.client_digest(same_network, "begaran") == digest
    assert anonymous.client_digest(other_network, "begaran") != digest
    hour = int(time.time() // 3600)
    assert isinstance(cache.get(f"kansli:anonymous-key:{hour}"), bytes)
    anonymous.forget_keys()  # another process: nothing of its own, the cache's key
    assert anonymous.client_digest(first, "begaran") == digest
    # Read once a process: the cache is not asked again within the hour.
    cache.delete(f"kansli:anonymous-key:{hour}")
    assert anonymous.client_digest(first, "begaran") == digest
