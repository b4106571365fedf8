"""Self-signed certificates for servers started on this machine: nginx in the production
stack (kansli.web.stack) and the test servers (dovecot, the identity provider). The
demo's signing identity (kansli.meetings.signing) has extensions of its own."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


def self_signed(
    directory: Path,
    stem: str,
    *,
    common_name: str,
    hosts: tuple[str, ...] = (),
    addresses: tuple[str, ...] = (),
    days: int = 1,
    with_rsa: bool = False,
    authority: bool = False,
) -> tuple[Path, Path]:
    """A new key (EC P-256, or RSA 2048 where a peer needs it) and a certificate for it
    signed by itself, valid from five minutes ago for `days`, naming `hosts` and
    `addresses`; written as `stem.key` (PEM, mode 0600) and `stem.crt`. `authority`: a
    certificate clients may take as their CA file."""
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if with_rsa
        else ec.generate_private_key(ec.SECP256R1())
    )
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
    )
    names: list[x509.GeneralName] = [x509.DNSName(host) for host in hosts]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    key_file, cert_file = directory / f"{stem}.key", directory / f"{stem}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(
        builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    )
    return key_file, cert_file
