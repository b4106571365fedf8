"""Earlier case numbers (tidigare diarienummer) of cases a reorganisation moved: a
search for one finds the case under its current number."""

from __future__ import annotations

from kansli.registry.casenumber import CaseNumberQuery
from kansli.rows import execute

# The case that had the number (PreviousCaseNumber) and its current series, year and
# number, as one plain statement: every search for a case number asks it, and through
# the ORM composing it cost ten times what running it does (bench/public.py). The
# series code is compared as `code__iexact` compared it on PostgreSQL (UPPER); SQLite's
# UPPER, like its LIKE, folds ASCII letters only. The order is the model's (its case's:
# the newest number first).
CURRENT = """
SELECT COALESCE(s.code, a.code), c.year, c.number
FROM reorganisation_previouscasenumber p
JOIN org_authority was ON was.id = p.authority_id
JOIN registry_case c ON c.id = p.case_id
JOIN org_authority a ON a.id = c.authority_id
LEFT JOIN org_authority s ON s.id = c.series_id
WHERE UPPER(was.code) = UPPER(%s) AND p.year = %s AND p.number = %s
ORDER BY c.year DESC, c.number DESC, p.id
LIMIT 1"""


def current_number(typed: CaseNumberQuery) -> CaseNumberQuery | None:
    """The current number of the case that had `typed` before it was moved (None if
    no case had it)."""
    found = execute(CURRENT, [typed.series, typed.year, typed.number]).fetchone()
    if found is None:
        return None
    series, year, number = found
    return CaseNumberQuery(series, year, number, typed.document)
