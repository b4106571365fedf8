from __future__ import annotations

import datetime
from datetime import UTC

import pytest
from django.core.exceptions import ValidationError

from kansli.files.mail import INLINE_IMAGE_LIMIT, Attachment, html_to_text, parse_mail
from kansli.files.tests import samples

SIGNATURE = samples.png(8)  # a logo of a few hundred bytes
PHOTO = samples.png(100, noise=True)  # 30 kB, pasted into the text
HTML = '<p>Hej!</p><img src="cid:logo@kommun"><img src="cid:foto@kommun">'


def test_sizes_of_the_images() -> None:
    assert len(SIGNATURE) < INLINE_IMAGE_LIMIT < len(PHOTO)


def test_eml() -> None:
    pdf = samples.pdf()
    mail = parse_mail(samples.eml(attachments={"överklagande.pdf": pdf}))

    assert (mail.sender_name, mail.sender_address) == ("Åsa Öberg", "asa.oberg@example.se")
    assert mail.sender == "Åsa Öberg <asa.oberg@example.se>"
    assert mail.recipients == [
        "Registrator <registrator@exempelstad.se>",
        "Johan Berg <johan.berg@exempelstad.se>",
    ]
    assert mail.date == datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC)
    assert mail.date.utcoffset() == datetime.timedelta(hours=1)
    assert mail.subject == "Överklagande av bygglov"
    assert mail.body == "Hej! Här kommer överklagandet gällande Ängsgården.\n"
    assert mail.attachments == [Attachment("överklagande.pdf", pdf)]


def test_eml_prefers_the_plain_text_body() -> None:
    mail = parse_mail(samples.eml(body="Vanlig text", html="<p>HTML-text</p>"))
    assert mail.body == "Vanlig text\n"
    assert mail.attachments == []


def test_eml_with_only_html_gets_the_text_without_tags() -> None:
    html = (
        "<html><head><title>Rubrik</title><style>p {color: red}</style></head>"
        "<body><p>Hej &amp; tack för <b>ansökan</b>.</p><div>Mvh<br>Åsa</div></body></html>"
    )
    mail = parse_mail(samples.eml(body=None, html=html))
    assert mail.body == "Hej & tack för ansökan.\nMvh\nÅsa"


def inline_images_eml() -> bytes:
    """An HTML mail with a logo and a photo shown in its text, and a PDF attached."""
    from email import message_from_bytes, policy

    message = message_from_bytes(samples.eml(body="Hej!", html=HTML), policy=policy.default)
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    for content_id, image in (("logo@kommun", SIGNATURE), ("foto@kommun", PHOTO)):
        html_part.add_related(
            image, maintype="image", subtype="png", cid=f"<{content_id}>", filename="image.png"
        )
    message.add_attachment(samples.pdf(), maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes()


def test_eml_skips_small_images_shown_in_the_text() -> None:
    mail = parse_mail(inline_images_eml())
    assert mail.attachments == [Attachment("image.png", PHOTO), Attachment("a.pdf", samples.pdf())]


def test_eml_keeps_small_images_that_are_attached() -> None:
    mail = parse_mail(samples.eml(attachments={"karta.png": SIGNATURE}))
    assert mail.attachments == [Attachment("karta.png", SIGNATURE)]


def test_eml_attached_message_becomes_an_eml_file() -> None:
    from email import message_from_bytes, policy

    forwarded = samples.eml(subject="Ursprungligt brev")
    message = message_from_bytes(samples.eml(subject="VB: brev"), policy=policy.default)
    message.add_attachment(message_from_bytes(forwarded, policy=policy.default))

    [attachment] = parse_mail(message.as_bytes()).attachments

    assert attachment.filename == "Ursprungligt brev.eml"
    assert parse_mail(attachment.data).subject == "Ursprungligt brev"


def test_eml_attachment_names_lose_their_folders_and_get_one_if_missing() -> None:
    from email import message_from_bytes, policy

    message = message_from_bytes(samples.eml(), policy=policy.default)
    message.add_attachment(b"%PDF-1", maintype="application", subtype="pdf", filename="../../x.pdf")
    message.add_attachment(b"%PDF-2", maintype="application", subtype="pdf")

    names = [attachment.filename for attachment in parse_mail(message.as_bytes()).attachments]

    assert names == ["x.pdf", "bilaga 2"]


@pytest.mark.parametrize(
    ("sender", "expected"),
    [("<asa@example.se>", "asa@example.se"), ("Åsa Öberg <>", "Åsa Öberg"), ("", "")],
)
def test_eml_sender_with_only_one_part(sender: str, expected: str) -> None:
    assert parse_mail(samples.eml(sender=sender)).sender == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Fri, 14 Mar 2025 10:30:00 -0000", datetime.datetime(2025, 3, 14, 10, 30, tzinfo=UTC)),
        ("fredag förra veckan", None),
        (None, None),
    ],
)
def test_eml_dates(date: str | None, expected: datetime.datetime | None) -> None:
    parsed = parse_mail(samples.eml(date=date)).date
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


