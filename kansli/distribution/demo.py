"""The demo's sändlistor: Kommunstyrelsen's members and substitutes (the members'
portal), Miljö- och byggnadsnämnden's remissinstanser for samhällsbyggnad (outside
organisations by e-mail and letter), and a shared list of all officers for the
snabbnytt, kept by the registry."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kansli.distribution import actions
from kansli.distribution.models import Channel, DistributionList, Member
from kansli.meetings.models import Body
from kansli.org.models import Authority, Role, RoleAssignment

REMISSINSTANSER = [
    ("Registrator", "Länsstyrelsen i Stockholms län", "stockholm@lansstyrelsen.se", ""),
    ("", "Trafikverket", "trafikverket@trafikverket.se", ""),
    ("", "Lantmäteriet", "lantmateriet@lm.se", "Lantmäterigatan 2\n801 82 Gävle"),
    ("", "Naturskyddsföreningen", "", "Box 4625\n116 91 Stockholm"),
    ("", "Norrvatten", "info@norrvatten.se", ""),
]


def load(seed: int, scale: float, report: Any) -> list[Any]:
    ks = Authority.objects.filter(code="KS").first()
    if ks is None or DistributionList.objects.exists():
        return []
    body = Body.objects.filter(authority=ks, committee=None).first()
    members = actions.do_create_list(
        ks.municipality, "KS ledamöter och ersättare", authority=ks, actor=None
    )
    if body is not None:
        for role in body.members_on(timezone.localdate()).select_related("user"):
            actions.do_add_member(
                members, Member.Kind.USER, Channel.PORTAL, user=role.user, actor=None
            )
    builders = Authority.objects.filter(code="MBN").first() or ks
    referral = actions.do_create_list(
        ks.municipality, "Remissinstanser samhällsbyggnad", authority=builders, actor=None
    )
    for name, organisation, email, address in REMISSINSTANSER:
        channel = Channel.EMAIL if email else Channel.LETTER
        actions.do_add_member(
            referral, Member.Kind.EXTERNAL, channel, name=name, organisation=organisation,
            email=email, postal_address=address, actor=None,
        )  # fmt: skip
    officers = actions.do_create_list(ks.municipality, "Alla handläggare", actor=None)
    held = RoleAssignment.objects.valid_on().filter(
        role=Role.OFFICER, authority__municipality=ks.municipality
    )
    seen: set[int] = set()
    for role in held.select_related("user").order_by("user_id"):
        if role.user_id in seen or not role.user.email:
            continue
        seen.add(role.user_id)
        actions.do_add_member(officers, Member.Kind.USER, Channel.EMAIL, user=role.user, actor=None)
    report(f"Sändlistor: 3 listor, {members.members.count() + 5 + len(seen)} mottagare")
    return []
