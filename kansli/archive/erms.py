"""A case as CITS ERMS XML (FGS Ärendehantering 2.0, ERMS.xsd 2.1.2): the case file
(aggregation caseFile) with its parties, officer, classification, dates, the decisions
taken on it at meetings (one action per §: text, reasons, the body, the chair and the
approvers as signatories) and one record per registered document with its
sender or recipient, direction, secrecy (restriction with provision and date),
disposal rule from the document management plan and its files (appendix, the original
and its PDF/A rendition).

What ERMS has no element for, and what an import into Kansli needs exactly (series,
the withholding of sender or description from the public record, the registration
lag, a party's protected identity with its address, each file's version and checksum,
the meeting of each § with its place, the minutes' approval and every signature with
its time),
is kept beside it in `additionalXMLData` in Kansli's own namespace (KANSLI_NS), so that
an e-archive reads the standard elements and Kansli reads both (kansli.archive.reader).

Personal data and secret texts are written as they are: the e-archive receives the
documents with their secrecy (OSL 11 kap. 6 §: secrecy follows the document to the
archive authority), and the restriction elements say which provision applies."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from lxml import etree

from kansli.meetings.models import Minutes, Paragraph
from kansli.meetings.models.meetings import NEUTRAL_HEADING
from kansli.registry.models import Case, Direction, Document
from kansli.retention.models import Outcome, PlanRule, due_date, effective_rules, rule_for

ERMS_NS = "https://DILCIS.eu/XML/ERMS"
KANSLI_NS = "https://kansli.se/xml/erms-tillagg/1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
E = f"{{{ERMS_NS}}}"
K = f"{{{KANSLI_NS}}}"
# Stable identities for the e-archive: the same case gives the same systemIdentifier in
# every export (uuid5 over the municipality, the authority and the number).
IDENTITY = uuid.UUID("6c1d3a52-8a1e-5f0b-9c36-4b7e0f4b2a11")

STATUS = {"avslutat": "closed", "beslutat": "closed", "makulerat": "obliterated"}
DIRECTION = {
    Direction.INCOMING: "incoming",
    Direction.OUTGOING: "outgoing",
    Direction.MEMO: "internal_memo_without_follow-up",
}


@dataclass(frozen=True)
class PackedFile:
    """One file of a document as it lies in the package (kansli.archive.package)."""

    document_id: int
    version: int
    name: str  # as registered, any characters
    path: str  # in the package, from its root
    sha256: str
    size: int
    content_type: str
    rendition_of: str = ""  # the PDF/A made from the original at this path


def case_identity(case: Case) -> str:
    municipality = case.authority.municipality
    key = f"{municipality.org_number or municipality.name}/{case.authority.code}/{case.case_number}"
    return str(uuid.uuid5(IDENTITY, key))


def stamp(moment: datetime.datetime | datetime.date) -> str:
    """xs:dateTime in local time with its offset (a date as its midnight)."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(
            moment, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _add(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str | None
) -> etree._Element:
    element = etree.SubElement(parent, E + tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


Moment = datetime.datetime | datetime.date | None


def _dates(parent: etree._Element, dates: Sequence[tuple[str, Moment]], tag: str = "dates",
           item: str = "date") -> None:  # fmt: skip
    given = [(kind, moment) for kind, moment in dates if moment is not None]
    if given:
        holder = _add(parent, tag)
        for kind, moment in given:
            assert moment is not None
            _add(holder, item, stamp(moment), dateType=kind)


def _agent(parent: etree._Element, kind: str, name: str, *, other: str = "",
           organisation: str = "", id_number: str = "", id_type: str = "", role: str = "",
           protected: bool | None = None) -> None:  # fmt: skip
    agent = _add(parent, "agent", agentType=kind, otherAgentType=other or None)
    _add(agent, "name", name or "-")
    if organisation:
        _add(agent, "organisation", organisation)
    if id_number:
        _add(agent, "idNumber", id_number, idNumberType=id_type or None)
    if role:
        _add(agent, "role", role)
    if protected is not None:
        _add(agent, "protectedIdentity", "true" if protected else "false")


def _person(user: object | None) -> tuple[str, str]:
    if user is None:
        return "", ""
    name = user.get_full_name() or user.username  # type: ignore[attr-defined]
    return name, user.username  # type: ignore[attr-defined]


def case_erms(
    case: Case, files: Iterable[PackedFile], *, created: datetime.datetime,
    rules: list[PlanRule] | None = None, paragraphs: Sequence[Paragraph] | None = None,
) -> bytes:  # fmt: skip
    """The ERMS document of one case, its documents and their packed files; `rules`
    and `paragraphs` (paragraphs_of) when the caller has read them already."""
    authority = case.authority
    municipality = authority.municipality
    by_document: dict[int, list[PackedFile]] = {}
    for packed in files:
        by_document.setdefault(packed.document_id, []).append(packed)

    root = etree.Element(E + "erms", nsmap={None: ERMS_NS, "kansli": KANSLI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{ERMS_NS} ../../schemas/ERMS.xsd")
    control = _add(root, "control")
    _add(control, "identification", authority.name, identificationType="arkivbildare")
    if municipality.org_number:
        _add(
            control,
            "identification",
            municipality.org_number,
            identificationType="organisationsnummer",
        )
    _add(control, "identification", case.case_number, identificationType="ärendenummer")
    maintenance = _add(control, "maintenanceInformation")
    _add(maintenance, "maintenanceStatus", value="new")
    agency = _add(maintenance, "maintenanceAgency")
    if municipality.org_number:
        _add(agency, "agencyCode", municipality.org_number, type="organisationsnummer")
    _add(agency, "agencyName", municipality.name)
    event = _add(_add(maintenance, "maintenanceHistory"), "maintenanceEvent")
    _add(event, "eventType", value="created")
    _add(event, "eventDateTime", stamp(created))
    deliverer = _add(event, "agent", agentType="deliverer")
    _add(deliverer, "name", "Kansli")
    _add(deliverer, "organisation", municipality.name)

    aggregation = _add(
        _add(root, "aggregations"), "aggregation",
        systemIdentifier=case_identity(case), aggregationType="caseFile",
    )  # fmt: skip
    _add(aggregation, "objectId", case.case_number)
    _add(aggregation, "extraId", str(case.pk), extraIdType="deliveringSystemId")
    if case.classification:
        _add(aggregation, "classification", case.classification.title,
             classificationCode=case.classification.code)  # fmt: skip
    _add(aggregation, "title", case.title)
    _add(aggregation, "status", value=STATUS.get(case.status, "in_progress"))
    for related in case.related.all():
        _add(aggregation, "relation", related.case_number, relationType="reference")
    if paragraphs is None:
        paragraphs = paragraphs_of([case]).get(case.pk, [])
    extra = etree.SubElement(
        _add(_add(aggregation, "additionalInformation"), "additionalXMLData"), K + "case"
    )
    _case_extra(extra, case)
    _meetings_extra(extra, paragraphs)
    agents = _add(aggregation, "agents")
    officer, username = _person(case.officer)
    if officer:
        _agent(agents, "responsible_person", officer, id_number=username, id_type="username",
               organisation=authority.name, role="handläggare")  # fmt: skip
    for party in case.parties.all():
        _agent(agents, "counterpart", party.name, id_number=party.identity_number,
               id_type="personnummer" if party.identity_number else "", role=party.role,
               protected=party.protected_identity)  # fmt: skip
    _dates(aggregation, [("created", case.opened_at), ("opened", case.opened_at),
                         ("closed", case.closed_at)])  # fmt: skip
    for paragraph in paragraphs:
        _decision(aggregation, paragraph)
    if case.void_reason:
        _add(_add(aggregation, "notes"), "note", case.void_reason, noteType="makulering")

    rules = effective_rules(authority) if rules is None else rules
    for document in case.documents.all():
        _record(aggregation, document, rules, by_document.get(document.pk, []))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _case_extra(extra: etree._Element, case: Case) -> None:
    authority, municipality = case.authority, case.authority.municipality
    extra.set("authority", authority.code)
    # Enough to set the authority up again in an installation without it (a move).
    extra.set("authorityName", authority.name)
    extra.set("authorityKind", authority.kind)
    extra.set("municipality", municipality.name)
    extra.set("orgNumber", municipality.org_number)
    extra.set("caseNumberFormat", municipality.case_number_format)
    extra.set("series", case.series_code)
    extra.set("year", str(case.year))
    extra.set("number", str(case.number))
    extra.set("status", case.status)
    if case.unit is not None:
        extra.set("unit", case.unit.name)
    if case.due_date:
        extra.set("due", case.due_date.isoformat())
    if case.external_id:
        extra.set("externalId", case.external_id)
    for party in case.parties.all():
        etree.SubElement(extra, K + "party", {
            "name": party.name, "identityNumber": party.identity_number, "address": party.address,
            "email": party.email, "role": party.role,
            "protectedIdentity": "true" if party.protected_identity else "false",
        })  # fmt: skip


def paragraphs_of(cases: Sequence[Case]) -> dict[int, list[Paragraph]]:
    """The § of each case (by its pk) in approved (justerade) minutes, in the order of
    the meetings: until then the minutes are a draft, not yet the authority's record of
    the decision (KL 5 kap. 69 §). One query (and its prefetches) for all the cases."""
    found: dict[int, list[Paragraph]] = {}
    for paragraph in (
        Paragraph.objects.filter(
            item__case__in=[case.pk for case in cases], minutes__locked_at__isnull=False
        )
        .select_related(
            "minutes__meeting__body__authority__municipality", "minutes__meeting__body__committee",
            "minutes__secretary", "presiding", "item__secrecy", "item__report", "extract",
        )
        .prefetch_related(
            "minutes__approvers", "minutes__approvals__user", "immediate_approvals__user"
        )
        .order_by("minutes__meeting__starts_at", "number")
    ):  # fmt: skip
        assert paragraph.item.case_id is not None  # the filter says so
        found.setdefault(paragraph.item.case_id, []).append(paragraph)
    return found


def meeting_identity(minutes: Minutes) -> str:
    """The same meeting gives the same identity in every case's package (uuid5 over the
    municipality, the body and the meeting's start), so the e-archive sees which cases
    were decided at one meeting."""
    meeting = minutes.meeting
    municipality = meeting.body.authority.municipality
    key = f"{municipality.org_number or municipality.name}/{meeting.body.code}/"
    return str(uuid.uuid5(IDENTITY, key + meeting.starts_at.isoformat()))


def _meetings_extra(extra: etree._Element, paragraphs: Sequence[Paragraph]) -> None:
    """Each meeting at which the case was dealt with (kansli:meeting), its approved
    minutes and signatures, and the case's § in them (kansli:paragraph)."""
    meetings: dict[int, etree._Element] = {}
    for paragraph in paragraphs:
        minutes = paragraph.minutes
        if minutes.pk not in meetings:
            meetings[minutes.pk] = _meeting_extra(extra, minutes)
        _paragraph_extra(meetings[minutes.pk], paragraph)


def _meeting_extra(extra: etree._Element, minutes: Minutes) -> etree._Element:
    meeting, body = minutes.meeting, minutes.meeting.body
    authority, committee = body.authority, body.committee
    secretary, username = _person(minutes.secretary)
    assert minutes.locked_at is not None  # only approved minutes are exported
    element = etree.SubElement(extra, K + "meeting", {
        "identity": meeting_identity(minutes), "minutes": str(minutes),
        "authority": authority.code, "authorityName": authority.name,
        "authorityKind": authority.kind,
        "committee": committee.code if committee else "",
        "committeeName": committee.name if committee else "",
        "body": str(body), "startsAt": meeting.starts_at.isoformat(),
        "endsAt": _moment(meeting.ends_at), "place": meeting.place,
        "approvedAt": minutes.locked_at.isoformat(), "approvalPlace": minutes.approval_place,
        "approvalDue": minutes.approval_due.isoformat() if minutes.approval_due else "",
        "secretary": username, "secretaryName": secretary,
    })  # fmt: skip
    # KL 5 kap. 69 §: the minutes are approved by the chair and the chosen approvers;
    # who signed as which and when (Approval; the chair is the one not chosen).
    chosen = {user.pk for user in minutes.approvers.all()}
    for approval in _in_order(minutes.approvals.all()):
        role = "justerare" if approval.user_id in chosen else "ordförande"
        _signature(element, approval.user, role, approval.approved_at)
    return element


def _paragraph_extra(meeting: etree._Element, paragraph: Paragraph) -> None:
    """The § and its agenda item. A non-public item (OSL) leaves by its neutral heading
    and provision only, as in the public part of the minutes: its title, proposal,
    decision, reasons and minute note are in the secrecy-marked protokollsutdrag,
    registered in the case (`extract`, the document's number)."""
    item = paragraph.item
    presiding, username = _person(paragraph.presiding)
    values = {
        "year": str(paragraph.year), "number": str(paragraph.number),
        "section": item.section, "reference": item.reference,
        "preregisteredAt": item.preregistered_at.isoformat(),
        "publicTitle": item.public_title, "outcome": paragraph.outcome,
        "appealRoute": paragraph.appeal_route, "presiding": username,
        "presidingName": presiding, "immediateAt": _moment(paragraph.immediate_at),
        "approvedAt": _moment(paragraph.approved_at),
        "appealedOn": paragraph.appealed_on.isoformat() if paragraph.appealed_on else "",
        "report": _number_in(item.report, item.case_id),
        "extract": _number_in(paragraph.extract, item.case_id),
    }  # fmt: skip
    if item.secrecy is not None:
        values |= {"secrecy": item.secrecy.reference, "secrecyTitle": item.secrecy.title}
    else:
        values |= {
            "title": item.title, "rapporteur": item.rapporteur, "proposal": item.proposal,
            "decision": paragraph.decision, "reasons": paragraph.reasons,
            "note": paragraph.note,
        }  # fmt: skip
    element = etree.SubElement(meeting, K + "paragraph", values)
    # Omedelbar justering of this § at the meeting (KL 5 kap. 70 §).
    chair = paragraph.presiding_id
    for approval in _in_order(paragraph.immediate_approvals.all()):
        role = "ordförande" if approval.user_id == chair else "justerare"
        _signature(element, approval.user, role, approval.approved_at)


def _in_order(approvals: Iterable[Any]) -> list[Any]:
    return sorted(approvals, key=lambda approval: (approval.approved_at, approval.pk))


def _signature(parent: etree._Element, user: object, role: str,
               moment: datetime.datetime) -> None:  # fmt: skip
    name, username = _person(user)
    etree.SubElement(parent, K + "signature", {
        "username": username, "name": name, "role": role, "approvedAt": moment.isoformat(),
    })  # fmt: skip


def _number_in(document: Document | None, case_id: int | None) -> str:
    """A document's number when it is registered in the case (so in the package)."""
    if document is None or document.case_id != case_id:
        return ""
    return str(document.number)


def _decision(aggregation: etree._Element, paragraph: Paragraph) -> None:
    """A decision at a meeting (KL 5 kap.): its text, reasons, the body as the one who
    decided, the chair and approvers as signatories (justering, KL 5 kap. 69 §).

    A non-public item's decision is given by its neutral heading and provision only,
    as the public minutes give it: ERMS's action has no restriction to mark it with, so
    its text travels in the secrecy-marked protokollsutdrag registered in the case."""
    meeting = paragraph.minutes.meeting
    item = paragraph.item
    action = _add(aggregation, "action")
    if item.secrecy is not None:
        heading = item.public_title or NEUTRAL_HEADING
        _add(action, "actionText", f"{heading} (icke offentligt, {item.secrecy.reference}); "
             "beslutet står i protokollsutdraget")  # fmt: skip
    else:
        _add(action, "actionText", paragraph.decision or str(item.title))
        if paragraph.reasons:
            _add(action, "actionMotivation", paragraph.reasons)
    _add(action, "actionType", "beslut")
    # When each signed: the chair (main_signature) and the approvers (other_signature).
    chosen = {user.pk for user in paragraph.minutes.approvers.all()}
    signed: list[tuple[str, Moment]] = [
        ("other_signature" if approval.user_id in chosen else "main_signature",
         approval.approved_at)
        for approval in _in_order(paragraph.minutes.approvals.all())
    ]  # fmt: skip
    _dates(action, [("decision", meeting.starts_at), ("finished", paragraph.minutes.locked_at),
                    *signed], item="actionDate")  # fmt: skip
    agents = _add(action, "agents")
    _agent(
        agents,
        "authorising_person",
        str(meeting.body),
        organisation=meeting.body.authority.name,
        role=f"§ {paragraph.number}/{paragraph.year}",
    )
    presiding, username = _person(paragraph.presiding)
    if presiding:
        _agent(
            agents,
            "main_signatory",
            presiding,
            id_number=username,
            id_type="username",
            role="ordförande",
        )
    for approver in paragraph.minutes.approvers.all():
        name, username = _person(approver)
        _agent(
            agents,
            "other_signatory",
            name,
            id_number=username,
            id_type="username",
            role="justerare",
        )


def _record(aggregation: etree._Element, document: Document, rules: list[PlanRule],
            files: list[PackedFile]) -> None:  # fmt: skip
    record = _add(
        aggregation, "record", systemIdentifier=f"{case_identity(document.case)}/{document.number}",
        recordType=document.document_type or None, recordPhysicalOrDigital="digitial",
    )  # fmt: skip
    _add(record, "objectId", document.document_number)
    _add(record, "extraId", str(document.pk), extraIdType="deliveringSystemId")
    _add(record, "title", document.description)
    if document.withhold_description:
        # The registry withholds the description from the public record (OSL 5 kap. 4 §).
        _add(record, "otherTitle", "Uppgiften undanhålls", titleType="public")
    _add(record, "status", value="obliterated" if document.voided_at else "closed")
    _add(record, "runningNumber", str(document.number))
    if document.secrecy is not None:
        # OSL 5 kap. 5 §: the marking says which provision applies and when it was made.
        restriction = _add(record, "restriction", restrictionType="confidential")
        _add(restriction, "explanatoryText", document.secrecy.title)
        _add(restriction, "regulation", document.secrecy.reference)
        _dates(restriction, [("confidentiality_assessed", document.secrecy_marked_at)])
    code = document.case.classification.code if document.case.classification else ""
    rule = rule_for(rules, code, document.document_type) if document.document_type else None
    if rule is not None:
        _disposal(record, document, rule)
    direction = DIRECTION.get(document.direction)  # type: ignore[call-overload]
    if direction:
        _add(record, "direction", directionDefinition=direction)
    else:  # upprättad: drawn up and kept here
        _add(record, "direction", directionDefinition="other", otherDirectionDefinition="upprättad")
    agents = _add(record, "agents")
    if document.counterpart:
        kind = "sender" if document.direction == Direction.INCOMING else "receiver"
        _agent(agents, kind, document.counterpart)
    registrar, username = _person(document.registered_by)
    if registrar:
        _agent(
            agents, "other", registrar, other="registrator", id_number=username, id_type="username"
        )
    dated = "received" if document.direction == Direction.INCOMING else "created"
    _dates(record, [
        (dated, document.document_date),
        ("captured", document.registered_at), ("deleted", document.voided_at),
    ])  # fmt: skip
    if document.void_reason:
        _add(_add(record, "notes"), "note", document.void_reason, noteType="makulering")
    information = _add(record, "additionalInformation")
    originals = {f.path: f for f in files if not f.rendition_of}
    for packed in files:
        original = originals.get(packed.rendition_of)
        _add(information, "appendix", name=packed.name, path=packed.path,
             fileFormat=packed.content_type,
             originalFileFormat=original.content_type if original else None,
             description="PDF/A" if packed.rendition_of else f"version {packed.version}",
             )  # fmt: skip
    extra = etree.SubElement(_add(information, "additionalXMLData"), K + "document")
    _document_extra(extra, document, files)


def _disposal(record: etree._Element, document: Document, rule: PlanRule) -> None:
    """The plan's rule (informationshanteringsplan): kept or disposed of, from when
    (the case's closing, else the document's date) and, if disposed of, the first day
    it may go (kansli.retention.models.due_date)."""
    disposable = rule.outcome == Outcome.DISPOSE
    disposal = _add(record, "disposal", disposable="true" if disposable else "false")
    _add(disposal, "disposalScheduleId", f"{rule.plan.pk}/{rule.process_code}/{rule.document_type}")
    _add(disposal, "disposalAction", "gallras" if disposable else "bevaras")
    if disposable:
        _add(disposal, "disposalPeriod", str(rule.period))
    if rule.legal_basis:
        _add(disposal, "disposalMandate", rule.legal_basis)
    case = document.case
    dates = _add(disposal, "dates")
    _add(dates, "disposalDate", stamp(case.closed_at or document.document_date),
         dateType="retention_period_start")  # fmt: skip
    due = due_date(rule, case_closed=case.closed_at, document_date=document.document_date,
                   registered=document.registered_at) if disposable else None  # fmt: skip
    if due is not None:
        _add(dates, "disposalDate", stamp(due), dateType="disposal_date")


def _document_extra(extra: etree._Element, document: Document, files: list[PackedFile]) -> None:
    values = {
        "number": str(document.number), "direction": document.direction,
        "documentDate": document.document_date.isoformat(),
        "registeredAt": document.registered_at.isoformat(),
        "counterpart": document.counterpart, "counterpartAddress": document.counterpart_address,
        "counterpartIsPrivate": _bool(document.counterpart_is_private),
        "documentType": document.document_type,
        "secrecy": document.secrecy.reference if document.secrecy else "",
        "secrecyMarkedAt": _moment(document.secrecy_marked_at),
        "secrecyBasis": document.secrecy_basis,
        "withholdCounterpart": _bool(document.withhold_counterpart),
        "withholdDescription": _bool(document.withhold_description),
        "voidedAt": _moment(document.voided_at),
        "voidReason": document.void_reason, "externalId": document.external_id,
    }  # fmt: skip
    if document.registration_lag is not None:
        values["registrationLag"] = str(document.registration_lag)
    for key, value in values.items():
        extra.set(key, value)
    for packed in files:
        etree.SubElement(extra, K + "file", {
            "path": packed.path, "name": packed.name, "version": str(packed.version),
            "sha256": packed.sha256, "size": str(packed.size), "contentType": packed.content_type,
            "renditionOf": packed.rendition_of,
        })  # fmt: skip


def _moment(value: datetime.datetime | None) -> str:
    return value.isoformat() if value else ""


def _bool(value: bool) -> str:
    return "true" if value else "false"
