"""Writing one case as an information package (FGS Paketstruktur 2.0):

    <OBJID>/METS.xml
    <OBJID>/metadata/descriptive/erms.xml         the case in CITS ERMS
    <OBJID>/metadata/preservation/premis.xml      files, fixity, conversions
    <OBJID>/documentation/kansli-erms.txt         what Kansli's ERMS additions mean
    <OBJID>/schemas/*.xsd                         ERMS, METS, xlink, CSIP and SIP
    <OBJID>/representations/rep1/METS.xml
    <OBJID>/representations/rep1/data/<document number>/<nn>-v<version>-<name>
    <OBJID>/representations/rep1/data/<document number>/<nn>-v<version>-<name>.pdfa.pdf

Every version of every file of every document (voided ones too) is copied in chunks
from the file store while its SHA-256 is computed, and compared with the stored hash:
a file that does not match what was registered stops the package (the store is
damaged, and an archive must not receive it silently). Text documents (Word, ODF, RTF,
plain text) get a PDF/A-2b rendition made by LibreOffice headless beside the original
(RA-FS 2009:2 accepts PDF/A for text); PDFs and images go as they are. Names in the
package are ASCII; the name as registered is in ERMS and PREMIS."""

from __future__ import annotations

import datetime
import functools
import hashlib
import importlib.metadata
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from kansli.archive import mets
from kansli.archive.erms import PackedFile, case_erms
from kansli.archive.premis import package_premis
from kansli.meetings.models import Paragraph
from kansli.registry.models import Case, Document, DocumentFile
from kansli.retention.models import PlanRule

SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_FILES = ["ERMS.xsd", "mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd",
                "DILCISExtensionSIPMETS.xsd"]  # fmt: skip
DOCUMENTATION = Path(__file__).parent / "documentation" / "kansli-erms.txt"
CHUNK = 1024 * 1024
TEXT_DOCUMENTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword", "application/vnd.oasis.opendocument.text", "application/rtf",
    "text/rtf", "text/plain",
}  # fmt: skip


class DamagedFile(Exception):
    """A stored file whose bytes no longer have the hash it was registered with."""


Hashed = dict[str, tuple[str, int]]  # path from the package's root -> SHA-256, size


@dataclass(frozen=True)
class Written:
    """A package written: `hashed` holds every file's SHA-256 and size as computed from
    the bytes while they were written, for its check not to read them again."""

    objid: str
    folder: Path
    files: int
    size: int
    mets_sha256: str
    hashed: Hashed = field(default_factory=dict, repr=False)


def package_id(case: Case) -> str:
    """The package's name and OBJID: the municipality's organisation number (or name),
    the authority and the case number, in ASCII ("2120000001-KS-2023-12")."""
    municipality = case.authority.municipality
    owner = municipality.org_number.replace("-", "") or safe_name(municipality.name)
    return safe_name(f"{owner}-{case.authority.code}-{case.case_number}")


def safe_name(name: str, limit: int = 120) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "fil"
    return cleaned[:limit]


@functools.cache
def software_version() -> str:
    try:
        return f"Kansli {importlib.metadata.version('kansli')}"
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        return "Kansli (källkod)"


def _write(folder: Path, path: Path, content: bytes, mime: str, hashed: Hashed) -> mets.Listed:
    """Write content to path, noting its hash; how METS lists it."""
    path.write_bytes(content)
    listed = mets.Listed(
        path.relative_to(folder).as_posix(), len(content), hashlib.sha256(content).hexdigest(), mime
    )
    hashed[listed.href] = (listed.sha256, listed.size)
    return listed


@functools.cache
def _vendored(path: Path) -> bytes:
    """A file that is part of the code (a schema, the documentation), read once per
    process: each package gets a copy of it."""
    return path.read_bytes()


def contents() -> list[Prefetch[Any, Any, Any] | str]:
    """What write_package reads of a case, for prefetch_related on many cases at once:
    its documents with their files (every version, oldest first), parties and related
    cases."""
    files = DocumentFile.objects.select_related("stored").order_by("added_at", "pk")
    documents = (
        Document.objects.select_related("secrecy", "registered_by")
        .prefetch_related(Prefetch("files", queryset=files))
        .order_by("number")
    )
    related = Case.objects.select_related("authority__municipality", "series")
    return [Prefetch("documents", documents), "parties", Prefetch("related", related)]


