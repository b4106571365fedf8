"""The demo's files: incoming letters as PDF (an HTML letter rendered with WeasyPrint) and
officers' reports (tjänsteskrivelser) and decisions as DOCX (python-docx), in Swedish.

Each file says what its registration says (sender, date, the case's title and number)
and a few sentences more. Those sentences carry words that no registration in the demo
contains (MARKERS: "vindskyddet", "pulkabacken", "Storåsen", ...), so that searching for
one finds a document by the text of its file alone. Everything is chosen by the random
generator passed in: the same seed gives the same files, byte for byte."""

from __future__ import annotations

import datetime
import functools
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import docx
from docx.document import Document as Docx

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]  # fmt: skip

# What the sender of the first letter writes first, by the registration's description.
OPENINGS: dict[str, list[str]] = {
    "Motion": [
        "Jag lämnar härmed följande motion till kommunfullmäktige. Frågan om {subject} "
        "berör många invånare och har diskuterats länge utan att något har hänt.",
        "Med denna motion vill jag att fullmäktige tar ställning i frågan om {subject}.",
    ],
    "Medborgarförslag": [
        "Jag vill lämna ett medborgarförslag om {subject}. Det skulle göra stor skillnad "
        "för oss som bor i området, särskilt för barnfamiljer och äldre.",
        "Som boende i kommunen föreslår jag att kommunen ser över frågan om {subject}.",
    ],
    "Interpellation": [
        "Jag vill ställa följande frågor till kommunstyrelsens ordförande om {subject}: "
        "Vilka åtgärder har vidtagits hittills, och när kan invånarna vänta sig besked?",
    ],
    "Remiss": [
        "Härmed översänds rubricerat ärende på remiss. Kommunens synpunkter ska ha kommit "
        "in inom sex veckor från dagens datum.",
    ],
    "Begäran om allmän handling": [
        "Jag begär att få ta del av allmänna handlingar enligt 2 kap. tryckfrihetsförordningen. "
        "Begäran avser handlingar om {subject} från och med förra året.",
    ],
    "Ansökan om anställning": [
        "Jag söker härmed den utannonserade tjänsten. Jag har flera års erfarenhet av "
        "liknande arbete i offentlig verksamhet och bifogar mitt CV och betyg.",
    ],
    "Budgetunderlag": [
        "Här översänds budgetunderlaget enligt anvisningarna. Underlaget omfattar drift, "
        "investeringar och en bedömning av personalbehovet de kommande tre åren.",
    ],
    "Ansökan om förskoleplats": [
        "Vi ansöker om förskoleplats för vårt barn med önskat startdatum om tre månader. "
        "Vi önskar i första hand en förskola nära hemmet.",
    ],
    "Ansökan om serveringstillstånd": [
        "Vi ansöker om stadigvarande serveringstillstånd för allmänheten året runt, med "
        "servering till klockan 01.00. Kunskapsprovet är avlagt av ansvarig föreståndare.",
    ],
    "Ansökan om bygglov": [
        "Jag ansöker härmed om bygglov enligt bifogade ritningar, situationsplan och "
        "fasadritningar. Kontrollansvarig är utsedd.",
    ],
    "Planbesked": [
        "Vi begär planbesked för att pröva möjligheten till bostäder i området. En skiss "
        "över tänkt bebyggelse bifogas.",
    ],
    "Klagomål": [
        "Jag vill framföra klagomål på störande buller, som pågår både kvällar och helger. "
        "Ljudet hörs tydligt inomhus även med stängda fönster.",
    ],
    "Inspektionsrapport": [
        "Rapporten avser tillsynsbesök av den enskilda avloppsanläggningen. Anläggningen "
        "bedöms inte uppfylla dagens krav på rening.",
    ],
    "Ansökan": [
        "Vi ansöker om tillstånd att använda offentlig plats under fyra veckor för "
        "byggnadsställning och containrar.",
    ],
    "Synpunkt": [
        "Jag skriver för att lämna en synpunkt. Problemet har funnits under en längre tid "
        "och jag hoppas att kommunen kan göra något åt saken.",
    ],
    "Ansökan om bidrag": [
        "Föreningen ansöker om bidrag för den kommande säsongen. Verksamheten riktar sig "
        "främst till barn och unga och bedrivs helt ideellt.",
    ],
}
OPENING = "Härmed översänds en skrivelse i ärendet."

