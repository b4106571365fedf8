"""Reading a package made by Kansli (kansli.archive.package) back: every byte checked
before anything is believed, then the case as plain data for kansli.archive.importer.

A package is refused whole (Refused, with a Swedish reason naming the file) when

- its METS.xml, or a representation's, is missing or not well-formed XML;
- a file that either METS lists (the metadata by mdRef, the documentation, schemas and
  representation METS, the data files) is missing, or has another size or SHA-256
  than listed, or is listed without a SHA-256;
- a reference leaves the package (an absolute path or URL, `..`, a symbolic link);
- a file in a representation's data folder is not listed in its METS;
- a file is listed twice, or is larger than the installation takes (MAX_UPLOAD_MB),
  or a document has more than MAX_FILES_PER_DOCUMENT files;
- the ERMS is not Kansli's (no kansli:case) or Kansli's additions disagree with METS
  (a file's size or SHA-256) or with the ERMS's own elements on secrecy: a record with
  a restriction whose provision Kansli's addition leaves out or gives otherwise, a
  counterpart agent with protected identity that is not a protected party in it (the
  stricter never yields to the laxer, OSL 21 kap. 3 §, 5 kap. 5 §);
- a document number or a § (body, year, number) comes twice, or a meeting, its
  approval or a signature has no time, or a number or time is out of range.

The XML is parsed without the network, without entities or DTDs and with lxml's
limits on (no huge_tree). Files are hashed in chunks of 1 MiB."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from lxml import etree

from kansli.archive.erms import ERMS_NS, KANSLI_NS
from kansli.archive.mets import METS_NS, XLINK_NS

CHUNK = 1024 * 1024
MAX_FILES_PER_DOCUMENT = 1000  # versions and renditions included
LARGEST_INT = 2**31 - 1  # the database's integer
NS = {"mets": METS_NS, "xlink": XLINK_NS, "e": ERMS_NS, "k": KANSLI_NS}
HREF = f"{{{XLINK_NS}}}href"


class Refused(Exception):
    """The package cannot be read as it is; nothing of it may be imported."""


@dataclass(frozen=True)
class PackageFile:
    path: str  # from the package's root
    name: str  # as registered
    version: int
    sha256: str
    size: int
    content_type: str
    rendition_of: str  # the original's path when this is a PDF/A made at export


@dataclass(frozen=True)
class PackageParty:
    name: str
    identity_number: str
    address: str
    email: str
    role: str
    protected_identity: bool


@dataclass(frozen=True)
class PackageDocument:
    number: int
    direction: str
    document_date: datetime.date
    registered_at: datetime.datetime
    registered_by: str  # username, "" when the system registered it
    counterpart: str
    counterpart_address: str
    counterpart_is_private: bool
    description: str
    document_type: str
    secrecy: str  # the provision's reference, "" for none
    secrecy_marked_at: datetime.datetime | None
    secrecy_basis: str
    withhold_counterpart: bool
    withhold_description: bool
    voided_at: datetime.datetime | None
    void_reason: str
    registration_lag: int | None
    external_id: str
    files: list[PackageFile] = field(default_factory=list)
    secrecy_title: str = ""  # what the provision protects, from the restriction

    @property
    def originals(self) -> list[PackageFile]:
        """The document's own files (every version), without the renditions."""
        return [f for f in self.files if not f.rendition_of]


@dataclass(frozen=True)
class PackageSignature:
    """One signature of the minutes or of a § approved at once: who (the username in
    the exporting installation and the name), as what (ordförande, justerare), when."""

    username: str
    name: str
    role: str
    approved_at: datetime.datetime


@dataclass(frozen=True)
class PackageParagraph:
    """The case's § in the minutes, with its agenda item (kansli:paragraph). A
    non-public item has its neutral heading and provision but no title or texts."""

    year: int
    number: int
    section: str
    reference: str
    preregistered_at: datetime.datetime
    title: str
    public_title: str
    secrecy: str  # the provision's reference, "" for a public item
    secrecy_title: str
    rapporteur: str
    proposal: str
    decision: str
    reasons: str
    note: str
    outcome: str
    appeal_route: str
    presiding: str  # username
    presiding_name: str
    immediate_at: datetime.datetime | None
    approved_at: datetime.datetime | None  # omedelbar justering
    appealed_on: datetime.date | None
    report: int | None  # the documents' numbers in the case
    extract: int | None
    signatures: list[PackageSignature]  # of the immediate approval


