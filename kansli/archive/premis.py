"""PREMIS 3 preservation metadata of a package (metadata/preservation/premis.xml): every
file with its SHA-256, size, format and name as registered; the conversion of each
text document to PDF/A (migration, with the original as source); the package's
creation; and Kansli as the software agent that did both."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from lxml import etree

from kansli.archive.erms import PackedFile, stamp

PREMIS_NS = "http://www.loc.gov/premis/v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
P = f"{{{PREMIS_NS}}}"
AGENT = "Kansli"


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, P + tag)
    if text is not None:
        element.text = text
    return element


def _identifier(parent: etree._Element, tag: str, kind: str, value: str) -> None:
    identifier = _add(parent, tag)
    _add(identifier, f"{tag}Type", kind)
    _add(identifier, f"{tag}Value", value)


def _event(root: etree._Element, number: int, kind: str, when: datetime.datetime, detail: str,
           objects: Sequence[tuple[str, str]]) -> None:  # fmt: skip
    event = _add(root, "event")
    _identifier(event, "eventIdentifier", "local", f"event-{number}")
    _add(event, "eventType", kind)
    _add(event, "eventDateTime", stamp(when))
    _add(_add(event, "eventDetailInformation"), "eventDetail", detail)
    _add(_add(event, "eventOutcomeInformation"), "eventOutcome", "success")
    agent = _add(event, "linkingAgentIdentifier")
    _add(agent, "linkingAgentIdentifierType", "local")
    _add(agent, "linkingAgentIdentifierValue", AGENT)
    for path, role in objects:
        linked = _add(event, "linkingObjectIdentifier")
        _add(linked, "linkingObjectIdentifierType", "local")
        _add(linked, "linkingObjectIdentifierValue", path)
        _add(linked, "linkingObjectRole", role)


def package_premis(
    files: Sequence[PackedFile], *, created: datetime.datetime, version: str
) -> bytes:
    root = etree.Element(P + "premis", nsmap={"premis": PREMIS_NS, "xsi": XSI_NS})
    root.set("version", "3.0")
    for packed in files:
        item = _add(root, "object")
        item.set(f"{{{XSI_NS}}}type", "premis:file")
        _identifier(item, "objectIdentifier", "local", packed.path)
        characteristics = _add(item, "objectCharacteristics")
        _add(characteristics, "compositionLevel", "0")
        fixity = _add(characteristics, "fixity")
        _add(fixity, "messageDigestAlgorithm", "SHA-256")
        _add(fixity, "messageDigest", packed.sha256)
        _add(characteristics, "size", str(packed.size))
        designation = _add(_add(characteristics, "format"), "formatDesignation")
        _add(designation, "formatName", packed.content_type)
        _add(item, "originalName", packed.name)
    number = 1
    _event(root, number, "creation", created, "Informationspaket skapat av Kansli (FGS 2.0)", [])
    for packed in files:
        if packed.rendition_of:
            number += 1
            _event(root, number, "migration", created,
                   "Omvandlad till PDF/A-2b med LibreOffice headless; originalet ligger kvar",
                   [(packed.rendition_of, "source"), (packed.path, "outcome")])  # fmt: skip
    agent = _add(root, "agent")
    _identifier(agent, "agentIdentifier", "local", AGENT)
    _add(agent, "agentName", AGENT)
    _add(agent, "agentType", "software")
    _add(agent, "agentVersion", version)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
