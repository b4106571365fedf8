"""Test helpers that build e-service data through the real actions."""

from __future__ import annotations

from typing import Any

from kansli.eservices.actions import do_submit
from kansli.eservices.models import Kind, Submission
from kansli.org.models import Authority
from kansli.org.testing import make_authority


def make_council() -> Authority:
    return make_authority("KF", "Kommunfullmäktige", kind=Authority.Kind.COUNCIL)


def make_petition(title: str = "Bevara Storåsens badplats", **kwargs: Any) -> Submission:
    return do_submit(
        Kind.PETITION, make_council(), title, kwargs.pop("text", "Badplatsen ska vara kvar."),
        name=kwargs.pop("name", "Anna Andersson"), actor=None, **kwargs,
    )  # fmt: skip
