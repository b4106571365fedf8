"""Demo organisation: Exempelstads kommun with its authorities, staff and elected members.
Deterministic for a given seed and idempotent: what exists is found, not made again."""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from kansli.org import actions
from kansli.org.models import (
    Authority,
    Committee,
    ElectedPosition,
    Municipality,
    Role,
    RoleAssignment,
    Unit,
    User,
)

MUNICIPALITY = "Exempelstads kommun"
PASSWORD = "kansli-demo"  # noqa: S105 - the published demo password
ORG_START = datetime.date(2023, 1, 1)
TERM_START = datetime.date(2026, 10, 15)  # mandatperioden 2026–2030

AUTHORITIES = [
    ("KF", Authority.Kind.COUNCIL, "Kommunfullmäktige"),
    ("KS", Authority.Kind.EXECUTIVE, "Kommunstyrelsen"),
    ("BUN", Authority.Kind.BOARD, "Barn- och utbildningsnämnden"),
    ("SN", Authority.Kind.BOARD, "Socialnämnden"),
    ("MBN", Authority.Kind.BOARD, "Miljö- och byggnadsnämnden"),
    ("TFN", Authority.Kind.BOARD, "Tekniska nämnden"),
    ("KFN", Authority.Kind.BOARD, "Kultur- och fritidsnämnden"),
]
COMMITTEES = [("KSAU", "KS", "Kommunstyrelsens arbetsutskott")]

# (name, kind, parent name, authority codes served)
UNITS = [
    ("Kommunledningsförvaltningen", Unit.Kind.ADMINISTRATION, None, ["KF", "KS"]),
    ("Kansliavdelningen", Unit.Kind.DEPARTMENT, "Kommunledningsförvaltningen", ["KF", "KS"]),
    ("HR-avdelningen", Unit.Kind.DEPARTMENT, "Kommunledningsförvaltningen", ["KS"]),
    ("Ekonomiavdelningen", Unit.Kind.DEPARTMENT, "Kommunledningsförvaltningen", ["KS"]),
    ("Barn- och utbildningsförvaltningen", Unit.Kind.ADMINISTRATION, None, ["BUN"]),
    ("Socialförvaltningen", Unit.Kind.ADMINISTRATION, None, ["SN"]),
    ("Samhällsbyggnadsförvaltningen", Unit.Kind.ADMINISTRATION, None, ["MBN", "TFN"]),
    ("Kultur- och fritidsförvaltningen", Unit.Kind.ADMINISTRATION, None, ["KFN"]),
]
# Offices merged into Kommunledningsförvaltningen when it was formed (kept as history).
FORMER_UNITS = ["Ekonomikontoret", "Personalkontoret", "Kommunkansliet"]

FIRST_NAMES = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Kerstin",
    "Emma",
    "Ingrid",
    "Linnéa",
    "Elin",
    "Sofia",
    "Malin",
    "Helena",
    "Johanna",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Nils",
    "Mikael",
    "Jan",
    "Hans",
    "Peter",
    "Olof",
    "Gustav",
    "Fredrik",
    "Oskar",
    "Ali",
    "Fatima",
    "Amir",
    "Leila",
    "Mohammed",
    "Aino",
    "Juha",
    "Siv",
    "Britt",
    "Göran",
    "Åsa",
    "Örjan",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundin",
    "Håkansson",
    "Björk",
    "Bergman",
    "Gunnarsson",
    "Holm",
    "Wikström",
    "Samuelsson",
    "Isaksson",
    "Fransson",
    "Hedlund",
]


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    roles: str


