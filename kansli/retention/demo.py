"""Demo document management plan (informationshanteringsplan) for Exempelstad: one
plan shared by every authority, adopted by the executive board as archive authority,
for the processes of the demo's classification scheme (after SKR's KLASSA), and one
local addition for the social services board; a few cases from the earlier registry
closed in 2019–2022, whose documents the plan now lets go; one of them under a legal
hold; and kommunstyrelsen's disposal list made today, waiting for the manager
("chef") to review it, so that a visitor can follow a list through its reviews. The
documents the other demos registered get the plan's types (do_link_types).
Through the actions; a second run finds the plan and adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kansli.org.models import Authority
from kansli.registry import actions
from kansli.registry.models import Case, CaseStatus
from kansli.retention.actions import do_adopt_plan
from kansli.retention.disposal import do_list_disposal
from kansli.retention.doctypes import do_link_types
from kansli.retention.entries import RuleRow
from kansli.retention.holds import do_place_hold
from kansli.retention.models import Event, Handling, Medium, Outcome, Plan

REG, ORDER = Handling.REGISTERED, Handling.KEPT_IN_ORDER
SKR = "SKR:s gallringsråd"
SYSTEM = "Ärendesystemet"


def keep(code: str, title: str, kind: str, handling: str = REG, **more: Any) -> RuleRow:
    return RuleRow(process_code=code, process_title=title, document_type=kind,
                   handling=handling, outcome=Outcome.KEEP, medium=Medium.DIGITAL,
                   kept_where=more.pop("kept_where", SYSTEM),
                   legal_basis=more.pop("legal_basis", "Arkivlagen 3 §"), **more)  # fmt: skip


def dispose(
    code: str, title: str, kind: str, years: int | None, event: str = Event.CASE_CLOSED,
    handling: str = REG, **more: Any,
) -> RuleRow:  # fmt: skip
    """Disposed of `years` after the event, or with years None when no longer needed."""
    if years is None:
        event = Event.OBSOLETE
    return RuleRow(process_code=code, process_title=title, document_type=kind,
                   handling=handling, outcome=Outcome.DISPOSE, period_years=years,
                   starting_event=event, medium=Medium.DIGITAL,
                   kept_where=more.pop("kept_where", SYSTEM),
                   legal_basis=more.pop("legal_basis", SKR), **more)  # fmt: skip


# The shared plan: the types Kansli registers itself in every process, then each
# process of the scheme (kansli/registry/data/klassa-exempel.csv) with the types its
# cases hold (kansli.registry.demo.SUBJECTS).
SHARED = [
    keep("", "", "Beslut"),
    keep("", "", "Tjänsteskrivelse"),
    keep("", "", "Protokoll"),
    keep("", "", "Protokollsutdrag"),
    keep("", "", "Delegationsbeslut", note="Anmäls till nämnden (KL 7 kap. 8 §)."),
    keep("", "", "Remiss"),
    keep("", "", "Överklagande"),
    keep("", "", "Överlämnande"),
    keep("", "", "Gallringsprotokoll", legal_basis="Arkivlagen 10 §; RA-FS 2021:6"),
    dispose("", "", "Kallelse", 2, Event.DOCUMENT_DATE, ORDER, kept_where="Nämndens webbsida"),
    dispose("", "", "Handläggningsbesked", 2),
    dispose("", "", "Utlämnande av allmän handling", 2),
    dispose("", "", "Synpunkt", 2, note="Synpunkter som lett till ett beslut bevaras med det."),
    keep("1.1", "Styra verksamheten", "Motion"),
    keep("1.1", "Styra verksamheten", "Interpellation"),
    keep("1.2.2", "Hantera medborgarförslag och synpunkter", "Medborgarförslag"),
    keep("1.2.2", "Hantera medborgarförslag och synpunkter", "E-förslag"),
    dispose("2.1.1", "Budgetera", "Budgetunderlag", 5, Event.YEAR_END),
    dispose(
        "2.1.2",
        "Upphandla varor och tjänster",
        "Anbud",
        10,
        secrecy="OSL 19 kap. 3 §",
        note="Det antagna anbudet bevaras med avtalet.",
    ),
    dispose(
        "2.2.1",
        "Rekrytera personal",
        "Ansökan om anställning",
        2,
        legal_basis=f"{SKR}; diskrimineringslagen 6 kap. 3 §",
    ),
    dispose(
        "2.2.3",
        "Hantera arbetsmiljö och rehabilitering",
        "Läkarintyg",
        5,
        secrecy="OSL 39 kap. 3 §",
        legal_basis=f"{SKR}; OSL 39 kap. 3 §",
    ),
    dispose("2.3.1", "Hantera begäran om allmän handling", "Begäran om allmän handling", 2),
    dispose("3.1.1", "Hantera förskoleplats", "Ansökan om förskoleplats", None),
    dispose("3.1.2", "Hantera skolskjuts", "Ansökan om skolskjuts", 3, secrecy="OSL 23 kap. 2 §"),
    keep(
        "3.1.3",
        "Hantera kränkande behandling",
        "Anmälan",
        secrecy="OSL 23 kap. 2 §",
        legal_basis="Skollagen 6 kap. 10 §; Arkivlagen 3 §",
    ),
    dispose(
        "3.2.1",
        "Utreda och besluta om bistånd",
        "Ansökan",
        5,
        secrecy="OSL 26 kap. 1 §",
        legal_basis="SoL 12 kap. 1 §; OSL 26 kap. 1 §",
        note="Akter för barn födda den 5, 15 och 25 bevaras (SoL 12 kap. 2 §).",
    ),
    keep("3.2.2", "Hantera tillstånd för serveringstillstånd", "Ansökan om serveringstillstånd"),
    keep("3.3.1", "Upprätta detaljplan", "Planbesked"),
    keep("3.3.2", "Pröva bygglov", "Ansökan om bygglov", legal_basis="PBL 9 kap.; Arkivlagen 3 §"),
    dispose("3.3.3", "Utöva tillsyn enligt miljöbalken", "Klagomål", 5),
    dispose("3.3.3", "Utöva tillsyn enligt miljöbalken", "Inspektionsrapport", 10),
    dispose("3.4.2", "Hantera markupplåtelse", "Ansökan", 2),
    dispose(
        "3.5.1",
        "Bevilja föreningsbidrag",
        "Ansökan om bidrag",
        10,
        Event.YEAR_END,
        legal_basis=f"{SKR}; bokföringslagen 7 kap. 2 §",
    ),
]
# The social services board's own addition: reports of concern and the journal.
SOCIAL = [
    dispose(
        "3.2.1",
        "Utreda och besluta om bistånd",
        "Orosanmälan",
        5,
        secrecy="OSL 26 kap. 1 §",
        legal_basis="SoL 12 kap. 1 §; OSL 26 kap. 1 §",
        note="Anmälan som inte lett till utredning gallras efter samma tid.",
    ),
    dispose(
        "3.2.1",
        "Utreda och besluta om bistånd",
        "Journalanteckning",
        5,
        Event.DOCUMENT_DATE,
        ORDER,
        secrecy="OSL 26 kap. 1 §",
        kept_where="Verksamhetssystemet",
        legal_basis="SoL 12 kap. 1 §; OSL 26 kap. 1 §",
    ),
]

# Cases of the earlier registry, long closed: (authority, process, title, closed, the
# documents as (direction, type, description, sender)).
OLD_CASES: list[tuple[str, str, str, datetime.date, list[tuple[str, str, str, str]]]] = [
    ("KS", "2.3.1", "Begäran om allmän handling om skolskjutsupphandlingen",
     datetime.date(2020, 3, 12), [
         ("inkommen", "Begäran om allmän handling", "Begäran om avtal och anbud", "Per Svensson"),
         ("utgaende", "Utlämnande av allmän handling", "Utlämnande av avtalet", "Per Svensson"),
     ]),
    ("KS", "2.3.1", "Begäran om allmän handling om lokalhyror", datetime.date(2021, 6, 3), [
        ("inkommen", "Begäran om allmän handling", "Begäran om hyresavtal", "Lokaltidningen"),
        ("utgaende", "Beslut", "Beslut om delvis avslag", "Lokaltidningen"),
    ]),
    # Under a legal hold: the former tenant disputes the municipality's claim in court.
    ("KS", "2.3.1", "Begäran om allmän handling om Hamnkrogens arrende",
     datetime.date(2020, 9, 30), [
         ("inkommen", "Begäran om allmän handling", "Begäran om arrendeavtalet",
          "Restaurang Hamnkrogen AB"),
     ]),
    ("KS", "2.2.1", "Rekrytering av nämndsekreterare", datetime.date(2021, 2, 26), [
        ("inkommen", "Ansökan om anställning", "Ansökan om anställning", "Lena Holm"),
        ("inkommen", "Ansökan om anställning", "Ansökan om anställning", "Karin Ek"),
        ("utgaende", "Beslut", "Beslut om anställning", "Karin Ek"),
    ]),
    ("KS", "1.2.2", "Synpunkt på kommunens webbplats", datetime.date(2019, 11, 8), [
        ("inkommen", "Synpunkt", "Synpunkt på sökfunktionen", "Olof Berg"),
    ]),
    ("SN", "3.2.1", "Ansökan om ekonomiskt bistånd", datetime.date(2020, 4, 17), [
        ("inkommen", "Ansökan", "Ansökan om ekonomiskt bistånd", "Mohammed Ali"),
        ("utgaende", "Beslut", "Beslut om bistånd", "Mohammed Ali"),
    ]),
    ("MBN", "3.3.3", "Klagomål på buller, Kyrkbyn 2:8", datetime.date(2019, 10, 2), [
        ("inkommen", "Klagomål", "Klagomål på buller från fläkt", "Anna Nilsson"),
    ]),
    ("TFN", "3.4.2", "Ansökan om markupplåtelse, Hamngatan", datetime.date(2022, 5, 20), [
        ("inkommen", "Ansökan", "Ansökan om uteservering", "Café Solrosen"),
        ("utgaende", "Beslut", "Beslut om markupplåtelse", "Café Solrosen"),
    ]),
]  # fmt: skip
HOLD_REASON = "Tvist i tingsrätten om arrendet (mål T 1234-25): handlingarna kan behövas som bevis."
PRIVATE = {"Per Svensson", "Lena Holm", "Karin Ek", "Olof Berg", "Mohammed Ali", "Anna Nilsson"}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _old_case(
    n: int,
    code: str,
    process: str,
    title: str,
    closed: datetime.date,
    documents: list[tuple[str, str, str, str]],
) -> Case:
    """A case of the earlier registry: opened and its documents registered some weeks
    before it was closed, then closed on that day."""
    authority = Authority.objects.get(code=code)
    opened = closed - datetime.timedelta(days=40)
    case = actions.do_register_case(
        authority, title, classification=authority.classifications.filter(code=process).first(),
        opened_at=_at(opened), actor=None,
    )  # fmt: skip
    for i, (direction, kind, description, sender) in enumerate(documents):
        day = opened + datetime.timedelta(days=10 * i)
        actions.do_register_document(
            case, direction, day, description, counterpart=sender,
            counterpart_is_private=sender in PRIVATE, document_type=kind,
            registered_at=_at(day, 11), actor=None,
        )  # fmt: skip
    actions.do_change_case_status(case, CaseStatus.DECIDED, actor=None)
    actions.do_change_case_status(case, CaseStatus.CLOSED, actor=None)
    Case.objects.filter(pk=case.pk).update(
        closed_at=_at(closed, 15), external_id=f"demo-retention-{n}"
    )
    case.refresh_from_db()
    return case


def load(seed: int, scale: float, report: Any) -> list[Any]:
    ks = Authority.objects.get(code="KS")
    municipality = ks.municipality
    if Plan.objects.of(None, municipality).exists():
        return []
    decided = datetime.date(2024, 11, 20)
    shared = do_adopt_plan(
        None, SHARED, valid_from=datetime.date(2025, 1, 1), adopted_by="Kommunstyrelsen",
        decision_reference="KS 2024/312 § 187", decision_date=decided, actor=None,
        municipality=municipality,
    )  # fmt: skip
    do_adopt_plan(
        Authority.objects.get(code="SN"), SOCIAL, valid_from=datetime.date(2025, 3, 1),
        adopted_by="Socialnämnden", decision_reference="SN 2025/18 § 22",
        decision_date=datetime.date(2025, 2, 12), actor=None,
    )  # fmt: skip
    # The documents registered before the plan get its types, as an installation's do.
    linked = do_link_types(actor=None)
    cases = [_old_case(n, *row) for n, row in enumerate(OLD_CASES)]
    held = next(case for case in cases if "Hamnkrogen" in case.title)
    do_place_hold(ks, HOLD_REASON, cases=[held], actor=None)
    run = do_list_disposal(ks, actor=None)
    going = sum(1 for item in run.items.all() if item.goes)
    report(
        f"Informationshanteringsplan: gemensam ({shared.rules.count()} handlingstyper, "
        f"fastställd av kommunstyrelsen {shared.decision_reference}) och socialnämndens "
        f"tillägg; {linked.linked} handlingar fick planens handlingstyp "
        f"({linked.unmatched_documents} utan); {len(cases)} gamla avslutade ärenden, ett "
        "under bevarandebeslut"
    )
    report(
        f"Gallring: KS:s lista {run.pk} med {going} handlingar att gallra och "
        f"{run.items.count() - going} med hinder väntar på chefens granskning"
    )
    return []
