"""Every change to an officer's report: started from the case, written in the editor
or uploaded from Word, approved or returned by a manager where the authority requires
it, and handed in: registered in the case and put on the chosen meeting's agenda.
Each action checks permission, changes the data and writes its audit event in one
transaction; the files are made before it (kansli/LAYERS: rendering never holds the
audit chain)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kansli.access.protected import hide_for
from kansli.access.rules import may_see_protected_identities
from kansli.audit.chain import record
from kansli.audit.models import AuditEvent
from kansli.files.detect import DOCX
from kansli.files.store import check_file, store_bytes, store_upload
from kansli.meetings.actions.agenda import do_preregister_item
from kansli.meetings.models import Meeting, Section
from kansli.org.models import Authority, Role
from kansli.org.permissions import require_sysadmin
from kansli.registry import actions as registry
from kansli.registry.models import Case, Direction, Document
from kansli.registry.permissions import require_case_handling, require_role
from kansli.registry.secrecy import case_markings
from kansli.reports import docx, render
from kansli.reports.models import SECTIONS, Report, ReportRules, ReportVersion, Status

HANDED_IN = "Tjänsteskrivelsen är redan inlämnad och kan inte ändras."
CHANGED = "Tjänsteskrivelsen ändrades medan den lämnades in; försök igen."
MAX_HEADING = 300
WORD_ONLY = "Ladda upp tjänsteskrivelsen som Word-fil (DOCX)."


def requires_approval(authority: Authority) -> bool:
    rules = ReportRules.objects.filter(authority=authority).first()
    return bool(rules and rules.requires_approval)


@transaction.atomic
def do_set_report_rules(
    authority: Authority, *, requires_approval: bool, actor: Any
) -> ReportRules:
    """Whether the authority's reports need a manager's approval before hand-in; set by
    a system administrator (the authority's own rule, e.g. in its delegationsordning)."""
    require_sysadmin(actor)
    rules, _ = ReportRules.objects.get_or_create(authority=authority)
    before = {"requires_approval": rules.requires_approval}
    rules.requires_approval = requires_approval
    rules.save(update_fields=["requires_approval"])
    record(
        actor=actor,
        action="reports.set_rules",
        obj=rules,
        label=authority.code,
        before=before,
        after={"requires_approval": requires_approval},
    )
    return rules


def require_writing(actor: Any, report: Report) -> None:
    """The case's officer, or a registrar or manager of its authority, writes its
    report (as they handle the case); where the case has a party with protected identity
    only one who reads the name (OSL 21 kap. 3 §), so that a text shown to the writer
    masked is never saved back masked, on any surface (page, API, Word upload)."""
    require_case_handling(actor, report.case)
    case = report.case
    if case.parties.filter(protected_identity=True).exists() and not (
        may_see_protected_identities(actor, case)
    ):
        raise PermissionDenied(
            "Ärendet har en part med skyddade personuppgifter: tjänsteskrivelsen skrivs av "
            "den som får se dem (ärendets handläggare eller registrator)."
        )


def require_manager(actor: Any, authority: Authority) -> None:
    require_role(actor, authority, [Role.MANAGER], "godkänna tjänsteskrivelser")


@transaction.atomic
def do_start_report(case: Case, *, actor: Any) -> Report:
    """A new draft for the case, headed by the case's title as everyone may read it
    (a protected party's name hidden: the heading goes on the agenda)."""
    require_case_handling(actor, case)
    if case.status == "makulerat":
        raise ValidationError("Ärendet är makulerat.")
    now = timezone.now()
    report = Report.objects.create(
        case=case,
        written_by=actor,
        created_at=now,
        updated_at=now,
        heading=hide_for(None, case)(case.title)[:MAX_HEADING],
    )
    record(
        actor=actor,
        action="reports.start",
        obj=report,
        label=case.case_number,
        after={"case": case.case_number},
    )
    return report


@transaction.atomic
def do_save_report(
    report: Report,
    *,
    heading: str,
    sections: dict[str, str],
    appendices: Sequence[Document],
    meeting: Meeting | None,
    actor: Any,
) -> Report:
    """Save the editor: the heading, the sections (SECTIONS), the appendices and the
    meeting. Any change after the manager was asked or approved takes the approval
    back: a changed report needs a new one."""
    report = _locked(report)
    require_writing(actor, report)
    errors: dict[str, str] = {}
    if not heading.strip():
        errors["heading"] = "Ange en rubrik."
    elif len(heading.strip()) > MAX_HEADING:
        errors["heading"] = f"Rubriken får vara högst {MAX_HEADING} tecken."
    if any(d.case_id != report.case_id or d.is_voided for d in appendices):
        errors["appendices"] = "Bilagorna ska vara handlingar i ärendet som inte är makulerade."
    if meeting is not None and meeting.body.authority_id != report.case.authority_id:
        errors["meeting"] = f"Välj ett sammanträde i {report.case.authority.code}."
    if errors:
        raise ValidationError(errors)
    before = _state(report)
    report.heading = heading.strip()
    for key in SECTIONS:  # a browser sends a text area's lines ended by CR LF
        setattr(report, key, sections.get(key, "").replace("\r\n", "\n").strip())
    report.meeting = meeting
    report.appendices.set(appendices)
    after = _state(report)
    if after != before:
        _changed(report, actor)
        changed = sorted(k for k in after if after[k] != before[k])
        record(
            actor=actor,
            action="reports.save",
            obj=report,
            label=report.case.case_number,
            before={k: before[k] for k in changed if k not in SECTIONS},
            after={"changed": changed} | {k: after[k] for k in changed if k not in SECTIONS},
        )
    return report


def do_upload_version(report: Report, upload: UploadedFile, *, actor: Any) -> ReportVersion:
    """The DOCX edited in Word, as the next version of the report's file: checked and
    stored as every upload is (kansli.files), its sections read back into the report by
    their headings. The first upload also keeps, as version 1, the file Kansli made from
    the editor (rendered before the transaction) that the officer took to Word."""
    require_writing(actor, report)
    if report.handed_in:
        raise ValidationError(HANDED_IN)
    try:  # size, type and zip bomb, before anything reads its content
        file_type = check_file(upload, upload.name or "")
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from error
    if file_type != DOCX:
        raise ValidationError({"upload": WORD_ONLY})
    data = upload.read()
    upload.seek(0)
    sections = docx.read_sections(data)  # refuses a file without the headings
    first = None if report.versions.exists() else render.report_docx(report, actor)
    revision = report.revision
    with transaction.atomic():
        report = _locked(report)
        if report.revision != revision:
            raise ValidationError(CHANGED)
        stored = store_upload(upload)
        if stored.content_type != DOCX.mime:
            raise ValidationError({"upload": WORD_ONLY})
        if first is not None:
            _add_version(report, store_bytes(first, _name(report)), actor)
        version = _add_version(report, stored, actor, name=upload.name or _name(report))
        before = _state(report)
        report.heading = sections.get("heading", report.heading)[:MAX_HEADING] or report.heading
        for key in SECTIONS:
            if key in sections:
                setattr(report, key, sections[key])
        _changed(report, actor)
        changed = sorted(k for k, v in _state(report).items() if v != before[k])
        record(
            actor=actor,
            action="reports.upload_version",
            obj=report,
            label=report.case.case_number,
            after={"version": version.version, "sha256": stored.sha256, "changed": changed},
        )
        return version


@transaction.atomic
def do_ask_approval(report: Report, *, actor: Any) -> Report:
    """The officer asks a manager of the authority to approve the report."""
    report = _locked(report)
    require_writing(actor, report)
    if not requires_approval(report.case.authority):
        raise ValidationError(f"{report.case.authority.code} kräver inte chefens godkännande.")
    if report.status not in (Status.DRAFT, Status.RETURNED):
        raise ValidationError("Tjänsteskrivelsen väntar redan på eller har chefens godkännande.")
    return _set_status(report, Status.ASKED, "reports.ask_approval", actor)


@transaction.atomic
def do_approve_report(report: Report, *, actor: Any) -> Report:
    """A manager (chef) of the authority approves the report as it stands."""
    report = _locked(report)
    require_manager(actor, report.case.authority)
    if report.status != Status.ASKED:
        raise ValidationError("Tjänsteskrivelsen väntar inte på godkännande.")
    if actor is not None and _took_part(report, actor):
        raise PermissionDenied("Du kan inte godkänna en tjänsteskrivelse du själv har skrivit.")
    report.approved_by, report.approved_at, report.comment = actor, timezone.now(), ""
    return _set_status(report, Status.APPROVED, "reports.approve", actor)


def _took_part(report: Report, actor: Any) -> bool:
    """Whether the actor started, saved, uploaded or asked approval for the report: the
    approval is a second pair of eyes, so none of its writers gives it (read from the
    report's own audit events, which every such change writes)."""
    if report.written_by_id == actor.pk:
        return True
    writing = ["reports.start", "reports.save", "reports.upload_version", "reports.ask_approval"]
    events = AuditEvent.objects.filter(
        object_type=report._meta.label_lower, object_id=str(report.pk), action__in=writing
    )
    return events.filter(actor=actor).exists()


@transaction.atomic
def do_return_report(report: Report, comment: str, *, actor: Any) -> Report:
    """A manager sends the report back to the officer with a comment on what to change."""
    report = _locked(report)
    require_manager(actor, report.case.authority)
    if report.status != Status.ASKED:
        raise ValidationError("Tjänsteskrivelsen väntar inte på godkännande.")
    if not comment.strip():
        raise ValidationError({"comment": "Skriv vad handläggaren ska ändra."})
    report.comment = comment.strip()
    return _set_status(report, Status.RETURNED, "reports.return", actor, comment=report.comment)


def hand_in_problems(report: Report) -> dict[str, str]:
    """What stops the report from being handed in, in Swedish, by field: the proposed
    decision, a named officer, a file in every appendix, a meeting not yet held, and the
    manager's approval where the authority requires it. A meeting past its item
    deadline is not a stop: the item is then a late item (do_preregister_item)."""
    problems: dict[str, str] = {}
    if report.handed_in:
        problems["status"] = HANDED_IN
    if not report.proposal.strip():
        problems["proposal"] = "Skriv ett förslag till beslut."
    if report.case.officer_id is None:
        problems["officer"] = "Ärendet har ingen handläggare: en handläggare ska namnges."
    empty = [
        d.document_number
        for d in report.appendices.select_related("case__authority").order_by("number")
        if d.is_voided or not d.files.exists()
    ]
    if empty:
        problems["appendices"] = "Bilagan saknar fil: " + ", ".join(empty) + "."
    meeting = report.meeting
    if meeting is None:
        problems["meeting"] = "Välj det sammanträde tjänsteskrivelsen ska till."
    elif meeting.cancelled_at is not None or timezone.localdate() > meeting.day:
        problems["meeting"] = "Sammanträdet är inställt eller redan hållet."
    if requires_approval(report.case.authority) and report.status != Status.APPROVED:
        problems["approval"] = "Chefen ska godkänna tjänsteskrivelsen innan den lämnas in."
    return problems


def do_hand_in_report(report: Report, *, actor: Any) -> Report:
    """Lämna in: the report is drawn up (upprättad) and registered in the case as a
    document at once (OSL 5 kap. 1 §), with the PDF and the DOCX kept as its editable
    version, and put on the chosen meeting's agenda by föranmälan (do_preregister_item:
    after the item deadline it is a late item). Its secrecy follows what it is drawn up
    from (case_markings). The files are made before the transaction, for no reader in
    particular; the transaction goes on only if the report is unchanged since."""
    require_writing(actor, report)
    problems = hand_in_problems(report)
    if problems:
        raise ValidationError(problems)
    pdf_bytes = render.report_pdf(report, None)
    docx_bytes = render.report_docx(report, None)
    revision = report.revision
    with transaction.atomic():
        report = _locked(report)
        if report.revision != revision or report.handed_in:
            raise ValidationError(CHANGED)
        case, meeting = report.case, report.meeting
        assert meeting is not None  # hand_in_problems
        # The heading and the proposal go on to the registry, the agenda, the members'
        # portal and the minutes: a protected party's name and address hidden there as
        # in the files (OSL 21 kap. 3 §).
        public = render.hider(None, case)
        heading, proposal = public(report.heading), public(report.proposal)
        document = registry.do_register_document(
            case,
            Direction.DRAWN_UP,
            timezone.localdate(),
            f"Tjänsteskrivelse: {heading}",
            document_type="Tjänsteskrivelse",
            inherited=case_markings(case),
            actor=actor,
        )
        name = _name(report)
        registry.do_attach_file(
            document, store_bytes(pdf_bytes, name[:-5] + ".pdf"), name[:-5] + ".pdf", actor=actor
        )
        registry.do_attach_file(document, store_bytes(docx_bytes, name), name, actor=actor)
        appendices = list(report.appendices.order_by("number"))
        item = do_preregister_item(
            meeting,
            case,
            title=heading,
            proposal=proposal,
            report=document,
            attachments=appendices,
            section=Section.DECISIONS,
            actor=actor,
        )
        report.document, report.item, report.handed_in_at = document, item, timezone.now()
        report.status = Status.HANDED_IN
        report.save(update_fields=["document", "item", "handed_in_at", "status"])
        record(
            actor=actor,
            action="reports.hand_in",
            obj=report,
            label=case.case_number,
            after={
                "document": document.document_number,
                "meeting": str(meeting),
                "late": item.late,
            },
        )
        return report


def _locked(report: Report) -> Report:
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related(
            "case__authority__municipality", "case__officer", "meeting__body__authority"
        )
        .get(pk=report.pk)
    )
    if locked.handed_in:
        raise ValidationError(HANDED_IN)
    return locked