def _copy(stored: object, target: Path) -> tuple[str, int]:
    """Copy a stored file in chunks; its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with stored.open() as source, target.open("wb") as out:  # type: ignore[attr-defined]
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def write_package(
    case: Case, folder: Path, created: datetime.datetime, rules: list[PlanRule] | None = None,
    paragraphs: Sequence[Paragraph] | None = None,
) -> Written:  # fmt: skip
    """Write the case's package into folder (made empty first). The caller may have
    read already, for many cases at once: the case's contents() (prefetched), `rules`
    (the plan's rules in force for its authority) and its `paragraphs`
    (kansli.archive.erms.paragraphs_of)."""
    if folder.exists():
        shutil.rmtree(folder)
    prefetch_related_objects([case], *contents())  # nothing when prefetched already
    data = folder / "representations" / mets.REPRESENTATION / "data"
    packed: list[PackedFile] = []
    hashed: Hashed = {}
    for document in case.documents.all():
        folder_name = f"{document.number:04d}"
        for index, item in enumerate(document.files.all(), 1):
            name = f"{index:02d}-v{item.version}-{safe_name(item.name)}"
            target = data / folder_name / name
            sha256, size = _copy(item.stored, target)
            if sha256 != item.stored.sha256:
                raise DamagedFile(
                    f"{document.document_number}: filen {item.name} har inte längre den "
                    f"kontrollsumma den registrerades med ({item.stored.sha256[:12]}…, "
                    f"nu {sha256[:12]}…)"
                )
            path = target.relative_to(folder).as_posix()
            hashed[path] = (sha256, size)
            content_type = item.stored.content_type
            packed.append(
                PackedFile(document.pk, item.version, item.name, path, sha256, size, content_type)
            )
            if content_type in TEXT_DOCUMENTS:
                packed += _rendition(target, folder, packed[-1], hashed)
    return _finish(case, folder, created, packed, rules, paragraphs, hashed)


def _rendition(original: Path, folder: Path, packed: PackedFile, hashed: Hashed
               ) -> list[PackedFile]:  # fmt: skip
    # Loaded when a text document comes (it brings PyMuPDF, 30 MB, for redaction's sake).
    from kansli.redaction.convert import NotConvertible, office_to_pdfa

    try:
        pdf = office_to_pdfa(original.read_bytes(), packed.content_type)
    except NotConvertible:
        return []  # the original goes alone; PREMIS lists no conversion for it
    target = original.with_name(original.name + ".pdfa.pdf")
    listed = _write(folder, target, pdf, "application/pdf", hashed)
    return [PackedFile(packed.document_id, packed.version, f"{packed.name}.pdf", listed.href,
                       listed.sha256, listed.size, listed.mime,
                       rendition_of=packed.path)]  # fmt: skip


def _finish(
    case: Case, folder: Path, created: datetime.datetime, packed: list[PackedFile],
    rules: list[PlanRule] | None, paragraphs: Sequence[Paragraph] | None, hashed: Hashed,
) -> Written:  # fmt: skip
    objid = folder.name
    version = software_version()
    municipality = case.authority.municipality
    creator = mets.Creator(
        f"{case.authority.name}, {municipality.name}",
        municipality.name,
        municipality.org_number or municipality.name,
        version,
    )
    label = f"{case.case_number} {case.title}"[:250]
    erms_folder = folder / "metadata" / "descriptive"
    erms_folder.mkdir(parents=True)
    content = case_erms(case, packed, created=created, rules=rules, paragraphs=paragraphs)
    erms = _write(folder, erms_folder / "erms.xml", content, "text/xml", hashed)
    premis_folder = folder / "metadata" / "preservation"
    premis_folder.mkdir(parents=True)
    content = package_premis(packed, created=created, version=version)
    premis = _write(folder, premis_folder / "premis.xml", content, "text/xml", hashed)
    (folder / "documentation").mkdir()
    documentation = _write(folder, folder / "documentation" / DOCUMENTATION.name,
                           _vendored(DOCUMENTATION), "text/plain", hashed)  # fmt: skip
    (folder / "schemas").mkdir()
    schemas = [_write(folder, folder / "schemas" / name, _vendored(SCHEMAS / name), "text/xml",
                      hashed) for name in SCHEMA_FILES]  # fmt: skip
    representation = folder / "representations" / mets.REPRESENTATION
    representation.mkdir(parents=True, exist_ok=True)
    base = f"representations/{mets.REPRESENTATION}"
    data = [mets.Listed(Path(p.path).relative_to(base).as_posix(), p.size, p.sha256, p.content_type)
            for p in packed]  # fmt: skip
    content = mets.representation_mets(label, creator, created, data)
    representation_mets = _write(folder, representation / "METS.xml", content, "text/xml", hashed)
    root = mets.package_mets(
        objid, label, creator, created, erms=erms, premis=premis,
        documentation=[documentation], schemas=schemas, representation=representation_mets,
    )  # fmt: skip
    (folder / "METS.xml").write_bytes(root)
    # Every file of the package is one written here (the data files, the renditions and
    # the metadata in `hashed`), so its size is theirs.
    size = len(root) + sum(size for _sha256, size in hashed.values())
    return Written(objid, folder, len(packed), size, hashlib.sha256(root).hexdigest(), hashed)
