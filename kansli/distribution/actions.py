"""Sändlistor: keeping the lists (create, rename, members in and out, close) and sending
to one (the notice of a meeting, the dispatch of a decision, a remiss, a snabbnytt), each
send recorded with a row per recipient and the channel used.

Who keeps a list: for an authority's list its registrars, secretaries and managers (the
ones who send its notices, decisions and remisser). A shared list of the municipality
(authority empty) is kept by a system administrator or a registrar of any of its
authorities: the registry (registraturen) keeps the municipality's addresses, and a
secretary of one board should not change who another board's notices reach."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kansli.access.protected import NOTHING, hiders
from kansli.audit.chain import record
from kansli.distribution import mail
from kansli.distribution.models import Channel, Dispatch, DistributionList, Member, Recipient
from kansli.meetings.actions.publication import PROTECTED_BY_LETTER, do_dispatch_decision
from kansli.meetings.models import Expedition, Meeting, NewsItem, Paragraph
from kansli.meetings.models.notices import FORWARDED_BY, PROTECTED_RECIPIENT
from kansli.meetings.permissions import require_secretary
from kansli.org.models import Authority, Municipality, Role, RoleAssignment, User
from kansli.org.permissions import is_sysadmin
from kansli.registry import actions as registry
from kansli.registry.models import Direction, Document, Party
from kansli.registry.permissions import REGISTERING_ROLES, has_role, require_role

KEEPING_ROLES = [Role.REGISTRAR, Role.SECRETARY, Role.MANAGER]
NAME_MAX = 200
CLOSED = "Sändlistan är stängd."


def may_keep(actor: Any, municipality: Municipality, authority: Authority | None) -> bool:
    """Whether the actor may change a list (see the module's docstring)."""
    if actor is None:
        return True
    if authority is not None:
        return has_role(actor, authority, KEEPING_ROLES)
    if is_sysadmin(actor):
        return True
    return _roles_in(actor, municipality).filter(role=Role.REGISTRAR).exists()


def _roles_in(user: Any, municipality: Municipality) -> QuerySet[RoleAssignment]:
    """The user's roles today at the municipality's authorities."""
    return RoleAssignment.objects.valid_on().filter(user=user, authority__municipality=municipality)


def _require_keeper(actor: Any, municipality: Municipality, authority: Authority | None) -> None:
    if not may_keep(actor, municipality, authority):
        raise PermissionDenied("Du har inte behörighet att ändra sändlistan.")


def _open(dlist: DistributionList) -> DistributionList:
    locked = DistributionList.objects.select_for_update().get(pk=dlist.pk)
    if locked.closed_at is not None:
        raise ValidationError(CLOSED)
    return locked


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Ge sändlistan ett namn."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Namnet får vara högst {NAME_MAX} tecken."})
    return name


@transaction.atomic
def do_create_list(
    municipality: Municipality, name: str, *, authority: Authority | None = None, actor: Any
) -> DistributionList:
    """A new list, the authority's or (authority None) shared across the municipality."""
    _require_keeper(actor, municipality, authority)
    if authority is not None and authority.municipality_id != municipality.pk:
        raise ValidationError({"authority": "Myndigheten hör till en annan kommun."})
    dlist = DistributionList.objects.create(
        municipality=municipality,
        authority=authority,
        name=_clean_name(name),
        created_at=timezone.now(),
        created_by=actor,
    )
    record(
        actor=actor,
        action="distribution.create",
        obj=dlist,
        label=dlist.name,
        after={"authority": authority.code if authority else None},
    )
    return dlist


@transaction.atomic
def do_rename_list(dlist: DistributionList, name: str, *, actor: Any) -> DistributionList:
    _require_keeper(actor, dlist.municipality, dlist.authority)
    dlist = _open(dlist)
    before = dlist.name
    dlist.name = _clean_name(name)
    dlist.save(update_fields=["name"])
    record(
        actor=actor,
        action="distribution.rename",
        obj=dlist,
        label=dlist.name,
        before={"name": before},
        after={"name": dlist.name},
    )
    return dlist


@transaction.atomic
def do_close_list(dlist: DistributionList, *, actor: Any) -> DistributionList:
    """Closed, not deleted: its utskick keep pointing to it. Nothing is sent to it again."""
    _require_keeper(actor, dlist.municipality, dlist.authority)
    dlist = _open(dlist)
    dlist.closed_at = timezone.now()
    dlist.save(update_fields=["closed_at"])
    record(actor=actor, action="distribution.close", obj=dlist, label=dlist.name)
    return dlist


def _works_in(user: Any, municipality: Municipality) -> bool:
    """An active user with a role, today, at one of the municipality's authorities."""
    return bool(user.is_active) and _roles_in(user, municipality).exists()


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