def test_msg() -> None:
    pdf = samples.pdf()
    data = samples.msg(
        html=HTML,
        attachments=[
            ("ansökan.pdf", pdf, ""),
            ("image001.png", SIGNATURE, "logo@kommun"),
            ("image002.png", PHOTO, "foto@kommun"),
        ],
    )

    mail = parse_mail(data)

    assert (mail.sender_name, mail.sender_address) == ("Åsa Öberg", "asa.oberg@example.se")
    assert mail.recipients == ["Registrator <registrator@exempelstad.se>"]
    assert mail.date == samples.SENT
    assert mail.subject == "Bygglov på Ängsvägen 3"
    assert mail.body == "Hej! Här är ansökan om bygglov för förrådet."
    assert mail.attachments == [
        Attachment("ansökan.pdf", pdf),
        Attachment("image002.png", PHOTO),
    ]


def test_msg_with_only_html_gets_the_text_without_tags() -> None:
    mail = parse_mail(samples.msg(body=None, html="<p>Hej <i>på</i> dig</p>"))
    assert mail.body == "Hej på dig"


def test_an_outlook_item_that_is_no_mail_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        parse_mail(samples.msg(message_class="IPM.Contact"))
    assert error.value.messages == [
        "E-postfilen kunde inte läsas: den är ett Outlook-objekt men inget e-brev."
    ]


def test_truncated_eml() -> None:
    data = samples.eml(attachments={"överklagande.pdf": samples.pdf()})
    with pytest.raises(ValidationError) as error:
        parse_mail(data[: len(data) * 2 // 3])
    assert error.value.messages == [
        "E-postfilen kunde inte läsas: den tar slut mitt i meddelandet."
    ]


@pytest.mark.parametrize("data", [samples.NOISE, b"", "Bara lite text, på svenska.\n".encode()])
def test_garbage_as_eml(data: bytes) -> None:
    with pytest.raises(ValidationError) as error:
        parse_mail(data)
    assert error.value.messages == [
        "E-postfilen kunde inte läsas: den börjar inte med ett brevhuvud."
    ]


@pytest.mark.parametrize(
    "data",
    [samples.msg()[:1500], samples.ole({"Okänt": b"x" * 600})],
    ids=["truncated", "other-ole"],
)
def test_garbage_as_msg(data: bytes) -> None:
    with pytest.raises(ValidationError) as error:
        parse_mail(data)
    [message] = error.value.messages
    assert message.startswith("E-postfilen kunde inte läsas: ")
    assert len(message) > len("E-postfilen kunde inte läsas: ")


def test_html_to_text() -> None:
    html = "<script>alert(1)</script><h1>Kallelse</h1><ul><li>Punkt 1</li><li>Punkt&nbsp;2</ul>"
    assert html_to_text(html) == "Kallelse\nPunkt 1\nPunkt 2"
