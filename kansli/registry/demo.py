"""Demo registry: two years of cases and documents for every authority of the demo
municipality, registered through the actions with realistic titles, senders, officers
and statuses. Deterministic for a seed; a second run finds the cases and adds nothing.

About one case in eight (and the first of every authority) comes with real files
(demo_files.py): the incoming letter as a PDF, the officer's report and the decision as
DOCX. Their text is extracted at once, not by the worker, so that search finds a word
of a file as soon as the demo is loaded. The files are chosen by a generator of their
own: the registrations are the same as they would be without them."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from kansli.files.extract import extract_file_text
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.org.models import Authority, Role, RoleAssignment, User
from kansli.registry import actions, demo_files
from kansli.registry.demo_files import CasePapers
from kansli.registry.models import (
    Case,
    CaseStatus,
    Classification,
    Document,
    NamingRule,
    SecrecyProvision,
)
from kansli.registry.scheme import parse_scheme

START = datetime.date(2025, 1, 1)
CASES_PER_YEAR = {"KF": 60, "KS": 260, "BUN": 180, "SN": 160, "MBN": 240, "TFN": 140, "KFN": 90}
SCHEME_FILE = "klassa-exempel.csv"
REPORT = "Tjänsteskrivelse"
FILE_SHARE = 0.1  # of the cases, besides every authority's first, that come with files
SECRET_FILE_SHARE = 0.5  # of the cases with a secret first letter that come with it

# The processes whose documents are secret by default: (code, provision) per authority.
PROCESS_SECRECY = {
    "KS": [("2.2.3", "OSL 39 kap. 3 §")],
    "SN": [("3.2.1", "OSL 26 kap. 1 §")],
}
# (title template, classification code, first document's description, secret provision)
SUBJECTS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "KF": [
        ("Motion om {topic}", "1.1.1", "Motion", None),
        ("Medborgarförslag om {topic}", "1.2.2", "Medborgarförslag", None),
        ("Interpellation om {topic}", "1.1.2", "Interpellation", None),
    ],
    "KS": [
        ("Remiss från Länsstyrelsen om {topic}", "1.2.1", "Remiss", None),
        ("Upphandling av {service}", "2.1.2", "Anbud", "OSL 19 kap. 3 §"),
        ("Begäran om allmän handling om {topic}", "2.3.1", "Begäran om allmän handling", None),
        ("Rehabiliteringsärende, {unit}", "2.2.3", "Läkarintyg", "OSL 39 kap. 3 §"),
        ("Rekrytering av {job}", "2.2.1", "Ansökan om anställning", None),
        ("Budget {year} för {unit}", "2.1.1", "Budgetunderlag", None),
    ],
    "BUN": [
        ("Ansökan om skolskjuts för elev i årskurs {grade}", "3.1.2", "Ansökan om skolskjuts",
         "OSL 23 kap. 2 §"),
        ("Anmälan om kränkande behandling vid {school}", "3.1.3", "Anmälan", "OSL 23 kap. 2 §"),
        ("Ansökan om förskoleplats i {district}", "3.1.1", "Ansökan om förskoleplats", None),
        ("Medborgarförslag om {topic}", "1.2.2", "Medborgarförslag", None),
    ],
    "SN": [
        ("Ansökan om ekonomiskt bistånd", "3.2.1", "Ansökan", "OSL 26 kap. 1 §"),
        ("Ansökan om serveringstillstånd, {company}", "3.2.2", "Ansökan om serveringstillstånd",
         None),
        ("Orosanmälan", "3.2.1", "Orosanmälan", "OSL 26 kap. 1 §"),
    ],
    "MBN": [
        ("Bygglov för nybyggnad av enbostadshus, {property}", "3.3.2", "Ansökan om bygglov", None),
        ("Bygglov för tillbyggnad, {property}", "3.3.2", "Ansökan om bygglov", None),
        ("Detaljplan för {district}", "3.3.1", "Planbesked", None),
        ("Klagomål på buller, {property}", "3.3.3", "Klagomål", None),
        ("Tillsyn av enskilt avlopp, {property}", "3.3.3", "Inspektionsrapport", None),
    ],
    "TFN": [
        ("Ansökan om markupplåtelse, {street}", "3.4.2", "Ansökan", None),
        ("Synpunkt på snöröjning på {street}", "3.4.1", "Synpunkt", None),
        ("Medborgarförslag om {topic}", "1.2.2", "Medborgarförslag", None),
    ],
    "KFN": [
        ("Ansökan om föreningsbidrag, {club}", "3.5.1", "Ansökan om bidrag", None),
        ("Synpunkt på bibliotekets öppettider", "3.5.2", "Synpunkt", None),
    ],
}  # fmt: skip
WORDS = {
    "topic": ["fler parkbänkar", "gång- och cykelväg till skolan", "belysning i Norrparken",
              "hundrastgård", "solceller på kommunens tak", "fritidsgård i Västerby",
              "längre öppettider i simhallen", "trafiksäkerhet vid förskolan"],
    "service": ["skolmåltider", "snöröjning", "IT-konsulttjänster", "städtjänster", "skolskjuts"],
    "unit": ["HR-avdelningen", "Ekonomiavdelningen", "Kansliavdelningen"],
    "job": ["controller", "nämndsekreterare", "bygglovshandläggare", "socialsekreterare"],
    "grade": ["1", "3", "5", "7", "8"],
    "school": ["Centralskolan", "Västerbyskolan", "Ängsskolan", "Kyrkbyns skola"],
    "district": ["Västerby", "Norrmalm", "Kyrkbyn", "Ängsbacken", "Södra hamnen"],
    "company": ["Restaurang Hamnkrogen AB", "Café Solrosen", "Pizzeria Napoli HB"],
    "property": ["Exempelstad Björken 3", "Exempelstad Linden 12", "Västerby 4:17",
                 "Kyrkbyn 2:8", "Norrmalm Eken 5"],
    "street": ["Storgatan", "Kyrkvägen", "Hamngatan", "Skolvägen"],
    "club": ["Exempelstads IF", "Västerby Scoutkår", "Kyrkbyns hembygdsförening"],
    "year": ["2026", "2027"],
}  # fmt: skip
SENDERS = ["Anna Nilsson", "Per Svensson", "Lena Holm", "Mohammed Ali", "Karin Ek",
           "Bostads AB Exempelstad", "Länsstyrelsen i Exempellän", "Trafikverket",
           "Skolinspektionen", "Byggfirman Bygg & Bo AB", "Maria Lindberg",
           "Olof Berg"]  # fmt: skip
PRIVATE_SENDERS = {"Anna Nilsson", "Per Svensson", "Lena Holm", "Mohammed Ali", "Karin Ek",
                   "Maria Lindberg", "Olof Berg"}  # fmt: skip


@dataclass
class Counts:
    cases: int = 0
    documents: int = 0
    pdf: int = 0
    docx: int = 0
    secret_files: int = 0


class RegistryDemo:
    def __init__(self, seed: int | str, scale: float = 1.0) -> None:
        self.rng = random.Random(seed)
        self.file_rng = random.Random(f"{seed}-files")
        self.scale = scale
        self.today = timezone.localdate()
        self.counts = Counts()

    def load(self) -> Counts:
        for code, per_year in CASES_PER_YEAR.items():
            authority = Authority.objects.get(code=code)
            self._scheme(authority)
            if Case.objects.filter(authority=authority, external_id__startswith="demo-").exists():
                continue
            self._cases(authority, per_year)
        return self.counts

    def _scheme(self, authority: Authority) -> None:
        if not authority.classifications.exists():
            text = (Path(__file__).parent / "data" / SCHEME_FILE).read_text(encoding="utf-8")
            actions.do_load_classification_scheme(authority, parse_scheme(text), actor=None)
            # Individual cases are secret by default (kansli.registry.secrecy).
            for code, reference in PROCESS_SECRECY.get(authority.code, []):
                process = authority.classifications.get(code=code)
                provision = SecrecyProvision.objects.get(reference=reference)
                actions.do_set_default_secrecy(
                    process,
                    provision,
                    withhold_counterpart=True,
                    withhold_description=True,
                    actor=None,
                )

    def _staff(self, authority: Authority, role: Role) -> list[User]:
        ids = RoleAssignment.objects.filter(authority=authority, role=role).values("user")
        return list(User.objects.filter(pk__in=ids).order_by("username"))

    def _cases(self, authority: Authority, per_year: int) -> None:
        officers = self._staff(authority, Role.OFFICER)
        classes = {c.code: c for c in authority.classifications.all()}
        days = (self.today - START).days
        count = max(1, round(per_year * self.scale * days / 365))
        opened = sorted(
            START + datetime.timedelta(days=self.rng.randrange(days)) for _ in range(count)
        )
        for n, day in enumerate(opened):
            subject = self.rng.choice(SUBJECTS[authority.code])
            self._case(authority, n, day, subject, classes, officers)

    def open_case(
        self,
        authority: Authority,
        day: datetime.date,
        officer: User | None = None,
        *,
        secrecy: str | None = None,
        with_file: bool = False,
    ) -> Case:
        """A case opened on `day` with its first letter (secret under `secrecy`, or with
        the letter as a PDF), given to an officer and still being prepared: what a
        board's agenda, an officer's draft or a request for documents needs when the
        demo's scale (2 % of the cases in the tests) has left the authority none."""
        title, class_code, first, _ = self.rng.choice(
            [subject for subject in SUBJECTS[authority.code] if subject[3] == secrecy]
        )
        classes = {c.code: c for c in authority.classifications.all()}
        case = actions.do_register_case(
            authority, self._fill(title), classification=classes.get(class_code),
            opened_at=min(_at(day, 9), timezone.now()), actor=None,
        )  # fmt: skip
        provision = SecrecyProvision.objects.get(reference=secrecy) if secrecy else None
        sender = self.rng.choice(SENDERS)
        letter = self._document(case, "inkommen", day, first, sender, 0, provision, first)
        if with_file:
            self._attach_letter(letter, sender)
        officer = officer or next(iter(self._staff(authority, Role.OFFICER)), None)
        if officer is not None:
            assigned = min(_at(day, 11), timezone.now())
            actions.do_assign_officer(case, officer, assigned_at=assigned, actor=None)
        self.counts.cases += 1
        return case

    def _fill(self, template: str) -> str:
        return template.format(**{k: self.rng.choice(v) for k, v in WORDS.items()})

    def _case(
        self,
        authority: Authority,
        n: int,
        day: datetime.date,
        subject: tuple[str, str, str, str | None],
        classes: dict[str, Classification],
        officers: list[User],
    ) -> None:
        title, class_code, first, secret = subject
        opened_at = _at(day, 9 + self.rng.randrange(7))
        case = actions.do_register_case(
            authority, self._fill(title), classification=classes.get(class_code),
            opened_at=opened_at, actor=None,
        )  # fmt: skip
        Case.objects.filter(pk=case.pk).update(external_id=f"demo-{authority.code}-{n}")
        provision = SecrecyProvision.objects.get(reference=secret) if secret else None
        sender = self.rng.choice(SENDERS)
        lag = self.rng.choice([0, 0, 0, 0, 1, 1, 2, 4])
        letter = self._document(case, "inkommen", day, first, sender, lag, provision, first)
        papers = None
        if (n == 0 or self.file_rng.random() < FILE_SHARE) and provision is None:
            papers = self._attach_letter(letter, sender)
        elif provision is not None and self.file_rng.random() < SECRET_FILE_SHARE:
            # A secret letter signed with the sender's personal identity number, as
            # applications to the social services are: the read gate and the public
            # e-diary's masking have something to keep away.
            signed = f"{sender}, {demo_files.identity_number(self.file_rng)}"
            self._attach_letter(letter, signed)
            self.counts.secret_files += 1
        age = (self.today - day).days
        if officers and age > 3:
            later = day + datetime.timedelta(days=self.rng.choice([0, 1, 2, 3, 7]))
            assigned = min(_at(later, 11), timezone.now())
            actions.do_assign_officer(
                case, self.rng.choice(officers), assigned_at=assigned, actor=None
            )
        if age > 30:
            report = self._document(case, "upprattad", day + datetime.timedelta(days=20),
                                    REPORT, "", 0, None, REPORT)  # fmt: skip
            if papers is not None:
                self._attach_docx(report, papers, demo_files.report_docx)
        if age > 45:
            decision = self._document(case, "utgaende", day + datetime.timedelta(days=40),
                                      "Beslut", sender, 0, provision, "Beslut")  # fmt: skip
            if papers is not None and self.file_rng.random() < 0.5:
                self._attach_docx(decision, papers, demo_files.decision_docx)
            actions.do_change_case_status(case, CaseStatus.DECIDED, actor=None)
            if age > 90 and self.rng.random() < 0.8:
                actions.do_change_case_status(case, CaseStatus.CLOSED, actor=None)
        self.counts.cases += 1

    def _document(
        self,
        case: Case,
        direction: str,
        day: datetime.date,
        description: str,
        counterpart: str,
        lag: int,
        provision: SecrecyProvision | None,
        document_type: str,
    ) -> Document:
        """A document of the type the document management plan names (the first
        letter's description, "Tjänsteskrivelse", "Beslut"): kansli.retention's demo
        plan gives each its handling and disposal."""
        day = min(day, self.today)
        registered = min(_at(day + datetime.timedelta(days=lag), 10), timezone.now())
        document = actions.do_register_document(
            case, direction, day, description, counterpart=counterpart,
            counterpart_is_private=counterpart in PRIVATE_SENDERS, secrecy=provision,
            withhold_counterpart=provision is not None and direction == "inkommen",
            document_type=document_type, registered_at=registered, actor=None,
        )  # fmt: skip
        self.counts.documents += 1
        return document

    def _attach_letter(self, letter: Document, signed: str) -> CasePapers:
        """The incoming letter as a PDF, signed as `signed`."""
        case, authority = letter.case, letter.case.authority
        papers = demo_files.papers(
            self.file_rng, title=case.title, case_number=case.case_number,
            authority=authority.name, municipality=authority.municipality.name,
            sender=signed, description=letter.description, received=letter.document_date,
        )  # fmt: skip
        name = demo_files.file_name(letter.description, papers, ".pdf")
        self._attach(letter, demo_files.letter_pdf(self.file_rng, papers), name)
        return papers

    def _attach_docx(
        self, document: Document, papers: CasePapers, make: demo_files.DocxMaker
    ) -> None:
        officer = document.case.officer
        name = str(officer) if officer else "Förvaltningen"
        data = make(self.file_rng, papers, document.document_date, name)
        self._attach(document, data, demo_files.file_name(document.description, papers, ".docx"))

    def _attach(self, document: Document, data: bytes, name: str) -> None:
        """Store and attach a file, and extract its text now (the worker would do it
        only once the demo's transaction has committed and a worker runs)."""
        stored = store_bytes(data, name)
        actions.do_attach_file(document, stored, name, actor=None)
        if stored.extraction == StoredFile.Extraction.PENDING:
            extract_file_text.call(stored.pk)
        if name.endswith(".pdf"):
            self.counts.pdf += 1
        else:
            self.counts.docx += 1


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# Standardised naming (kansli.registry.naming): offered when registering these types.
NAMING_RULES = [
    ("Yttrande", "Yttrande – {ämne} – {motpart}"),
    ("Ansökan", "Ansökan om {vad} – {fastighet eller sökande}"),
    ("Överklagande", "Överklagande av {beslut} – {klagande}"),
]


def _naming_rules() -> int:
    added = 0
    for document_type, pattern in NAMING_RULES:
        if not NamingRule.objects.filter(document_type__iexact=document_type).exists():
            actions.do_add_naming_rule(document_type, pattern, actor=None)
            added += 1
    return added


def load(seed: int, scale: float, report: Any) -> list[Any]:
    counts = RegistryDemo(seed, scale).load()
    report(f"Namnregler: {_naming_rules()} nya (yttrande, ansökan, överklagande)")
    report(f"Diarium: {counts.cases} nya ärenden, {counts.documents} nya handlingar")
    report(
        f"Filer: {counts.pdf + counts.docx} bifogade ({counts.pdf} PDF, {counts.docx} DOCX), "
        f"texten extraherad och sökbar ({counts.secret_files} sekretessmarkerade brev med "
        "personnummer)"
    )
    return []