@transaction.atomic
def do_add_member(
    dlist: DistributionList,
    kind: str,
    channel: str,
    *,
    user: User | None = None,
    authority: Authority | None = None,
    name: str = "",
    organisation: str = "",
    email: str = "",
    postal_address: str = "",
    actor: Any,
) -> Member:
    """A user (reached by e-mail, letter or, for elected members, the members' portal),
    an authority or an outside recipient (e-mail or letter) joins the list."""
    _require_keeper(actor, dlist.municipality, dlist.authority)
    dlist = _open(dlist)
    name, organisation = name.strip(), organisation.strip()
    email, postal_address = email.strip(), postal_address.strip()
    errors: dict[str, str] = {}
    if kind not in Member.Kind.values:
        errors["kind"] = "Välj vilket slags mottagare det är."
    if channel not in Channel.values:
        errors["channel"] = "Välj en kanal."
    if kind == Member.Kind.USER:
        if user is None or not _works_in(user, dlist.municipality):
            # Only the municipality's own people: a username of another's is not found
            # (so nobody learns who exists there) and never mailed from this list.
            errors["user"] = "Välj en användare i kommunen."
        elif channel == Channel.EMAIL and not user.email:
            errors["channel"] = "Användaren har ingen e-postadress."
        elif channel == Channel.PORTAL and not _elected(user, dlist.municipality):
            errors["channel"] = "Ledamotsportalen är för förtroendevalda."
        elif dlist.members.filter(user=user).exists():
            errors["user"] = "Användaren finns redan på listan."
        name = organisation = email = ""
        authority = None
    elif kind == Member.Kind.AUTHORITY:
        if authority is None or authority.municipality_id != dlist.municipality_id:
            errors["authority"] = "Välj en myndighet i kommunen."
        else:
            name = authority.name
        user = None
    elif kind == Member.Kind.EXTERNAL:
        if not name and not organisation:
            errors["name"] = "Ange ett namn eller en organisation."
        user = authority = None
    if kind != Member.Kind.USER and channel == Channel.PORTAL:
        errors["channel"] = "Ledamotsportalen är för förtroendevalda."
    if channel == Channel.EMAIL and kind != Member.Kind.USER and not _is_email(email):
        errors["email"] = "Ange en giltig e-postadress."
    if channel == Channel.LETTER and not postal_address:
        errors["postal_address"] = "Ange en postadress för brev."
    if email and not _is_email(email):
        errors["email"] = "Ange en giltig e-postadress."
    if errors:
        raise ValidationError(errors)
    member = Member.objects.create(
        dlist=dlist,
        kind=kind,
        user=user,
        authority=authority,
        name=name,
        organisation=organisation,
        email=email,
        postal_address=postal_address,
        channel=channel,
    )
    record(
        actor=actor,
        action="distribution.add_member",
        obj=dlist,
        label=dlist.name,
        after={"member": member.shown_name, "kind": kind, "channel": channel},
    )
    return member


def _elected(user: User, municipality: Municipality) -> bool:
    return _roles_in(user, municipality).filter(role=Role.ELECTED).exists()


@transaction.atomic
def do_remove_member(member: Member, *, actor: Any) -> None:
    """The member leaves the list; the utskick already made keep their recipient rows."""
    dlist = member.dlist
    _require_keeper(actor, dlist.municipality, dlist.authority)
    dlist = _open(dlist)
    shown = member.shown_name
    member.delete()
    record(
        actor=actor,
        action="distribution.remove_member",
        obj=dlist,
        label=dlist.name,
        before={"member": shown},
    )


# Sending ---------------------------------------------------------------------------


# name as shown, address, channel, and the protected party the member is taken as
Row = tuple[str, str, str, Party | None]


def _rows(dlist: DistributionList, protected: list[Party]) -> list[Row]:
    """The recipients as the list stands. A member bearing the name of a party of the
    case with protected identity is taken as that party: a letter goes through
    Skatteverket, only the party's reference is kept, and e-mail is refused, as in the
    dispatch of a decision (OSL 21 kap. 3 §)."""
    members = list(dlist.members.select_related("user", "authority"))
    if not members:
        raise ValidationError("Sändlistan har inga mottagare.")
    rows: list[Row] = []
    for member in members:
        party = next((p for p in protected if _is_party(member, p)), None)
        if party is not None:
            if member.channel != Channel.LETTER:
                raise ValidationError(PROTECTED_BY_LETTER)
            shown = PROTECTED_RECIPIENT % party.post_reference
            rows.append((shown, FORWARDED_BY, Channel.LETTER, party))
        else:
            rows.append((member.shown_name, member.address, member.channel, None))
    return rows


