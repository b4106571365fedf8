"""Sealing approved minutes with a PAdES signature.

When a meeting's minutes are approved (protokollet justeras, KL 8 kap. 12 §), the chair
and the appointed approvers sign them. Kansli then seals the PDF of the approved minutes
with the municipality's key, so anyone holding the file can check that it has not been
changed since it was approved.

The key and certificate come from settings.SIGNING_KEY_FILE and SIGNING_CERT_FILE. Without
them a self-signed demo certificate is made once in DATA_DIR/signing; it proves that the
file is unchanged, not who sealed it."""

from __future__ import annotations

import asyncio
import datetime
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

T = TypeVar("T")
FIELD_NAME = "Justering"
DEMO_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "Kansli demo signing certificate"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kansli demo"),
    ]
)


@dataclass(frozen=True)
class SealCheck:
    """What validating the seal found. `intact`: the sealed bytes are unchanged; `valid`:
    the signature itself is cryptographically sound; `trusted`: it is intact, valid and
    made with our certificate; `covers_whole_document`: nothing was added after sealing."""

    intact: bool
    valid: bool
    trusted: bool
    signer: str
    signed_at: datetime.datetime | None
    covers_whole_document: bool


def signing_identity() -> tuple[Path, Path]:
    """Paths of the private key and the certificate (PEM) that seal the minutes."""
    key_file = getattr(settings, "SIGNING_KEY_FILE", "")
    cert_file = getattr(settings, "SIGNING_CERT_FILE", "")
    if key_file and cert_file:
        return Path(key_file), Path(cert_file)
    if key_file or cert_file:
        raise ImproperlyConfigured(
            "KANSLI_SIGNING_KEY_FILE and KANSLI_SIGNING_CERT_FILE must be set together"
        )
    folder = Path(settings.DATA_DIR) / "signing"
    if not (folder / "cert.pem").exists():
        _make_demo_identity(folder)
    return folder / "key.pem", folder / "cert.pem"


def _make_demo_identity(folder: Path) -> None:
    """Write a self-signed key and certificate to `folder`. Both are written to a fresh
    folder that is then renamed into place, so two processes doing this at once cannot
    leave a key that does not match the certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(DEMO_SUBJECT)
        .issuer_name(DEMO_SUBJECT)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3653))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="signing-", dir=folder.parent))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(staging / "key.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key_pem)
    (staging / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    try:
        staging.rename(folder)
    except OSError:  # another process got there first: keep its identity
        shutil.rmtree(staging)


def _blocking(work: Callable[[], T]) -> T:
    """pyHanko's blocking calls start an event loop of their own (asyncio.run), which
    cannot be done in a thread that already runs one (an async server, a test driving a
    browser); there the work runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def seal_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """The PDF with a PAdES signature added as an incremental update."""
    key_file, cert_file = signing_identity()
    signer = signers.SimpleSigner.load(str(key_file), str(cert_file))
    if signer is None:
        raise ImproperlyConfigured(
            f"Cannot read the signing key {key_file} or certificate {cert_file}"
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    sealed: BytesIO = _blocking(lambda: signers.PdfSigner(metadata, signer=signer).sign_pdf(writer))
    return sealed.getvalue()


def verify_seal(pdf: bytes) -> SealCheck:
    """Validate the seal against our own certificate as the only trust root."""
    reader = PdfFileReader(BytesIO(pdf))
    seals = [sig for sig in reader.embedded_signatures if sig.field_name == FIELD_NAME]
    if not seals:
        return SealCheck(False, False, False, "", None, False)
    _, cert_file = signing_identity()
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_file))])
    status = _blocking(lambda: validate_pdf_signature(seals[-1], context))
    subject = status.signing_cert.subject
    return SealCheck(
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        signer=subject.native.get("common_name") or subject.human_friendly,
        signed_at=status.signer_reported_dt,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
    )
