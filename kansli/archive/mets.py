"""The METS documents of a package (FGS Paketstruktur 2.0 = E-ARK CSIP 2.1.0 with the
SIP 2.1.0 profile): the package's own METS.xml, which points at the descriptive (ERMS)
and preservation (PREMIS) metadata, the documentation, the schemas and the
representation's METS; and the representation's METS, which lists its data files.

Every file is listed with its size, creation time, MIME type and SHA-256, so that a
receiver (and kansli.archive.reader) can check each byte it got."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from kansli.archive.erms import stamp

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
M, XL, CSIP = f"{{{METS_NS}}}", f"{{{XLINK_NS}}}", f"{{{CSIP_NS}}}"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "citserms_v2_1"  # CITS ERMS 2.1 (FGS Ärendehantering 2.0)
REPRESENTATION = "rep1"
SCHEMA_LOCATIONS = " ".join([
    METS_NS, "schemas/mets.xsd", XLINK_NS, "schemas/xlink.xsd",
    CSIP_NS, "schemas/DILCISExtensionMETS.xsd", SIP_NS, "schemas/DILCISExtensionSIPMETS.xsd",
])  # fmt: skip


@dataclass(frozen=True)
class Listed:
    """A file as METS lists it: its path from the METS document's folder."""

    href: str
    size: int
    sha256: str
    mime: str


