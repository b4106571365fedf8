# ruff: noqa: E501 - the routines are prose, one paragraph or list item a line
"""The demo's case handbook: one routine for each step of the case process, written for
Kansli in Swedish (what to do and where to click), with owner, beslutsinstans and giltig
till as in Leksand's handbook (seed), among them "Registrera e-post" for the functional
mailbox. A few pages are public and shown beside the public e-diary."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kansli.handbook.actions import do_create_routine, do_set_registration_rule
from kansli.handbook.models import Routine
from kansli.org.models import Authority, Role, RoleAssignment

# title, steps, owner's role, approved by (None: KS), days valid, public, templates, text
PAGES: list[tuple[str, list[str], Role, str | None, int, bool, list[str], str]] = [
    (
        "Öppna och sortera posten",
        ["post_opening"],
        Role.REGISTRAR,
        "kommundirektören",
        400,
        False,
        [],
        """\
Posten öppnas varje arbetsdag före klockan tio av registratorn eller den som ersätter hen.

## Så gör du
- Öppna all post utom den som är ställd personligen till någon. Personligt ställd post lämnas oöppnad till mottagaren, som genast lämnar den till registraturen om den är en allmän handling.
- Stämpla varje handling med ankomstdatum.
- Skanna handlingen och lägg den i Kansli under Inkorg, eller registrera den direkt under Registrera.
- Handlingar som kan omfattas av sekretess läggs i den låsta facken tills de har registrerats och sekretessmarkerats.

Allmänna handlingar ska registreras utan dröjsmål (OSL 5 kap. 1 §).""",
    ),
    (
        "Registrera e-post",
        ["registration", "post_opening"],
        Role.REGISTRAR,
        "kommundirektören",
        365,
        True,
        ["acknowledgement"],
        """\
E-post till kommunens funktionella brevlåda hämtas in av Kansli och hamnar i Inkorg. E-postmeddelanden som är allmänna handlingar registreras samma dag som de kommer in.

## Så gör du
- Välj Inkorg i menyn. Varje e-postmeddelande visas med avsändare, ämne och när det skickades.
- Öppna meddelandet och bedöm om det är en allmän handling som ska registreras. Reklam och skräppost gallras; meddelanden som Kansli har stoppat ligger i Karantän.
- Välj Registrera från inkorgen. Välj nytt ärende eller ange diarienumret för ett pågående ärende, fyll i datum, avsändare och beskrivning. E-postmeddelandet och dess bilagor blir handlingens filer.
- Innehåller meddelandet uppgifter som kan omfattas av sekretess: markera sekretess när du registrerar. Sekretessmarkerade handlingar registreras alltid.
- Är meddelandet en begäran om allmän handling: välj Registrera som begäran om allmän handling.
- Hör meddelandet till någon annan förvaltning: vidarebefordra det från inkorgen i stället.

Skicka mottagningsbekräftelse med mallen för mottagningskvitto när avsändaren är en privatperson.""",
    ),
    (
        "Fördela ärenden till handläggare",
        ["assignment"],
        Role.MANAGER,
        None,
        500,
        False,
        [],
        """\
Avdelningschefen fördelar nya ärenden senast dagen efter att de har registrerats.

## Så gör du
- Öppna ärendet från Sök eller från registratorns lista.
- Välj Handläggare på ärendesidan och välj handläggare. Handläggaren får ett e-postmeddelande och ser ärendet under Mina ärenden.
- Sätt Besluta senast när ärendet har en lagstadgad eller utlovad tidsfrist.""",
    ),
    (
        "Skriva tjänsteutlåtande",
        ["preparation"],
        Role.MANAGER,
        None,
        500,
        False,
        ["report"],
        """\
Varje ärende som ska beslutas av en nämnd bereds med ett tjänsteutlåtande.

## Så gör du
- Välj Tjänsteutlåtanden i menyn och skapa ett utlåtande från ärendet. Mallen för tjänsteutlåtande fyller i diarienummer och rubrik.
- Skriv sammanfattning, beslutsunderlag och förslag till beslut. Skriv så att en förtroendevald utan förkunskaper förstår.
- Skicka utlåtandet till chefen för granskning och anmäl ärendet till sammanträdet genom att föranmäla det till nämndsekreteraren.""",
    ),
    (
        "Kalla till sammanträde",
        ["meeting"],
        Role.SECRETARY,
        None,
        365,
        False,
        ["notice"],
        """\
Nämndsekreteraren sätter samman föredragningslistan och skickar kallelsen enligt nämndens reglemente.

