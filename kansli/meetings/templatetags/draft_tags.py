"""E-justering on other pages: `{% draft_panel minutes %}` on the minutes page (the
secretary's release, reminder and answers; the approvers' link to the draft) and
`{% drafts_to_approve %}` in the member portal."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.access.rules import may_read_draft
from kansli.meetings.actions import eapproval
from kansli.meetings.actions.approval import approvers_of
from kansli.meetings.models import Body, Minutes
from kansli.meetings.permissions import mask_comments
from kansli.meetings.views.common import is_secretary

register = template.Library()


@register.inclusion_tag("meetings/_draft_panel.html", takes_context=True)
def draft_panel(context: template.Context, minutes: Minutes) -> dict[str, Any]:
    user = context["request"].user
    secretary = is_secretary(user, minutes.meeting.body)
    return {
        "csrf_token": context.get("csrf_token"),
        "minutes": minutes,
        "meeting": minutes.meeting,
        "secretary": secretary,
        "reader": may_read_draft(user, minutes),
        "groups": _by_paragraph(user, minutes) if secretary else [],
        "changed": secretary and eapproval.changed_since_release(minutes),
        "waiting": bool(eapproval.waiting(minutes)) if secretary else False,
        "max_text": eapproval.MAX_TEXT,
    }


def _by_paragraph(user: Any, minutes: Minutes) -> list[tuple[Any, list[Any]]]:
    """The approvers' comments by §, in § order, those on the whole minutes last; a
    protected identity masked for a secretary who may not know it."""
    groups: dict[Any, list[Any]] = {}
    comments = list(minutes.comments.select_related("author", "answered_by", "paragraph"))
    mask_comments(user, minutes, comments, entitled=user.pk in approvers_of(minutes))
    for comment in sorted(
        comments, key=lambda c: (c.paragraph is None, c.paragraph.number if c.paragraph else 0)
    ):
        groups.setdefault(comment.paragraph, []).append(comment)
    return list(groups.items())


@register.inclusion_tag("meetings/_drafts_to_approve.html", takes_context=True)
def drafts_to_approve(context: template.Context) -> dict[str, Any]:
    """The released drafts the member is to approve as chair or approver and has not."""
    user = context["request"].user
    released = Minutes.objects.filter(
        meeting__body__in=Body.objects.elected(user),
        released_at__isnull=False,
        locked_at__isnull=True,
    ).select_related("meeting__body")
    mine = [
        m
        for m in released.exclude(approvals__user=user).order_by("meeting__starts_at")
        if user.pk in approvers_of(m) and may_read_draft(user, m)
    ]
    return {"drafts": mine}
