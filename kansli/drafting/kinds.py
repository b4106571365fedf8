"""The nine kinds of document Kansli writes from a case, what each is called in Swedish
and which sections it has. A section is a text (str, one paragraph per blank-line
separated block) or a list (list[str], one paragraph per item); each is printed under
its heading, in this order, in the Word template and in the HTML for PDF."""

from __future__ import annotations

from typing import NamedTuple


class Kind(NamedTuple):
    title: str  # what the document is called, printed at its head
    sections: tuple[tuple[str, str], ...]  # (context key, Swedish heading)


KINDS: dict[str, Kind] = {
    # KL 6 kap. 39 §: a matter for the board is prepared; the report is the preparation.
    "report": Kind(
        "Tjänsteskrivelse",
        (
            ("summary", "Sammanfattning"),
            ("background", "Bakgrund"),
            ("assessment", "Bedömning"),
            ("consequences", "Konsekvenser"),
            ("proposal", "Förslag till beslut"),
            ("appendices", "Bilagor"),
        ),
    ),
    # FL 11 §: told when a decision is expected (handläggningsbesked).
    "acknowledgement": Kind("Handläggningsbesked", (("text", "Besked"),)),
    # KL 5 kap. 53 §, 6 kap. 26 §: the notice and the items.
    "notice": Kind("Kallelse", (("text", "Sammanträde"), ("items", "Föredragningslista"))),
    # KL 5 kap. 62 §, 6 kap. 30 §: the minutes.
    "minutes": Kind("Protokoll", (("items", "Paragrafer"), ("proposal", "Beslut"))),
    "extract": Kind("Protokollsutdrag", (("text", "Ärendet"), ("proposal", "Beslut"))),
    # KL 6 kap. 37 §, 7 kap. 8 §: a decision taken under delegation is reported back.
    "delegated_decision": Kind(
        "Delegationsbeslut",
        (("text", "Ärendet"), ("proposal", "Beslut"), ("appeal", "Hur man överklagar")),
    ),
    # OSL 6 kap. 7 §, TF 2 kap. 19 §: a refusal is a written decision with the reasons
    # and how to appeal it.
    "refusal": Kind(
        "Beslut att inte lämna ut allmän handling",
        (("text", "Begäran"), ("proposal", "Beslut"), ("appeal", "Hur man överklagar")),
    ),
    "cover_letter": Kind("Följebrev", (("text", "Meddelande"), ("enclosures", "Bifogas"))),
    "letter": Kind("Brev", (("text", "Meddelande"),)),
}

LIST_SECTIONS = {"appendices", "items", "enclosures"}

# What every kind's context holds besides its sections (render.case_context).
COMMON = (
    "reference",
    "title",
    "authority",
    "municipality",
    "officer",
    "parties",
    "date",
    "opened",
    "due_date",
    "recipient",
    "heading",
)


def fields(kind: str) -> set[str]:
    """The names a template of the kind may use: the common ones, its sections, and the
    profile's `logo` (a picture, or empty), `footer` (text) and `address` (lines)."""
    return {*COMMON, *(key for key, _heading in KINDS[kind].sections), "logo", "footer", "address"}
