"""Omedelbar justering on the minutes page: `{% immediate_panel minutes %}` lists the §
put up for immediate approval, who has still to sign, the § notice once posted, and
the chair's or approver's button to sign."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.meetings.actions.approval import approvers_of
from kansli.meetings.actions.immediate import paragraph_approvers
from kansli.meetings.models import Minutes
from kansli.meetings.permissions import mask_items
from kansli.org.models import User

register = template.Library()


@register.inclusion_tag("meetings/_immediate_panel.html", takes_context=True)
def immediate_panel(context: template.Context, minutes: Minutes) -> dict[str, Any]:
    user = context["request"].user
    marked = list(
        minutes.paragraphs.filter(immediate_at__isnull=False)
        .select_related("item__case__authority", "item__secrecy", "notice")
        .prefetch_related("immediate_approvals")
    )
    # The chair and the approvers read every item of the minutes they approve.
    mask_items(user, [p.item for p in marked], entitled=user.pk in approvers_of(minutes))
    rows = []
    for paragraph in marked:
        signers = paragraph_approvers(paragraph)
        signed = {a.user_id for a in paragraph.immediate_approvals.all()}
        open_ = paragraph.approved_at is None and minutes.locked_at is None
        waiting = User.objects.filter(pk__in=signers - signed) if open_ else []
        may_sign = open_ and user.pk in signers - signed
        rows.append((paragraph, waiting, may_sign))
    return {"csrf_token": context.get("csrf_token"), "rows": rows}