# The people a visitor logs in as: (username, first, last, title, unit, roles).
# Each role is (role, authority code or committee code, position).
KEY_PEOPLE: list[tuple[str, str, str, str, str | None, list[tuple[str, str | None, str]]]] = [
    ("admin", "Sara", "Holm", "Systemförvaltare", "Kansliavdelningen",
     [(Role.SYSADMIN, None, "")]),
    ("registrator", "Eva", "Lindqvist", "Registrator", "Kansliavdelningen",
     [(Role.REGISTRAR, "KF", ""), (Role.REGISTRAR, "KS", "")]),
    ("handlaggare", "Johan", "Berg", "Utredare", "Kansliavdelningen",
     [(Role.OFFICER, "KS", "")]),
    ("sekreterare", "Karin", "Sandberg", "Nämndsekreterare", "Kansliavdelningen",
     [(Role.SECRETARY, "KS", ""), (Role.SECRETARY, "KSAU", ""), (Role.SECRETARY, "KF", "")]),
    ("chef", "Anders", "Wallin", "Kanslichef", "Kansliavdelningen",
     [(Role.MANAGER, "KS", "")]),
    ("arkivarie", "Ingrid", "Eklund", "Kommunarkivarie", "Kansliavdelningen",
     [(Role.ARCHIVIST, code, "") for code, _, _ in AUTHORITIES]),
    ("ordforande", "Göran", "Lundgren", "", None,
     [(Role.ELECTED, "KS", ElectedPosition.CHAIR), (Role.ELECTED, "KSAU", ElectedPosition.CHAIR),
      (Role.ELECTED, "KF", ElectedPosition.MEMBER)]),
    ("ledamot", "Fatima", "Hedlund", "", None,
     [(Role.ELECTED, "KS", ElectedPosition.MEMBER), (Role.ELECTED, "KF", ElectedPosition.MEMBER)]),
]  # fmt: skip

# Staff per administration: (unit, authority codes, registrars, officers, secretaries, managers)
STAFFING = [
    ("HR-avdelningen", ["KS"], 0, 3, 0, 1),
    ("Ekonomiavdelningen", ["KS"], 0, 3, 0, 1),
    ("Kansliavdelningen", ["KS"], 1, 2, 0, 0),
    ("Barn- och utbildningsförvaltningen", ["BUN"], 1, 4, 1, 1),
    ("Socialförvaltningen", ["SN"], 1, 4, 1, 1),
    ("Samhällsbyggnadsförvaltningen", ["MBN", "TFN"], 1, 4, 1, 1),
    ("Kultur- och fritidsförvaltningen", ["KFN"], 1, 2, 1, 1),
]
TITLES = {
    Role.REGISTRAR: "Registrator",
    Role.OFFICER: "Handläggare",
    Role.SECRETARY: "Nämndsekreterare",
    Role.MANAGER: "Avdelningschef",
}
ELECTED_COUNT = 45
# Seats per body for the generated elected members: (code, members, substitutes).
SEATS = [("KS", 11, 4), ("KSAU", 5, 0), ("BUN", 9, 3), ("SN", 9, 3), ("MBN", 7, 2),
         ("TFN", 7, 2), ("KFN", 7, 2)]  # fmt: skip


def ascii_name(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain if ch.isalnum())


