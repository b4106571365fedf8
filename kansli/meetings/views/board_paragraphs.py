"""The notices of immediately approved § (omedelbar justering, KL 5 kap. 70 §) on the
public notice board, each with the § as the public may read its title."""

from __future__ import annotations

import datetime

from kansli.meetings.models import ParagraphNotice
from kansli.public.record import masks_for_cases, scrub


def paragraph_notices(day: datetime.date) -> list[tuple[ParagraphNotice, str]]:
    """The § notices up on `day`, newest first, each with its title: a non-public § by
    its neutral heading (OSL), another with protected and (by policy) private names
    scrubbed, as in the e-diary."""
    notices = list(
        ParagraphNotice._default_manager.filter(posted_on__lte=day, appeal_ends__gte=day)
        .select_related(
            "paragraph__minutes__meeting__body__authority",
            "paragraph__minutes__meeting__body__committee",
            "paragraph__item__case__authority__municipality",
            "paragraph__item__secrecy",
        )
        .order_by("-posted_on", "pk")
    )
    masks = masks_for_cases(n.paragraph.item.case for n in notices if n.paragraph.item.case)
    shown = []
    for notice in notices:
        item = notice.paragraph.item
        if item.is_secret:
            title = item.public_heading
        else:  # a procedural item has no case, and no names to mask
            title = scrub(item.title, masks[item.case_id]) if item.case_id else item.title
        shown.append((notice, title))
    return shown