# Sentences with a word found in no registration of the demo (the word is in MARKERS):
# what a sender might add, and what an officer might find.
LETTER_DETAILS = [
    "Jag vill också påpeka att vindskyddet vid badplatsen blåste sönder under vintern.",
    "Flera grannar har klagat på att pulkabacken bakom skolan saknar belysning.",
    "Ett fotografi av den skadade stenmuren längs ån bifogas.",
    "Elljusspåret används av många motionärer, även efter mörkrets inbrott.",
    "Området kring glasskiosken vid hamnen blir ofta nedskräpat på sommaren.",
    "Boulebanan i parken har dessutom vuxit igen med ogräs.",
    "Vi har mätt upp avståndet till rönnbärsträden vid tomtgränsen tillsammans med grannarna.",
    "Anslagstavlan vid busshållplatsen har stått tom sedan i höstas.",
    "Längs strandpromenaden finns i dag bara en enda papperskorg.",
    "Vid lastkajen bakom livsmedelsbutiken står lastbilar på tomgång tidigt på morgonen.",
    "Trädäcket vid fiskeplatsen är halt och har flera lösa plankor.",
    "Cykelstället utanför biblioteket räcker inte till under terminerna.",
]
REPORT_DETAILS = [
    "Vid platsbesöket konstaterades att stenmuren mot grannfastigheten är i gott skick.",
    "Förvaltningen har samrått med Räddningstjänsten Storåsen, som inte har något att erinra.",
    "Underlaget har stämts av mot översiktsplanen och grönstrukturprogrammet.",
    "Förvaltningen har inhämtat yttrande från Vattenrådet i Exempelån.",
    "Frågan om snöupplag vid idrottsplatsen utreds i ett eget ärende.",
    "Ärendet har beretts i samverkan med kommunens trygghetssamordnare.",
    "En liknande åtgärd genomfördes i grannkommunen Sjöberga med goda erfarenheter.",
    "Synpunkter från dialogmötet i Folkets hus har vägts in i bedömningen.",
    "Vindskyddet vid badplatsen ingår redan i underhållsplanen för nästa år.",
    "Enligt mätningen från i våras överskrids riktvärdet vid lastkajen nattetid.",
]
MARKERS = ["vindskyddet", "pulkabacken", "stenmuren", "elljusspåret", "glasskiosken",
           "boulebanan", "rönnbärsträden", "anslagstavlan", "strandpromenaden", "lastkajen",
           "fiskeplatsen", "cykelstället", "storåsen", "grönstrukturprogrammet", "exempelån",
           "snöupplag", "trygghetssamordnare", "sjöberga", "dialogmötet"]  # fmt: skip

VERDICTS = [
    "bifalla framställan",
    "avslå framställan",
    "anse ärendet besvarat med det som sägs i tjänsteskrivelsen",
    "uppdra åt förvaltningen att återkomma med en fördjupad utredning",
]
COSTS = [
    "Förslaget bedöms rymmas inom förvaltningens budget för innevarande år.",
    "Förslaget medför inga kostnader utöver den ordinarie driften.",
    "Kostnaden uppskattas till 85 000 kronor och föreslås finansieras inom befintlig ram.",
]
ADDRESSES = ["Storgatan 12, 123 45 Exempelstad", "Kyrkvägen 3, 123 47 Exempelstad",
             "Box 104, 123 21 Exempelstad", "Hamngatan 8 B, 123 44 Exempelstad",
             "Skolvägen 27, 123 52 Västerby", "Ängsvägen 5, 123 60 Kyrkbyn"]  # fmt: skip

