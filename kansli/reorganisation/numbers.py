"""Earlier case numbers (tidigare diarienummer) of cases moved by a reorganisation, as
search text for their documents."""

from __future__ import annotations

from collections.abc import Iterable

from kansli.registry.models import Document


def earlier_numbers(document: Document) -> Iterable[str]:
    from kansli.reorganisation.models import PreviousCaseNumber

    rows = PreviousCaseNumber.objects.filter(case_id=document.case_id)
    return list(rows.order_by("pk").values_list("reference", flat=True))