class OrgDemo:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.password_hash = make_password(PASSWORD)
        self.created = 0
        self.taken: set[str] = {person[0] for person in KEY_PEOPLE}

    def load(self) -> list[Login]:
        self.municipality = self._municipality()
        self.bodies: dict[str, Authority | Committee] = {}
        for code, kind, name in AUTHORITIES:
            self.bodies[code] = self._authority(code, kind, name)
        for code, parent, name in COMMITTEES:
            self.bodies[code] = self._committee(code, parent, name)
        self.units = self._units()
        logins = [self._key_person(*person) for person in KEY_PEOPLE]
        self._staff()
        self._elected()
        return logins

    def _municipality(self) -> Municipality:
        found = Municipality.objects.filter(name=MUNICIPALITY).first()
        return found or actions.do_create_municipality(MUNICIPALITY, "212000-0000", actor=None)

    def _authority(self, code: str, kind: str, name: str) -> Authority:
        found = Authority.objects.filter(code=code).first()
        return found or actions.do_create_authority(
            self.municipality, kind, code, name, valid_from=ORG_START, actor=None
        )

    def _committee(self, code: str, parent: str, name: str) -> Committee:
        found = Committee.objects.filter(code=code).first()
        authority = self.bodies[parent]
        assert isinstance(authority, Authority)
        return found or actions.do_create_committee(
            authority, code, name, valid_from=ORG_START, actor=None
        )

    def _units(self) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        for name, kind, parent_name, codes in UNITS:
            found = Unit.objects.filter(municipality=self.municipality, name=name).first()
            units[name] = found or actions.do_create_unit(
                self.municipality,
                kind,
                name,
                parent=units[parent_name] if parent_name else None,
                valid_from=ORG_START,
                authorities=[b for c in codes if isinstance(b := self.bodies[c], Authority)],
                actor=None,
            )
        for name in FORMER_UNITS:
            if not Unit.objects.filter(municipality=self.municipality, name=name).exists():
                old = actions.do_create_unit(
                    self.municipality,
                    Unit.Kind.OFFICE,
                    name,
                    valid_from=datetime.date(2010, 1, 1),
                    actor=None,
                )
                actions.do_close_unit(
                    old,
                    ORG_START - datetime.timedelta(days=1),
                    successors=[units["Kommunledningsförvaltningen"]],
                    actor=None,
                )
        return units

    def _user(self, username: str, first: str, last: str, title: str, unit: Unit | None) -> User:
        found = User.objects.filter(username=username).first()
        if found:
            return found
        self.created += 1
        return actions.do_create_user(
            username,
            first_name=first,
            last_name=last,
            email=f"{username}@exempelstad.se",
            title=title,
            unit=unit,
            password_hash=self.password_hash,
            actor=None,
        )

    def _grant(self, user: User, role: str, code: str | None, position: str = "") -> None:
        body = self.bodies.get(code) if code else None
        authority = body if isinstance(body, Authority) else None
        committee = body if isinstance(body, Committee) else None
        if RoleAssignment.objects.filter(
            user=user, role=role, authority=authority or getattr(committee, "authority", None),
            committee=committee, position=position,
        ).exists():  # fmt: skip
            return
        start = TERM_START if role == Role.ELECTED else ORG_START
        actions.do_grant_role(
            user,
            role,
            authority=authority,
            committee=committee,
            position=position,
            valid_from=start,
            actor=None,
        )

    def _key_person(
        self,
        username: str,
        first: str,
        last: str,
        title: str,
        unit_name: str | None,
        roles: list[tuple[str, str | None, str]],
    ) -> Login:
        user = self._user(
            username, first, last, title, self.units[unit_name] if unit_name else None
        )
        for role, code, position in roles:
            self._grant(user, role, code, position)
        bodies: dict[str, list[str]] = {}
        for role, code, position in roles:
            label = dict(ElectedPosition.choices)[position] if position else Role(role).label
            bodies.setdefault(str(label), []).append(code or "")
        text = "; ".join(f"{label} {', '.join(codes)}".strip() for label, codes in bodies.items())
        return Login(username, f"{first} {last}", text)

    def _person_name(self) -> tuple[str, str, str]:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        base = f"{ascii_name(first)}.{ascii_name(last)}"
        username, n = base, 1
        while username in self.taken:
            n += 1
            username = f"{base}{n}"
        self.taken.add(username)
        return username, first, last

    def _staff(self) -> None:
        for unit_name, codes, *counts in STAFFING:
            unit = self.units[unit_name]
            for role, count in zip(TITLES, counts, strict=True):
                for _ in range(count):
                    username, first, last = self._person_name()
                    user = self._user(username, first, last, TITLES[role], unit)
                    for code in codes:
                        self._grant(user, role, code)

    def _elected(self) -> None:
        people = [self._person_name() for _ in range(ELECTED_COUNT)]
        members = [self._user(u, f, la, "", None) for u, f, la in people]
        for member in members:
            self._grant(member, Role.ELECTED, "KF", ElectedPosition.MEMBER)
        pool = list(members)
        for code, seats, substitutes in SEATS:
            chosen = self.rng.sample(pool, seats + substitutes)
            for i, member in enumerate(chosen):
                if code in {"KS", "KSAU"} and i == 0:
                    continue  # the key person "ordforande" chairs KS and KSAU
                position = (
                    ElectedPosition.CHAIR
                    if i == 0
                    else ElectedPosition.MEMBER
                    if i < seats
                    else ElectedPosition.SUBSTITUTE
                )
                self._grant(member, Role.ELECTED, code, position)


def load(seed: int, scale: float, report: Any) -> list[Login]:
    """The organisation does not scale: it is the same at every size."""
    demo = OrgDemo(seed)
    logins = demo.load()
    report(f"Organisation: {MUNICIPALITY}, {demo.created} nya personer")
    return logins