@dataclass(frozen=True)
class PackageMeeting:
    """A meeting at which the case was dealt with, its approved minutes and their
    signatures, and the case's § (kansli:meeting)."""

    identity: str
    minutes: str  # "Protokoll BN 2023-05-17"
    authority: str
    committee: str  # the committee's code when an utskott met, else ""
    body: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    approved_at: datetime.datetime
    approval_place: str
    approval_due: datetime.date | None
    secretary: str  # username
    secretary_name: str
    signatures: list[PackageSignature]
    paragraphs: list[PackageParagraph]
    # To set up the body where it is missing: authorityName, authorityKind,
    # committeeName.
    origin: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageCase:
    authority: str
    series: str
    year: int
    number: int
    case_number: str
    title: str
    status: str
    classification_code: str
    opened_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    officer: str  # username
    unit: str  # the unit's name
    due: datetime.date | None
    external_id: str
    void_reason: str
    related: list[str]  # case numbers as written
    parties: list[PackageParty]
    # Who it came from, to set the authority up where it is missing: authorityName,
    # authorityKind, municipality, orgNumber, caseNumberFormat (kansli:case).
    origin: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Package:
    folder: Path
    objid: str
    case: PackageCase
    documents: list[PackageDocument]
    meetings: list[PackageMeeting]
    files: int  # files checked against METS
    erms_path: str = "metadata/descriptive/erms.xml"  # the ERMS file METS points to


@dataclass(frozen=True)
class _Listed:
    path: str  # from the package's root
    size: int | None
    sha256: str
    listed_in: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True,
    )  # fmt: skip


def _parse(path: Path, name: str) -> etree._ElementTree:
    if not path.is_file() or path.is_symlink():
        raise Refused(f"{name} saknas i paketet.")
    try:
        tree = etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as error:
        raise Refused(f"{name} är inte välformad XML: {error.msg}") from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Refused(f"{name} har en DOCTYPE, som ett paket från Kansli aldrig har.")
    return tree


