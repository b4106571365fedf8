"""Test helpers that build registry data through the real actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Case, Document, SecrecyProvision


def make_registrar(authority: Authority | None = None, username: str | None = None) -> User:
    return make_user(username, roles=[(Role.REGISTRAR, authority or make_authority())])


def make_case(title: str = "Medborgarförslag om fler parkbänkar", **kwargs: Any) -> Case:
    authority = kwargs.pop("authority", None) or make_authority()
    return actions.do_register_case(authority, title, actor=None, **kwargs)


def make_incoming(case: Case | None = None, **kwargs: Any) -> Document:
    case = case or make_case()
    return actions.do_register_document(
        case,
        "inkommen",
        kwargs.pop("document_date", timezone.localdate() - datetime.timedelta(days=1)),
        kwargs.pop("description", "Skrivelse"),
        counterpart=kwargs.pop("counterpart", "Anna Andersson"),
        actor=kwargs.pop("actor", None),
        **kwargs,
    )


def make_provision(reference: str = "OSL 39 kap. 3 §") -> SecrecyProvision:
    provision, _ = SecrecyProvision.objects.get_or_create(
        reference=reference, defaults={"title": "Personalärenden"}
    )
    return provision
