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
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch

from kansli.archive import mets
from kansli.archive.erms import PackedFile, case_erms
from kansli.archive.premis import package_premis
from kansli.registry.models import Case, DocumentFile
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


@dataclass(frozen=True)
class Written:
    objid: str
    folder: Path
    files: int
    size: int
    mets_sha256: str


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


def software_version() -> str:
    try:
        return f"Kansli {importlib.metadata.version('kansli')}"
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        return "Kansli (källkod)"


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _listed(folder: Path, path: Path, mime: str) -> mets.Listed:
    return mets.Listed(
        path.relative_to(folder).as_posix(), path.stat().st_size, _sha256(path), mime
    )


@functools.cache
def _schema(name: str) -> tuple[int, str]:
    """A vendored schema's size and SHA-256, read once per process (the files are part
    of the code; each package gets a copy of them)."""
    path = SCHEMAS / name
    return path.stat().st_size, _sha256(path)


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
    case: Case, folder: Path, created: datetime.datetime, rules: list[PlanRule] | None = None
) -> Written:
    """Write the case's package into folder (made empty first); `rules`: the plan's
    rules in force for its authority, when the caller has read them already."""
    if folder.exists():
        shutil.rmtree(folder)
    data = folder / "representations" / mets.REPRESENTATION / "data"
    packed: list[PackedFile] = []
    files = DocumentFile.objects.select_related("stored").order_by("added_at", "pk")
    documents = case.documents.select_related(
        "secrecy", "registered_by", "case__classification"
    ).prefetch_related(Prefetch("files", queryset=files))
    for document in documents.order_by("number"):
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
            content_type = item.stored.content_type
            packed.append(
                PackedFile(document.pk, item.version, item.name, path, sha256, size, content_type)
            )
            if content_type in TEXT_DOCUMENTS:
                packed += _rendition(target, folder, packed[-1])
    return _finish(case, folder, created, packed, rules)


def _rendition(original: Path, folder: Path, packed: PackedFile) -> list[PackedFile]:
    # Loaded when a text document comes (it brings PyMuPDF, 30 MB, for redaction's sake).
    from kansli.redaction.convert import NotConvertible, office_to_pdfa

    try:
        pdf = office_to_pdfa(original.read_bytes(), packed.content_type)
    except NotConvertible:
        return []  # the original goes alone; PREMIS lists no conversion for it
    target = original.with_name(original.name + ".pdfa.pdf")
    target.write_bytes(pdf)
    return [PackedFile(packed.document_id, packed.version, f"{packed.name}.pdf",
                       target.relative_to(folder).as_posix(), hashlib.sha256(pdf).hexdigest(),
                       len(pdf), "application/pdf", rendition_of=packed.path)]  # fmt: skip


def _finish(
    case: Case, folder: Path, created: datetime.datetime, packed: list[PackedFile],
    rules: list[PlanRule] | None,
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
    erms = folder / "metadata" / "descriptive" / "erms.xml"
    erms.parent.mkdir(parents=True)
    erms.write_bytes(case_erms(case, packed, created=created, rules=rules))
    premis = folder / "metadata" / "preservation" / "premis.xml"
    premis.parent.mkdir(parents=True)
    premis.write_bytes(package_premis(packed, created=created, version=version))
    documentation = folder / "documentation" / DOCUMENTATION.name
    documentation.parent.mkdir()
    shutil.copyfile(DOCUMENTATION, documentation)
    (folder / "schemas").mkdir()
    schemas = []
    for name in SCHEMA_FILES:
        shutil.copyfile(SCHEMAS / name, folder / "schemas" / name)
        size, sha256 = _schema(name)
        schemas.append(mets.Listed(f"schemas/{name}", size, sha256, "text/xml"))
    representation = folder / "representations" / mets.REPRESENTATION
    representation.mkdir(parents=True, exist_ok=True)
    base = f"representations/{mets.REPRESENTATION}"
    data = [mets.Listed(Path(p.path).relative_to(base).as_posix(), p.size, p.sha256, p.content_type)
            for p in packed]  # fmt: skip
    (representation / "METS.xml").write_bytes(
        mets.representation_mets(label, creator, created, data)
    )
    root = mets.package_mets(
        objid, label, creator, created,
        erms=_listed(folder, erms, "text/xml"), premis=_listed(folder, premis, "text/xml"),
        documentation=[_listed(folder, documentation, "text/plain")], schemas=schemas,
        representation=_listed(folder, representation / "METS.xml", "text/xml"),
    )  # fmt: skip
    (folder / "METS.xml").write_bytes(root)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return Written(objid, folder, len(packed), size, hashlib.sha256(root).hexdigest())
