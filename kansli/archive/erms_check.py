"""Checking an ERMS document against the standard: ERMS.xsd 2.1.2 (lxml) and the
ERMS Schematron (erms.sch, queryBinding xslt2), whose rules Saxon evaluates as XPath
3.1 (saxonche): for each pattern, each node is tried against the first rule whose
context it matches, and each failed assert is a finding with the rule's text.

The parser reads no DTD, entity or network resource: a package comes from outside."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
SCH_NS = {"sch": "http://purl.oclc.org/dsdl/schematron"}


@dataclass(frozen=True)
class Finding:
    """One thing a check found wrong: which check, which rule, where and what."""

    check: str
    rule: str
    location: str
    message: str


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "ERMS.xsd"), safe_parser()))


@dataclass(frozen=True)
class _Rule:
    pattern: str
    context: str
    asserts: tuple[tuple[str, str], ...]  # (test, message)


@cache
def _rules() -> tuple[dict[str, str], tuple[_Rule, ...]]:
    tree = etree.parse(str(SCHEMAS / "erms.sch"), safe_parser())
    namespaces = {
        ns.get("prefix"): ns.get("uri") for ns in tree.xpath("//sch:ns", namespaces=SCH_NS)
    }
    rules = []
    for pattern in tree.xpath("//sch:pattern", namespaces=SCH_NS):
        for rule in pattern.xpath("sch:rule", namespaces=SCH_NS):
            asserts = tuple(
                (a.get("test"), " ".join("".join(a.itertext()).split()))
                for a in rule.xpath("sch:assert", namespaces=SCH_NS)
            )
            rules.append(_Rule(pattern.get("id", ""), rule.get("context"), asserts))
    return namespaces, tuple(rules)


def check_erms(path: Path) -> list[Finding]:
    """Findings of the XML Schema and the Schematron for the ERMS file at path."""
    try:
        document = etree.parse(str(path), safe_parser())
    except (OSError, etree.XMLSyntaxError) as error:
        return [Finding("ERMS.xsd", "well-formed", path.name, str(error))]
    if document.docinfo.doctype or document.docinfo.internalDTD is not None:
        # A DTD could make the Schematron's parser fetch files or addresses (XXE).
        return [Finding("ERMS.xsd", "DOCTYPE", path.name, "ERMS får inte ha en DOCTYPE.")]
    schema = _schema()
    if not schema.validate(document):
        return [
            Finding("ERMS.xsd", error.type_name, f"{path.name}:{error.line}", error.message)
            for error in schema.error_log
        ]
    return _schematron(etree.tostring(document.getroot(), encoding="unicode"))


RENEW_AFTER = 25  # checks per Saxon processor


class _Saxon:
    """A Saxon processor, replaced by a new one after RENEW_AFTER checks. What Saxon
    makes for a check (documents, compiled expressions, results) stays in its heap until
    the processor that made it goes: with one processor for a whole export the process
    grew by about 15 MB every 100 checks; replaced every 25 checks it stays level (and
    a new processor costs less than a check)."""

    processor: Any = None
    checks = 0

    def get(self) -> Any:
        if self.processor is None or self.checks >= RENEW_AFTER:
            from saxonche import PySaxonProcessor  # the JVM-free Saxon, loaded when needed

            self.processor, self.checks = PySaxonProcessor(license=False), 0
        self.checks += 1
        return self.processor


_SAXON = _Saxon()


def _schematron(text: str) -> list[Finding]:
    """Saxon reads lxml's serialisation, never the file: no DTD, no entity, no URL."""
    namespaces, rules = _rules()
    findings = []
    saxon = _SAXON.get()
    xpath = saxon.new_xpath_processor()
    for prefix, uri in namespaces.items():
        xpath.declare_namespace(prefix, uri)
    document = saxon.parse_xml(xml_text=text)
    tried: dict[str, set[str]] = {}
    for rule in rules:
        xpath.set_context(xdm_item=document)
        matched = xpath.evaluate(
            f"//{rule.context}" if not rule.context.startswith("/") else rule.context
        )
        if matched is None:
            continue
        seen = tried.setdefault(rule.pattern, set())
        for node in matched:
            xpath.set_context(xdm_item=node)
            key = xpath.evaluate_single("path(.)").get_string_value()
            if key in seen:
                continue  # an earlier rule of the pattern took this node
            seen.add(key)
            for test, message in rule.asserts:
                if not xpath.effective_boolean_value(test):
                    findings.append(Finding("erms.sch", rule.context, key, message))
    return findings
