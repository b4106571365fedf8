"""Every change in committee administration, one module per step of the meeting cycle:
the bodies and their rules (bodies), the officer's report (reports), the agenda and the
notice (agenda), the members' portal (portal), the minutes and attendance (attendance),
the decisions (decisions), motions and votes (votes), approval and correction
(approval), the extracts and the dispatch of decisions (publication), delegated decisions
(delegation), and a meeting's end and cancelling (meeting_dates). Each action checks
permission, changes the data and writes its audit event in one transaction;
the last approval renders and seals its PDFs between two (approval.seal_minutes).
Everything public is named here, so `from kansli.meetings import actions` reaches it."""

from kansli.meetings.actions.agenda import (
    do_arrange_agenda,
    do_dispatch_meeting,
    do_move_item,
    do_preregister_item,
    do_schedule_meeting,
    do_set_item_secrecy,
)
from kansli.meetings.actions.approval import (
    LOCKED,
    approvers_of,
    do_approve_correction,
    do_approve_minutes,
    do_propose_correction,
    do_seal_minutes,
    present_serving,
    presiding_chair,
)
from kansli.meetings.actions.attendance import do_open_minutes, do_record_attendance, serving
from kansli.meetings.actions.bodies import (
    do_change_body_rules,
    do_create_body,
    do_set_graphic_profile,
)
from kansli.meetings.actions.decisions import (
    do_record_conflict,
    do_record_decision,
    do_record_decisions,
)
from kansli.meetings.actions.delegation import (
    do_add_delegation_point,
    do_post_delegated_decision,
    do_register_delegated_decision,
    do_report_delegated_decisions,
    do_set_delegates,
)
from kansli.meetings.actions.eapproval import (
    do_answer_comment,
    do_comment_draft,
    do_release_draft,
    do_remind_approvers,
)
from kansli.meetings.actions.meeting_dates import do_cancel_meeting, do_close_meeting
from kansli.meetings.actions.news import do_publish_news, do_read_news
from kansli.meetings.actions.portal import do_record_opening, do_save_note
from kansli.meetings.actions.presence import Row, do_set_attendance
from kansli.meetings.actions.publication import (
    PROTECTED_BY_LETTER,
    do_dispatch_decision,
    do_record_appeal,
    do_record_delivery,
)
from kansli.meetings.actions.reports import (
    do_preregister_with_report,
    do_upload_report,
    do_write_report,
)
from kansli.meetings.actions.votes import (
    do_add_motion,
    do_decide_by_acclamation,
    do_give_dissent_reason,
    do_record_dissent,
    do_record_vote,
    do_withdraw_motion,
)

__all__ = [
    "LOCKED",
    "PROTECTED_BY_LETTER",
    "Row",
    "approvers_of",
    "do_add_delegation_point",
    "do_add_motion",
    "do_answer_comment",
    "do_approve_correction",
    "do_approve_minutes",
    "do_arrange_agenda",
    "do_cancel_meeting",
    "do_change_body_rules",
    "do_close_meeting",
    "do_comment_draft",
    "do_create_body",
    "do_decide_by_acclamation",
    "do_dispatch_decision",
    "do_dispatch_meeting",
    "do_give_dissent_reason",
    "do_move_item",
    "do_open_minutes",
    "do_post_delegated_decision",
    "do_preregister_item",
    "do_preregister_with_report",
    "do_propose_correction",
    "do_publish_news",
    "do_read_news",
    "do_record_appeal",
    "do_record_attendance",
    "do_record_conflict",
    "do_record_decision",
    "do_record_decisions",
    "do_record_delivery",
    "do_record_dissent",
    "do_record_opening",
    "do_record_vote",
    "do_register_delegated_decision",
    "do_release_draft",
    "do_remind_approvers",
    "do_report_delegated_decisions",
    "do_save_note",
    "do_schedule_meeting",
    "do_seal_minutes",
    "do_set_attendance",
    "do_set_delegates",
    "do_set_graphic_profile",
    "do_set_item_secrecy",
    "do_upload_report",
    "do_withdraw_motion",
    "do_write_report",
    "present_serving",
    "presiding_chair",
    "serving",
]