@dataclass(frozen=True)
class Creator:
    """Who made the package (CSIP metsHdr agents): the archive creator (arkivbildare,
    `organisation`), the submitter (the municipality) with its organisation number, and
    Kansli as software."""

    organisation: str
    submitter: str
    identification: str
    version: str


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _root(
    objid: str, label: str, creator: Creator, created: datetime.datetime, schemas: str
) -> etree._Element:
    root = etree.Element(M + "mets", nsmap={
        "mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS, "sip": SIP_NS, "xsi": XSI_NS,
    })  # fmt: skip
    root.set("OBJID", objid)
    root.set("LABEL", label)
    root.set("TYPE", "Mixed")  # CSIP content category: case files of text, images and more
    root.set(CSIP + "CONTENTINFORMATIONTYPE", CONTENT_TYPE)
    root.set("PROFILE", SIP_PROFILE)
    root.set(f"{{{XSI_NS}}}schemaLocation", schemas)
    header = _add(root, M + "metsHdr", CREATEDATE=stamp(created), LASTMODDATE=stamp(created),
                  RECORDSTATUS="NEW")  # fmt: skip
    header.set(CSIP + "OAISPACKAGETYPE", "SIP")
    software = _add(header, M + "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _add(software, M + "name", "Kansli")
    _add(software, M + "note", creator.version).set(CSIP + "NOTETYPE", "SOFTWARE VERSION")
    # The submitter (SIP): the municipality; the archive creator (arkivbildare, the SIP
    # profile's ARCHIVIST): the authority. Both by the organisation number.
    for role, name in [("CREATOR", creator.submitter), ("ARCHIVIST", creator.organisation)]:
        agent = _add(header, M + "agent", ROLE=role, TYPE="ORGANIZATION")
        _add(agent, M + "name", name)
        note = _add(agent, M + "note", creator.identification)
        note.set(CSIP + "NOTETYPE", "IDENTIFICATIONCODE")
    return root


def _file(group: etree._Element, ident: str, listed: Listed, created: datetime.datetime) -> None:
    item = _add(group, M + "file", ID=ident, MIMETYPE=listed.mime, SIZE=str(listed.size),
                CREATED=stamp(created), CHECKSUM=listed.sha256, CHECKSUMTYPE="SHA-256")  # fmt: skip
    location = _add(item, M + "FLocat", LOCTYPE="URL")
    location.set(XL + "type", "simple")
    location.set(XL + "href", listed.href)


def _md_ref(section: etree._Element, listed: Listed, mdtype: str, created: datetime.datetime,
            other: str = "") -> None:  # fmt: skip
    ref = _add(section, M + "mdRef", LOCTYPE="URL", MDTYPE=mdtype, MIMETYPE=listed.mime,
               SIZE=str(listed.size), CREATED=stamp(created), CHECKSUM=listed.sha256,
               CHECKSUMTYPE="SHA-256")  # fmt: skip
    if other:
        ref.set("OTHERMDTYPE", other)
    ref.set(XL + "type", "simple")
    ref.set(XL + "href", listed.href)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def package_mets(objid: str, label: str, creator: Creator, created: datetime.datetime, *,
                 erms: Listed, premis: Listed, documentation: Sequence[Listed],
                 schemas: Sequence[Listed], representation: Listed) -> bytes:  # fmt: skip
    """The package's METS.xml (its root folder is named objid, CSIP1)."""
    root = _root(objid, label, creator, created, SCHEMA_LOCATIONS)
    dmd = _add(root, M + "dmdSec", ID="dmd-erms", CREATED=stamp(created), STATUS="CURRENT")
    _md_ref(dmd, erms, "OTHER", created, other="ERMS")
    digiprov = _add(
        _add(root, M + "amdSec"), M + "digiprovMD", ID="digiprov-premis", STATUS="CURRENT"
    )
    _md_ref(digiprov, premis, "PREMIS", created)
    files = _add(root, M + "fileSec", ID="filesec")
    docs = _add(files, M + "fileGrp", ID="grp-documentation", USE="Documentation")
    for number, listed in enumerate(documentation, 1):
        _file(docs, f"documentation-{number}", listed, created)
    schema_group = _add(files, M + "fileGrp", ID="grp-schemas", USE="Schemas")
    for number, listed in enumerate(schemas, 1):
        _file(schema_group, f"schema-{number}", listed, created)
    reps = _add(files, M + "fileGrp", ID="grp-rep1", USE=f"Representations/{REPRESENTATION}")
    reps.set(CSIP + "CONTENTINFORMATIONTYPE", CONTENT_TYPE)
    _file(reps, "rep1-mets", representation, created)

    struct = _add(root, M + "structMap", ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP")
    top = _add(struct, M + "div", ID="div-package", LABEL=objid)
    _add(
        top,
        M + "div",
        ID="div-metadata",
        LABEL="Metadata",
        DMDID="dmd-erms",
        ADMID="digiprov-premis",
    )
    div = _add(top, M + "div", ID="div-documentation", LABEL="Documentation")
    for number in range(1, len(documentation) + 1):
        _add(div, M + "fptr", FILEID=f"documentation-{number}")
    div = _add(top, M + "div", ID="div-schemas", LABEL="Schemas")
    for number in range(1, len(schemas) + 1):
        _add(div, M + "fptr", FILEID=f"schema-{number}")
    # CSIP103-105: the content division, and one division per representation beside it
    # with a pointer to its METS (as the CSIP's own example draws it).
    _add(_add(top, M + "div", ID="div-representations", LABEL="Representations"), M + "fptr",
         FILEID="rep1-mets")  # fmt: skip
    div = _add(top, M + "div", ID="div-rep1", LABEL=f"Representations/{REPRESENTATION}")
    pointer = _add(div, M + "mptr", LOCTYPE="URL")
    pointer.set(XL + "type", "simple")
    pointer.set(XL + "href", representation.href)
    pointer.set(XL + "title", "grp-rep1")
    return _serialise(root)


def representation_mets(label: str, creator: Creator, created: datetime.datetime,
                        data: Sequence[Listed]) -> bytes:  # fmt: skip
    """The representation's METS.xml: its data files (the documents' files)."""
    locations = SCHEMA_LOCATIONS.replace("schemas/", "../../schemas/")
    root = _root(REPRESENTATION, label, creator, created, locations)
    files = _add(root, M + "fileSec", ID="filesec-rep1")
    group = _add(files, M + "fileGrp", ID="grp-data", USE="Data")
    for number, listed in enumerate(data, 1):
        _file(group, f"file-{number}", listed, created)
    struct = _add(root, M + "structMap", ID="structmap-rep1", TYPE="PHYSICAL", LABEL="CSIP")
    top = _add(struct, M + "div", ID="div-rep1", LABEL=REPRESENTATION)
    div = _add(top, M + "div", ID="div-data", LABEL="Data")
    for number in range(1, len(data) + 1):
        _add(div, M + "fptr", FILEID=f"file-{number}")
    return _serialise(root)
