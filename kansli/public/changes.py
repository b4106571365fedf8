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
every action named here is one Kansli really writes.

Of the events that may change them, a few only ever add to them: those in ADDITIONS,
whose answers may lag by KANSLI_PUBLIC_NEW_SECONDS (pagecache.py). Every other event,
listed or not, is a change that makes a fresh answer at once."""

from __future__ import annotations

from kansli.audit.chain import Mark
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
        "requests.revoke_link",
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
        "eservices.publish_petition",
        "eservices.decline_petition",
        "eservices.take_down_petition",
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


# Pure additions: a newly opened case (registry.register_case) and a newly registered
# document (registry.register_document). Each only adds its own entry, or its case, to
# the public pages, with the masks of its own case; what it does to the rest of a page
# is counting, ordering and paging. Nothing shown before it is hidden or altered by it,
# so an answer that does not show it yet shows nothing that should no longer be shown.
# One exception, found by `hides_names`: a document whose counterpart is a private
# person masks that name in its case's other entries (kansli.public.record.masks_from),
# so it is a change. Not listed, so a change however much it adds: an import (it may
# bring a case in any state), an attached file, a registration from the inbox, a party,
# everything of meetings and requests. A transaction that registers a document and
# does any of these too is a change as a whole (the strongest mark counts).
#
# Why the public copy may lag: OSL 5 kap. 1 § requires a document to be registered
# without delay, and it is: the registration is committed at once, Kansli's own
# registry and search show it, and so does the public e-diary's next fresh answer. Only
# the public's copy of the list (an answer kept by the public pages' cache) may lag
# behind by at most KANSLI_PUBLIC_NEW_SECONDS, as any published copy of a list lags
# behind the list itself. What is to be withheld or corrected passes the server's kept
# answers over at once; a copy a browser or proxy keeps lasts at most the answers'
# Cache-Control max-age, which is KANSLI_PUBLIC_NEW_SECONDS too (kansli.public.views).
ADDITIONS = frozenset({"registry.register_case", "registry.register_document"})


def public_mark(event: AuditEvent) -> Mark:
    """What the event may do to the answers of the public pages: nothing, only add to
    them (ADDITIONS), or change them."""
    if event.action.split(".", 1)[0] in QUIET_APPS or event.action in QUIET_ACTIONS:
        return Mark.NONE
    if event.action in ADDITIONS and not hides_names(event):
        return Mark.ADDITION
    return Mark.CHANGE


def hides_names(event: AuditEvent) -> bool:
    """Whether a registration may hide a name on its case's other entries: a document's
    counterpart marked as a private person does, and so does one whose event does not
    say (the registration writes `counterpart_is_private` in its `after`)."""
    if event.action != "registry.register_document":
        return False
    return (event.after or {}).get("counterpart_is_private") is not False
