"""Test helpers that build handbook pages through the real actions."""

from __future__ import annotations

from typing import Any

from kansli.handbook.actions import do_create_routine
from kansli.handbook.models import Routine
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user


def make_manager(username: str = "chefen") -> User:
    found = User.objects.filter(username=username).first()
    return found or make_user(
        username, roles=[(Role.MANAGER, make_authority())], email=f"{username}@kommun.se"
    )


def make_routine(title: str = "Registrera e-post", **kwargs: Any) -> Routine:
    authority = make_authority()
    owner = kwargs.pop("owner", None) or make_manager()
    return do_create_routine(
        authority.municipality,
        actor=kwargs.pop("actor", None),
        title=title,
        body=kwargs.pop(
            "body", "Registrera e-postmeddelanden från den funktionella brevlådan samma dag."
        ),
        owner=owner,
        **kwargs,
    )
