"""Test helpers that build sändlistor through the real actions."""

from __future__ import annotations

from kansli.distribution import actions
from kansli.distribution.models import Channel, DistributionList, Member
from kansli.org.models import Authority


def make_list(
    authority: Authority, name: str = "Remissinstanser samhällsbyggnad"
) -> DistributionList:
    """An authority's list with one outside recipient by e-mail and one by letter."""
    dlist = actions.do_create_list(authority.municipality, name, authority=authority, actor=None)
    actions.do_add_member(
        dlist, Member.Kind.EXTERNAL, Channel.EMAIL, name="Registrator",
        organisation="Länsstyrelsen i Stockholms län", email="stockholm@lansstyrelsen.se",
        actor=None,
    )  # fmt: skip
    actions.do_add_member(
        dlist, Member.Kind.EXTERNAL, Channel.LETTER, organisation="Naturskyddsföreningen",
        postal_address="Box 4625\n116 91 Stockholm", actor=None,
    )  # fmt: skip
    return dlist
