"""Test helpers that build requests for public documents through the real actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kansli.org.models import Authority
from kansli.registry.models import Document
from kansli.requests.actions.intake import do_register_request
from kansli.requests.models import AccessRequest


def make_request(
    authority: Authority,
    *,
    documents: Iterable[Document] = (),
    descriptions: Iterable[str] = (),
    channel: str = "web",
    actor: Any = None,
    **fields: Any,
) -> AccessRequest:
    description = fields.pop("description", "Jag vill ta del av handlingarna.")
    return do_register_request(
        authority, description, channel=channel, documents=documents,
        descriptions=descriptions, actor=actor, **fields,
    )  # fmt: skip
