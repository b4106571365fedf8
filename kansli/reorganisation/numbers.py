"""Earlier case numbers (tidigare diarienummer) of cases a reorganisation moved: a
search for one finds the case under its current number."""

from __future__ import annotations

from kansli.registry.casenumber import CaseNumberQuery


def current_number(typed: CaseNumberQuery) -> CaseNumberQuery | None:
    """The current number of the case that had `typed` before it was moved (None if
    no case had it)."""
    from kansli.reorganisation.models import PreviousCaseNumber

    earlier = (
        PreviousCaseNumber.objects.filter(
            authority__code__iexact=typed.series, year=typed.year, number=typed.number
        )
        .select_related("case__authority")
        .first()
    )
    if earlier is None:
        return None
    case = earlier.case
    return CaseNumberQuery(case.series_code, case.year, case.number, typed.document)