## Så gör du
- Välj Sammanträden och öppna sammanträdet. Föranmälda ärenden visas och läggs till föredragningslistan.
- Kontrollera att varje ärende har tjänsteutlåtande och att sekretessmarkerade handlingar inte följer med den offentliga kallelsen.
- Skapa kallelsen med mallen för kallelse och skicka den till ledamöter och ersättare.""",
    ),
    (
        "Justera protokollet",
        ["approval"],
        Role.SECRETARY,
        None,
        365,
        False,
        ["minutes", "extract"],
        """\
Protokollet justeras av ordföranden och justeraren, digitalt i Kansli (e-justering).

## Så gör du
- Skriv protokollet på sammanträdets sida och släpp det för justering.
- Ordföranden och justeraren får ett e-postmeddelande och justerar under Mina sammanträden. Kansli påminner dem dagen före justeringsdagen.
- När protokollet är justerat skapar du protokollsutdrag med mallen för utdrag.""",
    ),
    (
        "Anslå protokollet",
        ["publication"],
        Role.SECRETARY,
        None,
        365,
        True,
        [],
        """\
Att protokollet är justerat tillkännages på kommunens anslagstavla inom två dagar efter justeringen (KL 8 kap. 12 §). Anslaget sitter i tre veckor; under den tiden kan beslutet överklagas.

## Så gör du
- Publicera anslaget från protokollets sida. Anslagstavlan visar datum för justering och när anslaget tas ned.
- Kontrollera att sekretessbelagda delar och skyddade personuppgifter inte syns i det publicerade protokollet.""",
    ),
    (
        "Expediera beslut",
        ["dispatch"],
        Role.SECRETARY,
        None,
        365,
        False,
        ["cover_letter", "letter", "delegated_decision", "refusal"],
        """\
Beslut expedieras till dem som berörs senast en vecka efter justeringen.

## Så gör du
- Öppna ärendet och skapa följebrev med mallen för följebrev; lägg till protokollsutdraget.
- Skicka via sändlistan eller till parterna. Utgående handlingar registreras i ärendet.
- Beslut som kan överklagas skickas med besvärshänvisning.""",
    ),
    (
        "Avsluta och arkivera ärendet",
        ["archiving"],
        Role.ARCHIVIST,
        None,
        730,
        False,
        [],
        """\
Ett ärende avslutas när beslutet är expedierat och inget mer ska göras.

## Så gör du
- Sätt status Avslutat på ärendesidan.
- Kontrollera att alla handlingar är registrerade och att gallringsbara handlingar är märkta enligt dokumenthanteringsplanen.
- Arkivarien tar emot de avslutade ärendena vid den årliga leveransen till arkivet.""",
    ),
]


# Sollentuna's question "what is to be registered, and where?" (seed), per document type.
RULES = [
    ("Skrivelse", "diarieförs", "", "Registreras samma dag i den nämnds diarium som ska besluta."),
    (
        "E-post",
        "diarieförs",
        "",
        "Från den funktionella brevlådan via Inkorg; se rutinen Registrera e-post.",
    ),
    (
        "Medborgarförslag",
        "diarieförs",
        "",
        "Kommer in via e-tjänsten och registreras som nytt ärende.",
    ),
    (
        "Faktura",
        "hålls ordnad",
        "Ekonomisystemet",
        "Diarieförs inte; hålls ordnad i ekonomisystemet.",
    ),
    (
        "Inbjudan och reklam",
        "hålls ordnad",
        "Gallras vid inaktualitet",
        "Av ringa betydelse; diarieförs inte.",
    ),
    (
        "Personalakt",
        "hålls ordnad",
        "Personalsystemet (HR)",
        "Sekretessmarkerade handlingar i personalakten diarieförs ändå.",
    ),
]


def _owner(ks: Authority, role: Role) -> Any:
    for wanted in (role, Role.MANAGER, Role.SYSADMIN):
        held = RoleAssignment.objects.valid_on().filter(role=wanted)
        if wanted != Role.SYSADMIN:
            held = held.filter(authority__municipality=ks.municipality)
        found = held.select_related("user").order_by("pk").first()
        if found:
            return found.user
    return None


def load(seed: int, scale: float, report: Any) -> list[Any]:
    ks = Authority.objects.filter(code="KS").first()
    if ks is None or Routine.objects.exists():
        return []
    today = timezone.localdate()
    for title, steps, role, approved_by, days, public, kinds, body in PAGES:
        owner = _owner(ks, role)
        if owner is None:
            return []
        do_create_routine(
            ks.municipality,
            actor=None,
            title=title,
            body=body,
            owner=owner,
            approving_authority=None if approved_by else ks,
            approving_body=approved_by or "",
            valid_until=today + datetime.timedelta(days=days),
            public=public,
            steps=steps,
            template_kinds=kinds,
        )
    for document_type, handling, kept_where, note in RULES:
        do_set_registration_rule(
            ks.municipality, document_type, handling, authority=None if kept_where else ks,
            kept_where=kept_where, note=note, actor=None,
        )  # fmt: skip
    return []
