"""The notices of immediately approved § (omedelbar justering, KL 5 kap. 70 §) on the
public notice board, each with the § as the public may read its title."""

from __future__ import annotations

import datetime

from kansli.meetings.models import Paragraph, ParagraphNotice
from kansli.public.record import masks_for_cases, scrub


def paragraph_notices(day: datetime.date) -> list[tuple[Paragraph, str]]:
    """The § whose own notice is up on `day`, newest notice first, each with its title:
    a non-public § by its neutral heading (OSL), another with protected and (by policy)
    private names scrubbed, as in the e-diary."""
    paragraphs = list(
        Paragraph.objects.filter(notice__in=ParagraphNotice.objects.up_on(day))
        .select_related(
            "notice",
            "minutes__meeting__body__authority",
            "minutes__meeting__body__committee",
            "item__case__authority__municipality",
            "item__secrecy",
        )
        .order_by("-notice__posted_on", "notice__pk")
    )
    masks = masks_for_cases(p.item.case for p in paragraphs if p.item.case)
    shown = []
    for paragraph in paragraphs:
        item = paragraph.item
        if item.is_secret:
            title = item.public_heading
        else:  # a procedural item has no case, and no names to mask
            title = scrub(item.title, masks[item.case_id]) if item.case_id else item.title
        shown.append((paragraph, title))
    return shown
