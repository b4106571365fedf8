from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kansli.meetings.signing import _make_demo_identity, seal_pdf, signing_identity, verify_seal

CN = "Kansli demo signing certificate"


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test makes its demo certificate in a folder of its own."""
    settings.DATA_DIR = tmp_path
    settings.SIGNING_KEY_FILE = ""
    settings.SIGNING_CERT_FILE = ""
    return tmp_path


def minutes() -> bytes:
    html = "<h1>Kommunstyrelsen § 12</h1><h2>Beslut: bifall</h2><p>Justeras.</p>"
    # Uncompressed, so that a test can change the decision (a bookmark title) in place.
    pdf: bytes = weasyprint.HTML(string=html).write_pdf(
        pdf_variant="pdf/a-2b", uncompressed_pdf=True
    )
    return pdf


def seal(pdf: bytes) -> bytes:
    return seal_pdf(pdf, reason="Protokollet justerat", location="Ankeborg")


def test_sealed_minutes_verify() -> None:
    check = verify_seal(seal(minutes()))

    assert check.intact
    assert check.valid
    assert check.trusted
    assert check.covers_whole_document
    assert CN in check.signer
    assert check.signed_at is not None


def test_pyhanko_judges_the_seal_good() -> None:
    sealed = seal(minutes())
    _, cert_file = signing_identity()
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_file))])
    (signature,) = PdfFileReader(BytesIO(sealed)).embedded_signatures

    # In a thread of its own: pyHanko runs an event loop, and a browser test earlier in
    # the session may have left one running in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(validate_pdf_signature, signature, context).result()

    assert status.bottom_line
    assert signature.field_name == "Justering"
    assert status.md_algorithm == "sha256"


def test_a_changed_byte_breaks_the_seal() -> None:
    sealed = seal(minutes())
    assert sealed.count(b"Beslut: bifall") == 1

    check = verify_seal(sealed.replace(b"Beslut: bifall", b"Beslut: avslag"))

    assert not check.intact
    assert not check.trusted


def test_a_later_change_to_a_page_is_not_covered() -> None:
    writer = IncrementalPdfFileWriter(BytesIO(seal(minutes())))
    line = writer.add_object(generic.StreamObject(stream_data=b"0 0 m 200 200 l S"))
    writer.add_stream_to_page(0, line)
    changed = BytesIO()
    writer.write(changed)

    check = verify_seal(changed.getvalue())

    assert check.intact
    assert not check.covers_whole_document


def test_an_unsigned_pdf_has_no_seal() -> None:
    check = verify_seal(minutes())

    assert not check.valid
    assert not check.intact
    assert not check.trusted
    assert check.signer == ""


def test_the_demo_identity_is_made_once_with_a_private_key(data_dir: Path) -> None:
    key_file, cert_file = signing_identity()
    cert = cert_file.read_bytes()

    assert key_file.parent == data_dir / "signing"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert signing_identity() == (key_file, cert_file)
    assert cert_file.read_bytes() == cert


def test_a_configured_identity_is_used(settings: Any, tmp_path: Path) -> None:
    own = tmp_path / "kommunens-certifikat"
    own.mkdir()
    _make_demo_identity(own)  # stands in for the municipality's own key and certificate
    (own / "key.pem").rename(own / "kommun.key")
    (own / "cert.pem").rename(own / "kommun.pem")
    settings.SIGNING_KEY_FILE = str(own / "kommun.key")
    settings.SIGNING_CERT_FILE = str(own / "kommun.pem")

    assert signing_identity() == (own / "kommun.key", own / "kommun.pem")
    sealed = seal(minutes())
    (signature,) = PdfFileReader(BytesIO(sealed)).embedded_signatures
    configured = load_cert_from_pemder(str(own / "kommun.pem"))
    assert signature.signer_cert.dump() == configured.dump()  # signed with that key
    assert verify_seal(sealed).trusted
    assert not (tmp_path / "signing").exists()  # no demo certificate was made


def test_a_key_without_a_certificate_is_refused(settings: Any) -> None:
    settings.SIGNING_KEY_FILE = "/etc/kansli/kommun.key"

    with pytest.raises(ImproperlyConfigured):
        signing_identity()