STYLE = """
@page { size: A4; margin: 2.2cm 2.4cm; }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.45; }
.from { text-align: right; }
.to { margin-top: 1.5cm; }
h1 { font-size: 13pt; margin: 1.2cm 0 0.5cm; }
"""
LETTER = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{title}</title>
<style>{style}</style></head><body>
<p class="from">{sender}<br>{address}<br>{date}</p>
<p class="to">{authority}<br>{municipality}</p>
<h1>{title}</h1>
{paragraphs}
<p>Med vänliga hälsningar<br><br>{sender}</p>
</body></html>"""


@dataclass(frozen=True)
class CasePapers:
    """What a case's files have in common: the registration they start from and how
    the case ends."""

    title: str
    case_number: str
    authority: str
    municipality: str
    sender: str
    address: str
    description: str
    received: datetime.date
    verdict: str


DocxMaker = Callable[[random.Random, CasePapers, datetime.date, str], bytes]


def papers(
    rng: random.Random,
    *,
    title: str,
    case_number: str,
    authority: str,
    municipality: str,
    sender: str,
    description: str,
    received: datetime.date,
) -> CasePapers:
    return CasePapers(
        title, case_number, authority, municipality, sender, rng.choice(ADDRESSES),
        description, received, rng.choice(VERDICTS),
    )  # fmt: skip


def long_date(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _subject(title: str) -> str:
    """What a title "… om X" is about: "Motion om fler parkbänkar" → "fler parkbänkar"
    (OPENINGS use it only for descriptions whose titles read so)."""
    return title.rpartition(" om ")[2]


def letter_paragraphs(rng: random.Random, case: CasePapers) -> list[str]:
    """The body of the incoming letter: what is asked, two details, a closing line."""
    opening = rng.choice(OPENINGS.get(case.description, [OPENING]))
    details = rng.sample(LETTER_DETAILS, 2)
    closing = rng.choice([
        "Jag ser fram emot ert svar.",
        "Tack på förhand för att ni tar er an frågan.",
        "Hör gärna av er om ni behöver fler uppgifter.",
    ])  # fmt: skip
    return [opening.format(subject=_subject(case.title)), " ".join(details), closing]


@functools.cache
def _fonts() -> Any:
    """WeasyPrint's fonts, found once: it halves the time of each letter."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def letter_pdf(rng: random.Random, case: CasePapers) -> bytes:
    """The incoming letter that started the case, as a one-page PDF."""
    from weasyprint import HTML  # imported here: Pango is loaded only when a letter is made

    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in letter_paragraphs(rng, case))
    html = LETTER.format(
        style=STYLE, title=escape(case.title), sender=escape(case.sender),
        address=escape(case.address).replace(", ", "<br>"), date=long_date(case.received),
        authority=escape(case.authority), municipality=escape(case.municipality),
        paragraphs=paragraphs,
    )  # fmt: skip
    return bytes(HTML(string=html).write_pdf(font_config=_fonts()))


def _header(document: Docx, case: CasePapers, day: datetime.date, officer: str) -> None:
    table = document.add_table(rows=2, cols=2)
    for row, (left, right) in zip(
        table.rows,
        [(case.authority, f"Dnr {case.case_number}"), (f"Datum {day.isoformat()}", officer)],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = left, right


def _saved(document: Docx) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_docx(rng: random.Random, case: CasePapers, day: datetime.date, officer: str) -> bytes:
    """The officer's report (tjänsteskrivelse) with the proposed decision."""
    document = docx.Document()
    _header(document, case, day, f"Handläggare {officer}")
    document.add_heading("Tjänsteskrivelse", level=0)
    document.add_heading(case.title, level=1)
    document.add_heading("Förslag till beslut", level=2)
    document.add_paragraph(f"{case.authority} föreslås besluta att {case.verdict}.")
    document.add_heading("Sammanfattning", level=2)
    document.add_paragraph(
        f"{case.sender} kom den {long_date(case.received)} in med en skrivelse i ärendet "
        f"”{case.title}”. Förvaltningen har berett ärendet och lämnar här sitt förslag."
    )
    document.add_heading("Bedömning", level=2)
    document.add_paragraph(" ".join(rng.sample(REPORT_DETAILS, 2)))
    document.add_heading("Ekonomiska konsekvenser", level=2)
    document.add_paragraph(rng.choice(COSTS))
    document.add_paragraph(f"{officer}\nHandläggare")
    return _saved(document)


def decision_docx(rng: random.Random, case: CasePapers, day: datetime.date, officer: str) -> bytes:
    """The decision sent to the one who wrote in."""
    document = docx.Document()
    _header(document, case, day, f"Handläggare {officer}")
    document.add_heading("Beslut", level=0)
    document.add_paragraph(f"Till {case.sender}, {case.address}")
    document.add_heading(case.title, level=1)
    document.add_paragraph(
        f"{case.authority} har den {long_date(day)} beslutat att {case.verdict}."
    )
    document.add_heading("Skäl för beslutet", level=2)
    document.add_paragraph(" ".join(rng.sample(REPORT_DETAILS, 2)))
    document.add_heading("Hur man överklagar", level=2)
    document.add_paragraph(
        "Beslutet kan överklagas hos förvaltningsrätten. Överklagandet ska ha kommit in "
        "till kommunen inom tre veckor från den dag du fick del av beslutet."
    )
    return _saved(document)


def file_name(kind: str, case: CasePapers, suffix: str) -> str:
    """ "Tjänsteskrivelse KS 2025-142.docx": a name that is also a valid file name."""
    return f"{kind} {case.case_number.replace('/', '-')}{suffix}"


def identity_number(rng: random.Random) -> str:
    """A made-up but well-formed personnummer (YYMMDD-NNNN with a right check digit)
    for an adult born 1950–2004."""
    from kansli.registry.personal_numbers import luhn_ok

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(55 * 365))
    digits = born.strftime("%y%m%d") + f"{rng.randrange(1000):03d}"
    check = next(d for d in range(10) if luhn_ok(f"{digits}{d}"))
    return f"{digits[:6]}-{digits[6:]}{check}"
