"""Test helpers that build e-service data through the real actions."""

from __future__ import annotations

from typing import Any

from kansli.eservices.actions import do_publish_petition, do_submit
from kansli.eservices.models import Kind, Submission
from kansli.org.models import Authority
from kansli.org.testing import make_authority


def make_council() -> Authority:
    return make_authority("KF", "Kommunfullmäktige", kind=Authority.Kind.COUNCIL)


def make_petition(
    title: str = "Bevara Storåsens badplats", *, published: bool = True, **kwargs: Any
) -> Submission:
    """An e-förslag, published for signing by the system unless published=False."""
    petition = do_submit(
        Kind.PETITION, make_council(), title, kwargs.pop("text", "Badplatsen ska vara kvar."),
        name=kwargs.pop("name", "Anna Andersson"), actor=None, **kwargs,
    )  # fmt: skip
    return do_publish_petition(petition, actor=None) if published else petition
