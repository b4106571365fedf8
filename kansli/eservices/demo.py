"""Demo submissions through the citizens' e-services, as they come in: a
medborgarförslag and two e-förslag to fullmäktige (one published with a few confirmed
signatures, open for more; one waiting for the registrar's review) and an anonymous
synpunkt to the technical board. Built
through the actions; a second run adds nothing."""

from __future__ import annotations

from typing import Any

from kansli.eservices.actions import do_publish_petition, do_sign_petition, do_submit
from kansli.eservices.models import Kind, Submission
from kansli.org.models import Authority

SIGNERS = ["Lena Ahl", "Omar Haddad", "Britt Sjöberg", "Nils Forsell", "Maja Lind"]


def load(seed: int, scale: float, report: Any) -> list[Any]:
    if Submission.objects.exists():
        return []
    council = Authority.objects.filter(code="KF").first()
    board = Authority.objects.filter(code="TFN").first() or council
    if council is None or board is None:
        return []
    do_submit(
        Kind.PROPOSAL, council, "Fler bänkar i centrum",
        "Många äldre går i centrum men det finns nästan inga ställen att "
        "vila på. Jag föreslår att kommunen sätter upp bänkar var 200:e meter.",
        name="Ingrid Holm", contact="ingrid.holm@example.se", actor=None,
    )  # fmt: skip
    petition = do_submit(
        Kind.PETITION, council, "Belysning på gång- och cykelvägen till skolan",
        "Gång- och cykelvägen mellan Norrby och skolan är helt mörk på vintern. Vi vill "
        "att kommunen sätter upp belysning före nästa vinter.",
        name="Ahmed Karimi", contact="ahmed.karimi@example.se", actor=None,
    )  # fmt: skip
    do_publish_petition(petition, actor=None)
    for name in SIGNERS:
        email = name.lower().replace(" ", ".").replace("ö", "o") + "@example.se"
        do_sign_petition(petition, name, email, actor=None)
    do_submit(
        Kind.PETITION, council, "Hundrastgård i Västra parken",
        "Det finns ingen inhägnad plats för hundar i västra delen av tätorten. Vi vill ha "
        "en hundrastgård i Västra parken.",
        name="Sara Berg", contact="sara.berg@example.se", actor=None,
    )  # fmt: skip
    do_submit(
        Kind.FEEDBACK, board, "Trasig gatlykta på Kyrkogatan",
        "Gatlyktan utanför Kyrkogatan 12 har varit släckt i två veckor.", actor=None,
    )  # fmt: skip
    report(f"E-tjänster: ett medborgarförslag, ett e-förslag med {len(SIGNERS)} "
           f"underskrifter, ett som väntar på granskning och en synpunkt")  # fmt: skip
    return []
