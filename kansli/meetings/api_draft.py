"""E-justering in the API: the secretary releases the draft and reminds the approvers;
the chair and the approvers read the comments and comment; the secretary answers. Who
may read is kansli.access.rules.may_read_draft (404 for anyone else, as for a missing
meeting); the actions check who may do what (403) and refuse bad input (422)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.access.rules import may_read_draft
from kansli.inputs import Id, LongText
from kansli.meetings.actions import eapproval
from kansli.meetings.actions.approval import approvers_of
from kansli.meetings.models import ApprovalComment, Meeting, Minutes
from kansli.meetings.permissions import mask_comments
from kansli.org.api import ERRORS, ApiRequest

router = Router(tags=["e-approval"])


class DraftOut(Schema):
    released_at: datetime.datetime | None
    reminded_at: datetime.datetime | None
    approved_at: datetime.datetime | None = Field(alias="locked_at")


class CommentIn(Schema):
    text: LongText
    paragraph_id: Id | None = Field(None, description="The §'s id; none for the whole minutes.")


class AnswerIn(Schema):
    answer: LongText


class CommentOut(Schema):
    id: int
    paragraph: int | None = Field(description="The § number; null for the whole minutes.")
    author: str
    text: str
    written_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None


class RemindedOut(Schema):
    reminded: int = Field(description="How many were reminded.")


def _minutes(meeting_id: int) -> Minutes:
    found = (
        Minutes.objects.select_related("meeting__body__authority").filter(meeting_id=meeting_id)
    ).first()
    if found is None:
        raise Http404
    return found


def _staff_minutes(request: ApiRequest, meeting_id: int) -> Minutes:
    """The minutes of a meeting the caller works with as staff; 404 otherwise."""
    if not Meeting.objects.visible_to(request.auth).filter(pk=meeting_id).exists():
        raise Http404
    return _minutes(meeting_id)


def _readable(request: ApiRequest, meeting_id: int) -> Minutes:
    minutes = _minutes(meeting_id)
    if not may_read_draft(request.auth, minutes):
        raise Http404
    return minutes


def _out(comment: ApprovalComment) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        paragraph=comment.paragraph.number if comment.paragraph else None,
        author=comment.author.get_full_name() or comment.author.username,
        text=comment.text,
        written_at=comment.written_at,
        answer=comment.answer,
        answered_at=comment.answered_at,
    )


@router.post(
    "/meetings/{meeting_id}/draft",
    response={200: DraftOut, **ERRORS},
    summary="Release the draft minutes",
)
def draft_release(request: ApiRequest, meeting_id: Id) -> Minutes:
    """Render the draft (marked "Ej justerat") and e-mail the chair and the approvers a
    link; again after a change."""
    return eapproval.do_release_draft(_staff_minutes(request, meeting_id), actor=request.auth)


@router.post(
    "/meetings/{meeting_id}/draft/reminders",
    response={200: RemindedOut, **ERRORS},
    summary="Remind the approvers",
)
def draft_remind(request: ApiRequest, meeting_id: Id) -> RemindedOut:
    """Remind those who have not approved; at most once a day."""
    minutes = _staff_minutes(request, meeting_id)
    return RemindedOut(reminded=len(eapproval.do_remind_approvers(minutes, actor=request.auth)))


@router.get(
    "/meetings/{meeting_id}/draft/comments",
    response={200: list[CommentOut], **ERRORS},
    summary="Comments on the draft",
)
def draft_comments(request: ApiRequest, meeting_id: Id) -> list[CommentOut]:
    minutes = _readable(request, meeting_id)
    comments = list(minutes.comments.select_related("author", "paragraph"))
    approver = request.auth.pk in approvers_of(minutes)
    mask_comments(request.auth, minutes, comments, entitled=approver)
    return [_out(comment) for comment in comments]


@router.post(
    "/meetings/{meeting_id}/draft/comments",
    response={201: CommentOut, **ERRORS},
    summary="Comment on the draft",
)
def draft_comment(request: ApiRequest, meeting_id: Id, payload: CommentIn) -> Status[CommentOut]:
    """The chair's or an approver's comment, on a § or on the whole minutes."""
    minutes = _readable(request, meeting_id)
    paragraph = None
    if payload.paragraph_id is not None:
        paragraph = minutes.paragraphs.filter(pk=payload.paragraph_id).first()
        if paragraph is None:
            raise ValidationError({"paragraph_id": "Paragrafen finns inte i protokollet."})
    made = eapproval.do_comment_draft(
        minutes, payload.text, paragraph=paragraph, actor=request.auth
    )
    return Status(201, _out(made))


@router.post(
    "/draft-comments/{comment_id}/answer",
    response={200: CommentOut, **ERRORS},
    summary="Answer a comment",
)
def draft_answer(request: ApiRequest, comment_id: Id, payload: AnswerIn) -> CommentOut:
    """The secretary's answer to a comment on the draft."""
    found = (
        ApprovalComment.objects.select_related("minutes__meeting", "author", "paragraph")
        .filter(pk=comment_id, minutes__meeting__in=Meeting.objects.visible_to(request.auth))
        .first()
    )
    if found is None:
        raise Http404
    return _out(eapproval.do_answer_comment(found, payload.answer, actor=request.auth))