def sha256_of(path: Path) -> tuple[str, int]:
    """A file's SHA-256 and size, read in chunks of 1 MiB."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _inside(folder: Path, base: str, href: str | None, listed_in: str) -> str:
    """The package path (from its root) an href in a METS at `base` points at; refused
    when it is empty, absolute, a URL elsewhere, or climbs out with `..`."""
    if not href:
        raise Refused(f"{listed_in} listar en fil utan sökväg (xlink:href).")
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        raise Refused(f"{listed_in}: sökvägen {href} pekar utanför paketet.")
    relative = unquote(parts.path)
    pure = PurePosixPath(relative)
    if pure.is_absolute() or "\\" in relative or ".." in pure.parts or not pure.parts:
        raise Refused(f"{listed_in}: sökvägen {href} pekar utanför paketet.")
    # No `..` and not absolute, in a package without symbolic links (read_package
    # refused any before it reads a METS): the path stays inside.
    return (PurePosixPath(base) / pure).as_posix()


def _listed(element: etree._Element, href: str | None, folder: Path, base: str,
            listed_in: str) -> _Listed:  # fmt: skip
    path = _inside(folder, base, href, listed_in)
    kind = (element.get("CHECKSUMTYPE") or "").upper()
    checksum = (element.get("CHECKSUM") or "").lower()
    if kind != "SHA-256" or len(checksum) != 64:
        raise Refused(f"{listed_in} listar {path} utan kontrollsumma av typen SHA-256.")
    size_text = element.get("SIZE")
    try:
        size = int(size_text) if size_text is not None else None
    except ValueError as error:
        raise Refused(f"{listed_in}: storleken för {path} är inte ett tal.") from error
    return _Listed(path, size, checksum, listed_in)


def _verify(folder: Path, listed: _Listed, hashed: Mapping[str, tuple[str, int]]) -> int:
    """The file is there with the size and SHA-256 its METS gives: hashed now, or as
    `hashed` gives them when the file still has that size; its size."""
    path = folder / listed.path
    if not path.is_file():
        raise Refused(f"{listed.path} saknas i paketet (listad i {listed.listed_in}).")
    known = hashed.get(listed.path)
    sha256, size = known if known and known[1] == path.stat().st_size else sha256_of(path)
    if listed.size is not None and size != listed.size:
        raise Refused(
            f"{listed.path} har storleken {size} byte men {listed.listed_in} anger {listed.size}."
        )
    if sha256 != listed.sha256:
        raise Refused(
            f"{listed.path} har inte den kontrollsumma som {listed.listed_in} anger "
            f"(SHA-256 {listed.sha256[:12]}…, filen har {sha256[:12]}…)."
        )
    return size


def _files_in(folder: Path) -> list[str]:
    """Every regular file in the package, by its path from the root; refused at the
    first symbolic link anywhere in it (a link can point at any file)."""
    found: list[str] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(os.path.join(folder, relative)) as entries:
            for entry in entries:
                path = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_symlink():
                    raise Refused(f"{path} är en symbolisk länk; paketet avvisas.")
                if entry.is_dir():
                    pending.append(path)
                elif entry.is_file():
                    found.append(path)
    return found


def read_package(folder: Path, hashed: Mapping[str, tuple[str, int]] | None = None) -> Package:
    """Check every file of the package against its METS and read the case from its
    ERMS; Refused with the reason when anything does not hold. `hashed`: the SHA-256
    and size (by path from the package's root) of files whose bytes the caller hashed
    as it wrote them (the export), so that they are not read a second time."""
    folder = Path(folder)
    hashed = hashed or {}
    if not folder.is_dir():
        raise Refused(f"{folder} är ingen mapp.")
    present = _files_in(folder)
    root = _parse(folder / "METS.xml", "METS.xml").getroot()
    if root.tag != f"{{{METS_NS}}}mets":
        raise Refused("METS.xml är inget METS-dokument.")
    listed: list[_Listed] = []
    erms_path = ""
    for ref in root.iterfind(".//mets:mdRef", NS):
        item = _listed(ref, ref.get(HREF), folder, "", "METS.xml")
        listed.append(item)
        if (ref.get("OTHERMDTYPE") or "").upper() == "ERMS":
            erms_path = item.path
    representations: list[str] = []
    for file in root.iterfind(".//mets:fileSec//mets:file", NS):
        location = file.find("mets:FLocat", NS)
        href = location.get(HREF) if location is not None else None
        item = _listed(file, href, folder, "", "METS.xml")
        listed.append(item)
        group = file.getparent()
        use = group.get("USE", "") if group is not None else ""
        if use.lower().startswith("representations/") and item.path.endswith("METS.xml"):
            representations.append(item.path)
    _once([item.path for item in listed], "METS.xml")
    for item in listed:
        _verify(folder, item, hashed)
    if not erms_path:
        raise Refused("METS.xml pekar inte ut någon ERMS-fil (mdRef med OTHERMDTYPE ERMS).")

    data: dict[str, _Listed] = {}
    for mets_path in representations:
        base = PurePosixPath(mets_path).parent.as_posix()
        rep = _parse(folder / mets_path, mets_path).getroot()
        for file in rep.iterfind(".//mets:fileSec//mets:file", NS):
            location = file.find("mets:FLocat", NS)
            href = location.get(HREF) if location is not None else None
            item = _listed(file, href, folder, base, mets_path)
            if item.path in data:
                raise Refused(f"{item.path} är listad två gånger ({mets_path}).")
            data[item.path] = dataclasses.replace(item, size=_verify(folder, item, hashed))
    for relative in sorted(present):
        parts = relative.split("/")
        in_data = len(parts) > 3 and parts[0] == "representations" and parts[2] == "data"
        if in_data and relative not in data:
            raise Refused(f"{relative} finns i paketet men är inte listad i METS.")

    package = _read_erms(folder, erms_path, data)
    return Package(
        folder=folder,
        objid=root.get("OBJID", folder.name),
        case=package[0],
        documents=package[1],
        meetings=package[2],
        files=len(listed) + len(data),
        erms_path=erms_path,
    )


def _once(paths: list[str], listed_in: str) -> None:
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise Refused(f"{path} är listad två gånger ({listed_in}).")
        seen.add(path)


# ERMS --------------------------------------------------------------------------------


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    return (element.findtext(path, default="", namespaces=NS) or "").strip()


def _bool(value: str | None, what: str) -> bool:
    if value in (None, "", "false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise Refused(f"erms.xml: {what} är varken true eller false ({value}).")


def _moment(value: str | None, what: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise Refused(f"erms.xml: {what} är ingen tidpunkt ({value}).") from error
    if moment.tzinfo is None:
        raise Refused(f"erms.xml: {what} saknar tidszon ({value}).")
    try:
        moment.astimezone(datetime.UTC)  # 0001-01-01T00:30+01:00 has no time in UTC
    except OverflowError as error:
        raise Refused(f"erms.xml: {what} ligger utanför kalendern ({value}).") from error
    return moment


def _day(value: str | None, what: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise Refused(f"erms.xml: {what} är inget datum ({value}).") from error


def _int(value: str | None, what: str) -> int:
    """A whole number from 0 to the database's largest."""
    try:
        number = int(value or "")
    except ValueError as error:
        raise Refused(f"erms.xml: {what} är inget heltal ({value}).") from error
    if not 0 <= number <= LARGEST_INT:
        raise Refused(f"erms.xml: {what} ligger utanför det tillåtna ({value}).")
    return number


def _date_of(parent: etree._Element, kind: str, item: str = "date") -> datetime.datetime | None:
    for element in parent.iterfind(f"e:dates/e:{item}", NS):
        if element.get("dateType") == kind:
            return _moment((element.text or "").strip(), f"datum {kind}")
    return None


def _read_erms(folder: Path, erms_path: str, data: dict[str, _Listed]
               ) -> tuple[PackageCase, list[PackageDocument], list[PackageMeeting]]:  # fmt: skip
    root = _parse(folder / erms_path, erms_path).getroot()
    aggregation = root.find("e:aggregations/e:aggregation", NS)
    if aggregation is None:
        raise Refused(f"{erms_path} beskriver inget ärende (aggregation saknas).")
    extra = aggregation.find("e:additionalInformation/e:additionalXMLData/k:case", NS)
    if extra is None:
        raise Refused(
            f"{erms_path} saknar Kanslis tillägg (kansli:case): paketet är inte gjort av Kansli."
        )
    case = _read_case(aggregation, extra)
    documents = [_read_document(record, erms_path, data)
                 for record in aggregation.iterfind("e:record", NS)]  # fmt: skip
    numbers = [d.number for d in documents]
    if len(set(numbers)) != len(numbers):
        raise Refused(f"{erms_path}: samma handlingsnummer förekommer två gånger.")
    meetings = [_read_meeting(meeting) for meeting in extra.iterfind("k:meeting", NS)]
    held = [(m.authority, m.committee, p.year, p.number) for m in meetings for p in m.paragraphs]
    if len(set(held)) != len(held):
        raise Refused(f"{erms_path}: samma paragraf förekommer två gånger.")
    return case, documents, meetings


def _read_case(aggregation: etree._Element, extra: etree._Element) -> PackageCase:
    officer = ""
    protected = set()
    for agent in aggregation.iterfind("e:agents/e:agent", NS):
        if agent.get("agentType") == "responsible_person":
            officer = _text(agent, "e:idNumber")
        if (
            agent.get("agentType") == "counterpart"
            and _text(agent, "e:protectedIdentity") == "true"
        ):
            protected.add(_text(agent, "e:name"))
    parties = [
        PackageParty(
            name=party.get("name", ""), identity_number=party.get("identityNumber", ""),
            address=party.get("address", ""), email=party.get("email", ""),
            role=party.get("role", ""),
            protected_identity=_bool(party.get("protectedIdentity"), "protectedIdentity"),
        )
        for party in extra.iterfind("k:party", NS)
    ]  # fmt: skip
    # OSL 21 kap. 3 §: a party the ERMS agents give protected identity is protected in
    # Kansli's addition too, or the package contradicts itself.
    if protected - {party.name for party in parties if party.protected_identity}:
        raise Refused(
            "erms.xml: en part har skyddad identitet enligt ERMS men inte i Kanslis tillägg; "
            "paketet motsäger sig självt."
        )
    void_reason = ""
    for note in aggregation.iterfind("e:notes/e:note", NS):
        if note.get("noteType") == "makulering":
            void_reason = (note.text or "").strip()
    classification = aggregation.find("e:classification", NS)
    authority = extra.get("authority", "")
    if not authority:
        raise Refused("erms.xml: kansli:case saknar myndighetens kod (authority).")
    return PackageCase(
        authority=authority,
        series=extra.get("series") or authority,
        year=_int(extra.get("year"), "ärendets år"),
        number=_int(extra.get("number"), "ärendets nummer"),
        case_number=_text(aggregation, "e:objectId"),
        title=_text(aggregation, "e:title"),
        status=extra.get("status", ""),
        classification_code=classification.get("classificationCode", "")
        if classification is not None
        else "",
        opened_at=_date_of(aggregation, "opened") or _date_of(aggregation, "created"),
        closed_at=_date_of(aggregation, "closed"),
        officer=officer,
        unit=extra.get("unit", ""),
        due=_day(extra.get("due"), "due"),
        external_id=extra.get("externalId", ""),
        void_reason=void_reason,
        related=[(r.text or "").strip() for r in aggregation.iterfind("e:relation", NS) if r.text],
        parties=parties,
        origin={key: extra.get(key, "") for key in ORIGIN},
    )


ORIGIN = ["authorityName", "authorityKind", "municipality", "orgNumber", "caseNumberFormat"]


def _read_document(record: etree._Element, erms_path: str,
                   data: dict[str, _Listed]) -> PackageDocument:  # fmt: skip
    extra = record.find("e:additionalInformation/e:additionalXMLData/k:document", NS)
    label = _text(record, "e:objectId") or "en handling"
    if extra is None:
        raise Refused(f"{erms_path}: {label} saknar Kanslis tillägg (kansli:document).")
    registered_by = ""
    for agent in record.iterfind("e:agents/e:agent", NS):
        if agent.get("agentType") == "other" and agent.get("otherAgentType") == "registrator":
            registered_by = _text(agent, "e:idNumber")
    files: list[PackageFile] = []
    for item in extra.iterfind("k:file", NS):
        path = item.get("path", "")
        listed = data.get(path)
        sha256 = (item.get("sha256") or "").lower()
        if listed is None:
            raise Refused(f"{erms_path}: {label} har filen {path}, som METS inte listar.")
        if listed.sha256 != sha256:
            raise Refused(
                f"{erms_path}: kontrollsumman för {path} skiljer sig från den i {listed.listed_in}."
            )
        size = _int(item.get("size"), f"storleken av {path}")
        if size != listed.size:  # the size the file has (_verify)
            raise Refused(f"{erms_path}: storleken för {path} är inte filens ({listed.size} byte).")
        if size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise Refused(
                f"{path} är större än {settings.MAX_UPLOAD_MB} MB, den största fil "
                "installationen tar emot (KANSLI_MAX_UPLOAD_MB)."
            )
        if len(files) == MAX_FILES_PER_DOCUMENT:
            raise Refused(f"{erms_path}: {label} har fler än {MAX_FILES_PER_DOCUMENT} filer.")
        files.append(
            PackageFile(
                path=path, name=item.get("name", "") or PurePosixPath(path).name,
                version=_int(item.get("version"), f"versionen av {path}"), sha256=sha256,
                size=size,
                content_type=item.get("contentType", ""),
                rendition_of=item.get("renditionOf", ""),
            )
        )  # fmt: skip
    lag = extra.get("registrationLag")
    registered_at = _moment(extra.get("registeredAt"), f"registeredAt för {label}")
    document_date = _day(extra.get("documentDate"), f"documentDate för {label}")
    if registered_at is None or document_date is None:
        raise Refused(f"{erms_path}: {label} saknar datum eller registreringstid.")
    secrecy = _secrecy(record, extra, f"{erms_path}: {label}")
    return PackageDocument(
        number=_int(extra.get("number"), f"numret för {label}"),
        direction=extra.get("direction", ""),
        document_date=document_date,
        registered_at=registered_at,
        registered_by=registered_by,
        counterpart=extra.get("counterpart", ""),
        counterpart_address=extra.get("counterpartAddress", ""),
        counterpart_is_private=_bool(extra.get("counterpartIsPrivate"), "counterpartIsPrivate"),
        description=_text(record, "e:title"),
        document_type=extra.get("documentType", ""),
        secrecy=secrecy,
        secrecy_marked_at=_moment(extra.get("secrecyMarkedAt"), f"secrecyMarkedAt för {label}"),
        secrecy_basis=extra.get("secrecyBasis", ""),
        withhold_counterpart=_bool(extra.get("withholdCounterpart"), "withholdCounterpart"),
        withhold_description=_bool(extra.get("withholdDescription"), "withholdDescription"),
        voided_at=_moment(extra.get("voidedAt"), f"voidedAt för {label}"),
        void_reason=extra.get("voidReason", ""),
        registration_lag=_int(lag, "registrationLag") if lag else None,
        external_id=extra.get("externalId", ""),
        files=files,
        secrecy_title=_text(record, "e:restriction/e:explanatoryText"),
    )


def _secrecy(record: etree._Element, extra: etree._Element, label: str) -> str:
    """The provision the document is marked under: Kansli's addition must give the one
    the ERMS record's restriction gives (an e-archive reads the restriction; an import
    must not take a document for public that the archive holds secret, OSL 5 kap. 5 §)."""
    given = extra.get("secrecy", "")
    restricted = [
        (restriction.findtext("e:regulation", default="", namespaces=NS) or "").strip()
        for restriction in record.iterfind("e:restriction", NS)
        if restriction.get("restrictionType") == "confidential"
    ]
    if restricted and given not in restricted:
        raise Refused(
            f"{label} är sekretessmarkerad enligt {restricted[0] or 'en bestämmelse'} i ERMS "
            f"men {'inte' if not given else 'enligt ' + given} i Kanslis tillägg; paketet "
            "motsäger sig självt."
        )
    return given


def _signatures(parent: etree._Element, where: str) -> list[PackageSignature]:
    found = []
    for signature in parent.iterfind("k:signature", NS):
        moment = _moment(signature.get("approvedAt"), f"justeringstiden i {where}")
        if moment is None:
            raise Refused(f"erms.xml: en justering i {where} saknar tidpunkt.")
        found.append(PackageSignature(
            username=signature.get("username", ""), name=signature.get("name", ""),
            role=signature.get("role", ""), approved_at=moment,
        ))  # fmt: skip
    return found


def _read_meeting(element: etree._Element) -> PackageMeeting:
    label = element.get("minutes") or "ett protokoll"
    starts_at = _moment(element.get("startsAt"), f"startsAt för {label}")
    approved_at = _moment(element.get("approvedAt"), f"approvedAt för {label}")
    if not element.get("authority") or starts_at is None or approved_at is None:
        raise Refused(f"erms.xml: {label} saknar organ, tid för sammanträdet eller justering.")
    return PackageMeeting(
        identity=element.get("identity", ""), minutes=label,
        authority=element.get("authority", ""), committee=element.get("committee", ""),
        body=element.get("body", ""), starts_at=starts_at,
        ends_at=_moment(element.get("endsAt"), f"endsAt för {label}"),
        place=element.get("place", ""), approved_at=approved_at,
        approval_place=element.get("approvalPlace", ""),
        approval_due=_day(element.get("approvalDue"), f"approvalDue för {label}"),
        secretary=element.get("secretary", ""), secretary_name=element.get("secretaryName", ""),
        signatures=_signatures(element, label),
        paragraphs=[_read_paragraph(p, label) for p in element.iterfind("k:paragraph", NS)],
        origin={key: element.get(key, "") for key in BODY_ORIGIN},
    )  # fmt: skip


BODY_ORIGIN = ["authorityName", "authorityKind", "committeeName"]


def _read_paragraph(element: etree._Element, minutes: str) -> PackageParagraph:
    number = _int(element.get("number"), f"paragrafens nummer i {minutes}")
    label = f"§ {number} i {minutes}"
    preregistered_at = _moment(element.get("preregisteredAt"), f"preregisteredAt för {label}")
    if preregistered_at is None:
        raise Refused(f"erms.xml: {label} saknar tiden då ärendet anmäldes.")
    report, extract = element.get("report"), element.get("extract")
    return PackageParagraph(
        year=_int(element.get("year"), f"året för {label}"), number=number,
        section=element.get("section", ""), reference=element.get("reference", ""),
        preregistered_at=preregistered_at, title=element.get("title", ""),
        public_title=element.get("publicTitle", ""), secrecy=element.get("secrecy", ""),
        secrecy_title=element.get("secrecyTitle", ""),
        rapporteur=element.get("rapporteur", ""), proposal=element.get("proposal", ""),
        decision=element.get("decision", ""), reasons=element.get("reasons", ""),
        note=element.get("note", ""), outcome=element.get("outcome", ""),
        appeal_route=element.get("appealRoute", ""), presiding=element.get("presiding", ""),
        presiding_name=element.get("presidingName", ""),
        immediate_at=_moment(element.get("immediateAt"), f"immediateAt för {label}"),
        approved_at=_moment(element.get("approvedAt"), f"approvedAt för {label}"),
        appealed_on=_day(element.get("appealedOn"), f"appealedOn för {label}"),
        report=_int(report, f"report för {label}") if report else None,
        extract=_int(extract, f"extract för {label}") if extract else None,
        signatures=_signatures(element, label),
    )  # fmt: skip
