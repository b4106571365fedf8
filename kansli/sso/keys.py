"""The identity provider's signing keys (its JWKS), as each process keeps them.

mozilla-django-oidc fetched the key set for every ID token and every back-channel logout
token, so anyone could make Kansli ask the provider for it over and over by posting
made-up tokens. Here the set is kept for JWKS_SECONDS (PyJWKClient's five minutes) and
asked for again sooner only when no key in it verifies a token's signature (a new key
after a rotation, or one changed under the same key id); but the provider is asked at
most once in JWKS_RETRY_SECONDS, whatever the tokens, and a failed answer keeps the
keys there were. A token is matched to its key by key id, signing use and algorithm
(KANSLI_OIDC_SIGN_ALGO), and the key is the one its signature is checked with."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation

logger = logging.getLogger(__name__)

JWKS_SECONDS = 300
JWKS_RETRY_SECONDS = 60


class KeySet:
    """The key set of the JWKS endpoint last used in this process: the keys, when they
    were fetched and when the provider was last asked."""

    keys: list[dict[str, Any]] = []
    endpoint = ""
    fetched = -math.inf
    tried = -math.inf

    @classmethod
    def current(cls, *, again: bool = False, verify: bool | str = True) -> list[dict[str, Any]]:
        """The keys, asked for again when older than JWKS_SECONDS or when `again`."""
        endpoint = settings.OIDC_OP_JWKS_ENDPOINT
        if endpoint != cls.endpoint:
            cls.keys, cls.endpoint, cls.fetched, cls.tried = [], endpoint, -math.inf, -math.inf
        now = time.monotonic()
        if (again or now - cls.fetched > JWKS_SECONDS) and now - cls.tried > JWKS_RETRY_SECONDS:
            cls.tried = now
            try:
                cls.keys, cls.fetched = _fetch(endpoint, verify), now
            except (requests.RequestException, ValueError) as error:
                logger.warning("The identity provider's keys could not be fetched: %s", error)
        return cls.keys


def _fetch(endpoint: str, verify: bool | str) -> list[dict[str, Any]]:
    answer = requests.get(endpoint, verify=verify, timeout=settings.OIDC_TIMEOUT)
    answer.raise_for_status()
    found = answer.json()
    keys = found.get("keys") if isinstance(found, dict) else None
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys):
        raise ValueError("the answer is no JWKS")
    return keys


def signing_key(token: str | bytes, *, verify: bool | str = True) -> jwt.PyJWK:
    """The provider's key that signed the token; SuspiciousOperation when none did."""
    header = jwt.get_unverified_header(token)
    algorithm = settings.OIDC_RP_SIGN_ALGO
    for again in (False, True):
        for found in KeySet.current(again=again, verify=verify):
            if found.get("kid") != header.get("kid") or found.get("use", "sig") != "sig":
                continue
            if found.get("alg", algorithm) != algorithm:
                continue
            try:
                key = jwt.PyJWK(found, algorithm=algorithm)
                jwt.PyJWS().decode_complete(token, key=key, algorithms=[algorithm])
            except jwt.PyJWTError:
                continue
            return key
    raise SuspiciousOperation("the token is not signed with a key of the provider's")