def _state(report: Report) -> dict[str, Any]:
    return {
        "heading": report.heading,
        **{key: getattr(report, key) for key in SECTIONS},
        "meeting": str(report.meeting) if report.meeting else "",
        "appendices": sorted(d.document_number for d in report.appendices.all()),
    }


def _changed(report: Report, actor: Any) -> None:
    """A new revision; an approval asked for or given no longer holds."""
    report.revision += 1
    report.updated_at = timezone.now()
    if report.status in (Status.ASKED, Status.APPROVED):
        record(
            actor=actor,
            action="reports.approval_void",
            obj=report,
            label=report.case.case_number,
            before={"status": report.status},
            after={"status": Status.DRAFT},
        )
        report.status, report.approved_by, report.approved_at = Status.DRAFT, None, None
    report.save()


def _set_status(report: Report, status: str, action: str, actor: Any, **after: Any) -> Report:
    before = {"status": report.status}
    report.status = status
    report.save()
    record(
        actor=actor,
        action=action,
        obj=report,
        label=report.case.case_number,
        before=before,
        after={"status": status, **after},
    )
    return report


def _add_version(report: Report, stored: Any, actor: Any, *, name: str = "") -> ReportVersion:
    last = report.versions.order_by("-version").first()
    return ReportVersion.objects.create(
        report=report,
        version=(last.version + 1) if last else 1,
        stored=stored,
        name=name or _name(report),
        added_at=timezone.now(),
        added_by=actor,
    )


def _name(report: Report) -> str:
    return f"tjansteskrivelse-{report.case.year}-{report.case.number}.docx"