def _protected_of(case: Any) -> list[Party]:
    if case is None:
        return []
    return list(case.parties.filter(protected_identity=True))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _is_party(member: Member, party: Party) -> bool:
    """Whether the list member is the protected party: every word of the party's name
    in the member's name in any order, spacing or case ("Person, Hemlig"), or the same
    e-mail address. Rather one letter too many through Skatteverket than one name out."""
    name = _words(party.name)
    shown = _words(member.shown_name) | _words(member.name)
    if name and name <= shown:
        return True
    return bool(party.email) and party.email.strip().casefold() == member.email.strip().casefold()


STATUS_OF = {
    Channel.EMAIL: Recipient.Status.PENDING,
    Channel.LETTER: Recipient.Status.TO_PRINT,
    Channel.PORTAL: Recipient.Status.IN_PORTAL,
}


def _record_dispatch(
    dlist: DistributionList,
    purpose: str,
    subject: str,
    rows: Sequence[tuple[str, str, str, bool]],
    actor: Any,
    **links: Any,
) -> tuple[Dispatch, list[Recipient]]:
    dispatch = Dispatch.objects.create(
        dlist=dlist,
        list_name=dlist.name,
        purpose=purpose,
        subject=subject,
        sent_at=timezone.now(),
        sent_by=actor,
        **links,
    )
    recipients = [
        Recipient.objects.create(
            dispatch=dispatch,
            name=name,
            address=address,
            channel=channel,
            status=STATUS_OF[Channel(channel)],
            protected_identity=protected,
        )
        for name, address, channel, protected in rows
    ]
    record(
        actor=actor,
        action=f"distribution.send_{purpose}",
        obj=dispatch,
        label=subject,
        after={"list": dlist.name, "recipients": [[r.name, r.channel] for r in recipients]},
    )
    return dispatch, recipients


def _shown(rows: list[Row]) -> list[tuple[str, str, str, bool]]:
    return [(name, address, channel, party is not None) for name, address, channel, party in rows]


def _sendable(dlist: DistributionList) -> DistributionList:
    dlist = DistributionList.objects.select_for_update().get(pk=dlist.pk)
    if dlist.closed_at is not None:
        raise ValidationError({"dlist": CLOSED})
    return dlist


@transaction.atomic
def do_send_notice(meeting: Meeting, dlist: DistributionList, *, actor: Any) -> Dispatch:
    """The notice of a meeting to a list, beside (or instead of) the body's members: a
    message with the body, day, time and place and a link (the members' portal for
    users, the public notice board for others). No item is named in it: a non-public
    item's title is secret (OSL), and the agenda is on the notice board."""
    require_secretary(actor, meeting.body)
    dlist = _sendable(dlist)
    if meeting.cancelled_at is not None:
        raise ValidationError("Sammanträdet är inställt.")
    if meeting.dispatched_at is None:
        raise ValidationError("Skicka först kallelsen med föredragningslistan.")
    subject = f"Kallelse: {meeting.body} {timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    rows = _shown(_rows(dlist, []))
    dispatch, _recipients = _record_dispatch(
        dlist, Dispatch.Purpose.NOTICE, subject, rows, actor, meeting=meeting
    )
    transaction.on_commit(lambda: mail.send_notice(dispatch.pk))
    return dispatch


@transaction.atomic
def do_send_decision(paragraph: Paragraph, dlist: DistributionList, *, actor: Any) -> Dispatch:
    """Expediering to a list (those concerned beside the parties): the decision is
    dispatched as do_dispatch_decision does, with its extract, its protections and its
    record of each recipient (Expedition), and the send is kept as an utskick of the
    list. A user on the list is reached by e-mail, or by letter if the user has none."""
    dlist = _sendable(dlist)
    case = paragraph.item.case
    rows = _rows(dlist, _protected_of(case))
    forwarded = [party for _n, _a, _c, party in rows if party is not None]
    recipients = [
        _by_email_or_letter(dlist, name, address, channel)
        for name, address, channel, party in rows
        if party is None
    ]
    sent_as: dict[int, int] = {}
    expeditions = do_dispatch_decision(
        paragraph,
        recipients,
        forwarded=forwarded,
        on_sent=lambda failed: mail.note_decision_sent(sent_as, failed),
        actor=actor,
    )
    shown = [
        (e.recipient, e.address, Channel.EMAIL if e.method == "epost" else Channel.LETTER,
         e.protected_identity)
        for e in expeditions
    ]  # fmt: skip
    subject = f"Beslut, dnr {case.case_number if case else ''} § {paragraph.number}"
    dispatch, made = _record_dispatch(
        dlist, Dispatch.Purpose.DECISION, subject, shown, actor, paragraph=paragraph, case=case
    )
    sent_as.update({e.pk: r.pk for e, r in zip(expeditions, made, strict=True)})
    return dispatch


