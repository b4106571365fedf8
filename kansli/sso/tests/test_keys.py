"""The provider's key set as Kansli keeps it (kansli.sso.keys), with a provider that
does not answer: made-up tokens do not make Kansli ask it more than once a minute."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from django.core.exceptions import SuspiciousOperation

from kansli.sso import keys
from kansli.subprocesses import free_port


def test_a_provider_out_of_reach_is_asked_at_most_once_a_minute(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.OIDC_OP_JWKS_ENDPOINT = f"http://127.0.0.1:{free_port()}/oauth2/jwks"  # no one
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    asked = []
    real_get = keys.requests.get

    def counted(url: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(url)
        return real_get(url, *args, **kwargs)

    monkeypatch.setattr(keys.requests, "get", counted)
    monkeypatch.setattr(keys.KeySet, "endpoint", "")
    made_up = jwt.encode({"sub": "någon"}, "hemligt-men-långt-nog-för-hs256", algorithm="HS256",
                         headers={"kid": "kansli-test"})  # fmt: skip
    for _ in range(10):
        with pytest.raises(SuspiciousOperation):
            keys.signing_key(made_up)
    assert len(asked) == 1
    keys.KeySet.tried -= keys.JWKS_RETRY_SECONDS + 1
    with pytest.raises(SuspiciousOperation):
        keys.signing_key(made_up)
    assert len(asked) == 2
