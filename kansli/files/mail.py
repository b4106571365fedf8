"""Reading a received e-mail (.eml or Outlook .msg) for e-mail intake: the sender, date
and subject pre-fill a new incoming document and the attachments become its files.

Small images that the HTML text shows in place (src="cid:…", under INLINE_IMAGE_LIMIT:
logos and icons in signatures) are not returned as attachments: they are part of how
the message looks, not documents of their own. Larger ones (a photo pasted into the
text) and images the text does not show are returned. Nothing is lost either way,
since the e-mail file itself is kept with the document as the original."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from email import errors, policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import parseaddr
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kansli.files.detect import HEAD_SIZE, OLE2_MAGIC, looks_like_mail
from kansli.inputs import unstorable

if TYPE_CHECKING:
    from extract_msg.msg_classes import MessageBase

# Logos and icons are a few kB; a photo or a scanned page is far larger.
INLINE_IMAGE_LIMIT = 16 * 1024
# Defects that mean the file ends before the message does: its last parts are cut off.
TRUNCATED = (errors.CloseBoundaryNotFoundDefect, errors.StartBoundaryNotFoundDefect)


class Attachment(NamedTuple):
    filename: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    sender_name: str
    sender_address: str
    recipients: list[str]  # To and Cc, as "Name <address>"
    date: datetime.datetime | None  # aware; None if the message has no usable date
    subject: str
    body: str  # the plain text, or the HTML text without its tags
    attachments: list[Attachment]

    @property
    def sender(self) -> str:
        """ "Name <address>", or whichever of the two the message has."""
        if self.sender_name and self.sender_address:
            return f"{self.sender_name} <{self.sender_address}>"
        return self.sender_name or self.sender_address


def parse_mail(data: bytes) -> ParsedMail:
    """The parts of an e-mail file that intake needs; .msg or .eml by the content.
    Raises ValidationError if the file cannot be read as an e-mail."""
    try:
        if data.startswith(OLE2_MAGIC):
            return _storable(_parse_msg(data))
        return _storable(_parse_eml(data))
    except ValidationError:
        raise
    except Exception as error:  # any failure of the parsers is the file's
        raise unreadable(str(error) or type(error).__name__) from error


def _replaced(text: str) -> str:
    """The text with NUL and lone surrogates (undecodable bytes in a header) replaced by
    U+FFFD, so that it can be stored: a hostile header must not stop the intake."""
    return "".join("\ufffd" if unstorable(char) else char for char in text)


def _line(text: str) -> str:
    """A header on one line: an encoded line break (=0D=0A) would carry over into the
    headers of an e-mail made from it (forwarding) and make sending it fail."""
    return " ".join(_replaced(text).split())


def _storable(mail: ParsedMail) -> ParsedMail:
    return replace(
        mail,
        sender_name=_line(mail.sender_name),
        sender_address=_line(mail.sender_address),
        recipients=[_line(recipient) for recipient in mail.recipients],
        subject=_line(mail.subject),
        body=_replaced(mail.body),
        attachments=[a._replace(filename=_replaced(a.filename)) for a in mail.attachments],
    )


def unreadable(reason: str) -> ValidationError:
    return ValidationError(
        _("The e-mail file could not be read: %(reason)s") % {"reason": reason},
        code="unreadable_mail",
    )


def _parse_eml(data: bytes) -> ParsedMail:
    if not looks_like_mail(data[:HEAD_SIZE]):
        raise unreadable(_("it does not begin with e-mail headers."))
    message = BytesParser(_class=EmailMessage, policy=policy.default).parsebytes(data)
    for part in message.walk():
        if any(isinstance(defect, TRUNCATED) for defect in part.defects):
            raise unreadable(_("it ends in the middle of the message."))
    senders = message["From"].addresses if message["From"] is not None else ()
    name, address = "", ""
    if senders:
        name = senders[0].display_name
        address = senders[0].addr_spec if senders[0].username else ""  # not "<>"
    body_part = message.get_body(preferencelist=("plain", "html"))
    return ParsedMail(
        sender_name=name,
        sender_address=address,
        recipients=[
            str(recipient)
            for field in ("To", "Cc")
            if message[field] is not None
            for recipient in message[field].addresses
        ],
        date=_aware(getattr(message["Date"], "datetime", None)),
        subject=str(message["Subject"] or ""),
        body=_part_text(body_part) if body_part is not None else "",
        attachments=_eml_attachments(message, body_part),
    )


def _part_text(part: MIMEPart) -> str:
    content = part.get_content()
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def _eml_attachments(message: EmailMessage, body: object) -> list[Attachment]:
    html_part = message.get_body(preferencelist=("html",))
    html = html_part.get_content() if html_part is not None else ""
    found: list[Attachment] = []

    def visit(part: MIMEPart) -> None:
        if part is body:
            return
        filename = part.get_filename()
        if part.get_content_type() == "message/rfc822":  # a message attached to the message
            inner = part.get_content()
            name = _file_name(filename or inner["Subject"], len(found) + 1)
            name = name if name.endswith(".eml") else f"{name}.eml"
            found.append(Attachment(name, inner.as_bytes()))
        elif part.is_multipart():
            for child in part.iter_parts():
                visit(child)
        elif filename or part.get_content_maintype() != "text":
            data = _payload(part)
            if not _is_signature_image(data, part["Content-ID"], html):
                found.append(Attachment(_file_name(filename, len(found) + 1), data))

    visit(message)
    return found


def _parse_msg(data: bytes) -> ParsedMail:
    # Loaded when an Outlook file comes: extract_msg costs every process 30 MB.
    import extract_msg
    from extract_msg.enums import RecipientType
    from extract_msg.msg_classes import Message, MessageSigned

    with extract_msg.openMsg(data) as msg:
        if not isinstance(msg, Message | MessageSigned):  # contacts, meetings and tasks too
            raise unreadable(_("it is an Outlook item but not an e-mail."))
        name, address = parseaddr(msg.sender or "")
        html = msg.htmlBody
        return ParsedMail(
            sender_name=name,
            sender_address=address,
            recipients=[
                recipient.formatted
                for recipient in msg.recipients
                if recipient.type in (RecipientType.TO, RecipientType.CC)
            ],
            date=_aware(msg.date),
            subject=msg.subject or "",
            body=msg.body or (html_to_text(_decode(html)) if html else ""),
            attachments=_msg_attachments(msg),
        )


def _msg_attachments(msg: MessageBase) -> list[Attachment]:
    from extract_msg.msg_classes import MSGFile

    html = _decode(msg.htmlBody) if msg.htmlBody else ""
    found: list[Attachment] = []
    for attachment in msg.attachments:
        data: Any = attachment.data
        name = _file_name(attachment.name, len(found) + 1)
        if isinstance(data, MSGFile):  # a message attached to the message
            name = name if name.endswith(".msg") else f"{name}.msg"
            found.append(Attachment(name, data.exportBytes()))
        elif isinstance(data, bytes) and not _is_signature_image(
            data, getattr(attachment, "contentId", None), html
        ):
            found.append(Attachment(name, data))
    return found


def _payload(part: MIMEPart) -> bytes:
    """A leaf part's content with its transfer encoding undone."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _is_signature_image(data: bytes, content_id: str | None, html: str) -> bool:
    """A small image that the HTML text shows in place (src="cid:…"), like a logo."""
    if not content_id or len(data) >= INLINE_IMAGE_LIMIT or not filetype.is_image(data):
        return False
    return f"cid:{content_id.strip().strip('<>')}" in html


def _file_name(name: str | None, number: int) -> str:
    """The attachment's own name without any folders, or "attachment 2" for the second
    attachment if it has none."""
    name = PurePosixPath((name or "").replace("\\", "/")).name.strip()
    return name or _("attachment %(number)s") % {"number": number}


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A date without a zone ("-0000" in RFC 5322) is taken as UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _HtmlText(HTMLParser):
    """The text of an HTML body: what a reader sees, a line for each block."""

    HIDDEN = frozenset({"head", "script", "style", "title"})
    BLOCKS = frozenset({"br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
