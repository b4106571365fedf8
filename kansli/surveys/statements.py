"""The statements of Leksand's survey (seed 003), verbatim: the municipality's words,
kept as data. New surveys start from them."""

OFFICERS = [
    "Jag får i god tid reda på sista dag för inlämnande av tjänsteutlåtandet",
    "Jag meddelar alltid sekreteraren om jag inte kan lämna in tjänsteutlåtandet i tid",
    "Jag vet vad ett tjänsteutlåtande ska innehålla",
    "Jag vet alltid till vem jag ska skicka tjänsteutlåtandet",
    "Jag skriver alltid förslag till beslut i tjänsteutlåtandet",
    "I mina tjänstutlåtanden framgår det alltid att jag är handläggare",
    "Jag använder ett lättförståeligt språk i mina tjänsteutlåtanden",
    "Jag frågar alltid min närmaste chef om jag är osäker på vad tjänsteutlåtandet ska innehålla",
    "Jag har en mall att fylla i för tjänsteutlåtandet",
    "Jag lämnar alltid in komplett underlag i tid inför utskicket till sammanträdet "
    "(tjänsteutlåtande med eventuell utredning och bilagor).",
    "Jag vet alltid vilket utskott eller nämnd som ska fatta slutligt beslut i mitt ärende",
]

MEMBERS = [
    "Språket i tjänsteutlåtandena är lätt att förstå",
    "Det finns alltid förslag till beslut i tjänsteutlåtandet",
    "Förslaget till beslut i tjänsteutlåtandet är alltid tydligt och lätt att förstå",
    "Det finns alltid uppgift om vem som varit handläggare i ärendet",
    "Språket i utredningen är lätt att förstå",
    "Det finns tydliga rubriker i utredningen",
    "Det finns den information i utredningen jag behöver för att kunna ta beslut",
    "Utredningen är aldrig så bristfällig att den går tillbaka till handläggaren för komplettering",
    "Kallelsen läggs alltid ut på utskottets ikon inom föreskriven tid.",
    "Handlingarna som tillhör kallelsen läggs alltid ut på utskottets ikon inom föreskriven tid.",
    "Om handlingar som tillhör kallelsen inte finns med i ordinarie utskick får jag dem i så god "
    "tid att jag hinner sätta mig in i ärendet före sammanträdet.",
    "Det händer aldrig att handlingar som tillhör ärendet läggs på bordet.",
    "Det förekommer aldrig att det saknas ett skriftligt underlag i någon ärende där beslut ska "
    "fattas.",
    "Det förekommer aldrig att det tillkommer extra ärenden som inte finns med på utskickad "
    "kallelse",
]


def default_statements(to_officers: bool, to_members: bool) -> list[str]:
    return (OFFICERS if to_officers else []) + (MEMBERS if to_members else [])
