"""Which audit events may change what the public pages show (the e-diary, its JSON and
the notice board's pages: TF 2 kap., OSL 5 kap. 2 §, KL 8 kap. 12 §). Every change in
Kansli writes an audit event in its own transaction (kansli.audit.chain.record), so the
events tell the public pages' cache (pagecache.py) when its answers may be out of date.

The rule errs on the side of the public: an event may change them unless its action is
listed here as one that certainly cannot. What is listed is what staff do all day
without changing a registration, a meeting or the organisation: signing in and out,
the reads of secret documents being logged, access groups (the public reads by
secrecy marking and voiding, never by group), API keys and passwords, saved searches,
the functional mailbox's inbox (nothing there is registered yet), internal surveys,
personal notes and comments on draft minutes, drafts, downloads through a delivery
link, the audit log's own upkeep, the disposal plan's preparation and backups. A new
action is therefore invalidating until someone adds it here, and a test checks that
every action named here is one Kansli really writes."""

from __future__ import annotations

from kansli.audit.models import AuditEvent

# Whole apps whose events never touch a public page.
QUIET_APPS = frozenset({"web", "access", "search", "surveys", "mailbox", "audit"})

QUIET_ACTIONS = frozenset(
    {
        "org.create_api_token",
        "org.revoke_api_token",
        "org.set_password",
        "org.fail_password_change",
        "org.set_case_reminders",
        "registry.receive_in_inbox",
        "registry.send_case_reminders",
        "registry.add_naming_rule",
        "registry.change_naming_rule",
        "requests.download",
        "privacy.search_person",
        "handbook.remind",
        "meetings.save_note",
        "meetings.remove_note",
        "meetings.read_news",
        "meetings.comment_draft",
        "meetings.answer_comment",
        "meetings.remind_approvers",
        "reports.start",
        "reports.save",
        "drafting.upload",
        "drafting.set_authority_profile",
        "eservices.sign_petition",
        "distribution.create",
        "distribution.rename",
        "distribution.add_member",
        "distribution.remove_member",
        "retention.list_disposal",
        "retention.review_disposal",
        "retention.return_disposal",
        "retention.place_hold",
        "retention.lift_hold",
        "retention.exclude_from_disposal",
        "archive.exported",
        "archive.installation_exported",
        "reorganisation.plan",
        "backup.made",
    }
)


def may_change_public_pages(event: AuditEvent) -> bool:
    """Whether the event may change an answer of the public pages."""
    return event.action.split(".", 1)[0] not in QUIET_APPS and event.action not in QUIET_ACTIONS