def _by_email_or_letter(
    dlist: DistributionList, name: str, address: str, channel: str
) -> tuple[str, str, str]:
    """A decision goes by e-mail or letter, not to the portal: a portal member gets it
    at the e-mail address of the user."""
    if channel == Channel.LETTER:
        return name, address, Expedition.Method.LETTER
    if channel == Channel.PORTAL:
        found = dlist.members.filter(channel=Channel.PORTAL).select_related("user")
        emails = [m.user.email for m in found if m.user is not None and m.shown_name == name]
        address = next((e for e in emails if e), "")
        if not address:
            raise ValidationError({"dlist": f"{name}: ingen e-postadress för beslutet."})
    return name, address, Expedition.Method.EMAIL


@transaction.atomic
def do_send_referral(
    document: Document,
    dlist: DistributionList,
    reply_by: datetime.date,
    *,
    actor: Any,
) -> Dispatch:
    """Remiss: a case's document sent to a list for comment, answers asked for by
    `reply_by`. The send is registered in the case as an outgoing document (OSL 5 kap.
    1 §) and each recipient's answer is due on the day. A secret-marked document is
    never sent to a list (OSL 8 kap. 1 §: an e-mail to a list is not the place to weigh
    each recipient's right to it), and its description is not in the message if it
    names a party with protected identity (OSL 21 kap. 3 §)."""
    case = document.case
    require_role(actor, case.authority, REGISTERING_ROLES, "skicka remisser")
    if actor is not None and not Document.objects.visible_to(actor).filter(pk=document.pk).exists():
        raise PermissionDenied("Du kan inte läsa handlingen.")
    dlist = _sendable(dlist)
    errors: dict[str, str] = {}
    if document.is_secret:
        errors["document"] = "En sekretessmarkerad handling skickas inte på remiss till en lista."
    if document.voided_at is not None:
        errors["document"] = "Handlingen är makulerad."
    if reply_by <= timezone.localdate():
        errors["reply_by"] = "Svarsdagen ska ligga efter i dag."
    if not document.files.exists():
        errors["document"] = "Handlingen har ingen fil att skicka."
    if errors:
        raise ValidationError(errors)
    rows = _shown(_rows(dlist, _protected_of(case)))
    hide = hiders(None, [case]).get(case.pk, NOTHING)  # for anyone outside Kansli
    what = hide(document.description)
    outgoing = registry.do_register_document(
        case,
        Direction.OUTGOING,
        timezone.localdate(),
        f"Remiss till {dlist.name}: {what}, svar senast {reply_by:%Y-%m-%d}",
        counterpart=dlist.name,
        document_type="Remiss",
        actor=actor,
    )
    subject = f"Remiss, dnr {case.case_number}"
    dispatch, _recipients = _record_dispatch(
        dlist,
        Dispatch.Purpose.REFERRAL,
        subject,
        rows,
        actor,
        case=case,
        document=document,
        outgoing=outgoing,
        reply_by=reply_by,
    )
    registry.add_to_timeline(
        case,
        "referral",
        f"Remiss till {dlist.name} ({len(rows)} mottagare), svar senast {reply_by:%Y-%m-%d}.",
        actor,
    )
    transaction.on_commit(lambda: mail.send_referral(dispatch.pk))
    return dispatch


@transaction.atomic
def do_record_answer(recipient: Recipient, answer: Document, *, actor: Any) -> Recipient:
    """A remissinstans answered: the answer, registered in the case as an incoming
    document, is noted on its row, and the answer is no longer due."""
    dispatch = recipient.dispatch
    case = dispatch.case
    if dispatch.purpose != Dispatch.Purpose.REFERRAL or case is None:
        raise ValidationError("Bara en remiss besvaras.")
    require_role(actor, case.authority, REGISTERING_ROLES, "registrera remissvar")
    if answer.case_id != case.pk or answer.direction != Direction.INCOMING:
        raise ValidationError({"answer": "Svaret ska vara en inkommen handling i ärendet."})
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    before = recipient.answer_id
    recipient.answer = answer
    recipient.save(update_fields=["answer"])
    record(
        actor=actor,
        action="distribution.record_answer",
        obj=dispatch,
        label=dispatch.subject,
        before={"answer": before},
        after={"recipient": recipient.name, "answer": answer.pk},
    )
    return recipient


@transaction.atomic
def do_send_news(item: NewsItem, dlist: DistributionList, *, actor: Any) -> Dispatch:
    """A snabbnytt sent to a list of staff by its body's secretary: the secretary's own
    text (nothing from the items, see do_publish_news) and a link to it in Kansli."""
    require_secretary(actor, item.body)
    dlist = _sendable(dlist)
    rows = _shown(_rows(dlist, []))
    dispatch, _recipients = _record_dispatch(
        dlist, Dispatch.Purpose.NEWS, f"Snabbnytt: {item.title}", rows, actor, news=item
    )
    transaction.on_commit(lambda: mail.send_news(dispatch.pk))
    return dispatch
