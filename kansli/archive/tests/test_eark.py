"""kansli.archive.eark: the real eark-validator, offline in its own virtualenv
(`make .venv-eark/.installed`), on a minimal valid E-ARK SIP (CSIP 2.1.0 + SIP 2.1.0)
built here, and on broken copies of it. No mocks."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from lxml import etree

from kansli.archive import eark

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
M, XL, CSIP = f"{{{METS_NS}}}", f"{{{XLINK_NS}}}", f"{{{CSIP_NS}}}"
NSMAP = {"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS, "sip": SIP_NS}
OBJID = "sip-kansli-eark-test"
CREATED = "2024-05-17T10:00:00+02:00"

FILES = {
    "metadata/descriptive/dc.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        b' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        b"  <dc:title>Bygglov Storgatan 1</dc:title>\n"
        b"  <dc:identifier>BN 2023/17</dc:identifier>\n"
        b"</oai_dc:dc>\n"
    ),
    "metadata/preservation/premis.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<premis xmlns="http://www.loc.gov/premis/v3" version="3.0">\n'
        b"  <event><eventType>creation</eventType></event>\n"
        b"</premis>\n"
    ),
    "documentation/om-paketet.txt": "Paketet innehåller ett ärende.\n".encode(),
    "schemas/dc.xsd": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        b' targetNamespace="http://purl.org/dc/elements/1.1/"/>\n'
    ),
    "representations/rep1/data/beslut.txt": b"Bygglov beviljas.\n",
}
MIME = {".xml": "text/xml", ".xsd": "application/xml", ".txt": "text/plain"}


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _listed(folder: Path, href: str) -> dict[str, str]:
    """The attributes METS gives a file: size, creation time, type and SHA-256."""
    data = (folder / href).read_bytes()
    return {
        "MIMETYPE": MIME[Path(href).suffix],
        "SIZE": str(len(data)),
        "CREATED": CREATED,
        "CHECKSUM": hashlib.sha256(data).hexdigest().upper(),
        "CHECKSUMTYPE": "SHA-256",
    }


def _link(element: etree._Element, href: str, **extra: str) -> None:
    element.set(XL + "type", "simple")
    element.set(XL + "href", href)
    for name, value in extra.items():
        element.set(XL + name, value)


def _file(group: etree._Element, ident: str, folder: Path, href: str) -> None:
    item = _add(group, M + "file", ID=ident, **_listed(folder, href))
    _link(_add(item, M + "FLocat", LOCTYPE="URL"), href)


def _mets(objid: str) -> etree._Element:
    """A METS root with the SIP profile and the agents CSIP and SIP ask for: Kansli as
    software (CSIP10-16) and the archive creator with its organisation number (SIP9-14)."""
    root = etree.Element(M + "mets", nsmap=NSMAP)
    root.set("OBJID", objid)
    root.set("LABEL", "Bygglov Storgatan 1")
    root.set("TYPE", "Mixed")
    root.set(CSIP + "CONTENTINFORMATIONTYPE", "citserms_v2_1")
    root.set("PROFILE", "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml")
    header = _add(root, M + "metsHdr", CREATEDATE=CREATED, LASTMODDATE=CREATED)
    header.set(CSIP + "OAISPACKAGETYPE", "SIP")
    software = _add(header, M + "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _add(software, M + "name", "Kansli")
    _add(software, M + "note", "1.0").set(CSIP + "NOTETYPE", "SOFTWARE VERSION")
    creator = _add(header, M + "agent", ROLE="CREATOR", TYPE="ORGANIZATION")
    _add(creator, M + "name", "Exempla kommun, byggnadsnämnden")
    _add(creator, M + "note", "212000-0000").set(CSIP + "NOTETYPE", "IDENTIFICATIONCODE")
    return root


def _save(root: etree._Element, path: Path) -> None:
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def build_sip(parent: Path) -> Path:
    """A minimal valid E-ARK SIP: root METS with descriptive (DC) and preservation (PREMIS)
    metadata, documentation, a schema, and one representation with its own METS."""
    package = parent / OBJID  # the root folder is named as the OBJID (CSIPSTR2)
    for href, data in FILES.items():
        (package / href).parent.mkdir(parents=True, exist_ok=True)
        (package / href).write_bytes(data)

    rep = package / "representations/rep1"
    mets = _mets("rep1")
    group = _add(_add(mets, M + "fileSec", ID="filesec-rep1"), M + "fileGrp", ID="grp-data")
    group.set("USE", "Data")
    _file(group, "file-1", rep, "data/beslut.txt")
    top = _add(_add(mets, M + "structMap", ID="struct-rep1", TYPE="PHYSICAL", LABEL="CSIP"),
               M + "div", ID="div-rep1", LABEL="rep1")  # fmt: skip
    _add(_add(top, M + "div", ID="div-data", LABEL="Data"), M + "fptr", FILEID="file-1")
    _save(mets, rep / "METS.xml")

    mets = _mets(OBJID)
    dmd = _add(mets, M + "dmdSec", ID="dmd-dc", CREATED=CREATED, STATUS="CURRENT")
    _link(_add(dmd, M + "mdRef", LOCTYPE="URL", MDTYPE="DC",
               **_listed(package, "metadata/descriptive/dc.xml")),
          "metadata/descriptive/dc.xml")  # fmt: skip
    digiprov = _add(_add(mets, M + "amdSec"), M + "digiprovMD", ID="digiprov-premis")
    digiprov.set("STATUS", "CURRENT")
    _link(_add(digiprov, M + "mdRef", LOCTYPE="URL", MDTYPE="PREMIS",
               **_listed(package, "metadata/preservation/premis.xml")),
          "metadata/preservation/premis.xml")  # fmt: skip
    files = _add(mets, M + "fileSec", ID="filesec")
    docs = _add(files, M + "fileGrp", ID="grp-documentation", USE="Documentation")
    _file(docs, "documentation-1", package, "documentation/om-paketet.txt")
    schemas = _add(files, M + "fileGrp", ID="grp-schemas", USE="Schemas")
    _file(schemas, "schema-1", package, "schemas/dc.xsd")
    reps = _add(files, M + "fileGrp", ID="grp-rep1", USE="Representations/rep1")
    reps.set(CSIP + "CONTENTINFORMATIONTYPE", "citserms_v2_1")
    _file(reps, "rep1-mets", package, "representations/rep1/METS.xml")

    struct = _add(mets, M + "structMap", ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP")
    top = _add(struct, M + "div", ID="div-package", LABEL=OBJID)
    _add(top, M + "div", ID="div-metadata", LABEL="Metadata", DMDID="dmd-dc",
         ADMID="digiprov-premis")  # fmt: skip
    _add(_add(top, M + "div", ID="div-documentation", LABEL="Documentation"), M + "fptr",
         FILEID="documentation-1")  # fmt: skip
    _add(_add(top, M + "div", ID="div-schemas", LABEL="Schemas"), M + "fptr", FILEID="schema-1")
    content = _add(top, M + "div", ID="div-representations", LABEL="Representations")
    _add(content, M + "fptr", FILEID="rep1-mets")
    division = _add(top, M + "div", ID="div-rep1", LABEL="Representations/rep1")
    _link(_add(division, M + "mptr", LOCTYPE="URL"), "representations/rep1/METS.xml",
          title="grp-rep1")  # fmt: skip
    _save(mets, package / "METS.xml")
    return package


def _edit_mets(package: Path, change: str) -> None:
    """Apply one broken detail to the root METS: change is an XPath to remove."""
    path = package / "METS.xml"
    tree = etree.parse(str(path))
    for node in tree.xpath(change, namespaces={"mets": METS_NS, "csip": CSIP_NS}):
        if isinstance(node, etree._Element):
            node.getparent().remove(node)
        else:  # an attribute
            del node.getparent().attrib[node.attrname]
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def sip(tmp_path: Path) -> Path:
    return build_sip(tmp_path)


def test_a_valid_sip_passes_apart_from_the_known_false_positives(sip: Path) -> None:
    result = eark.check_package(sip)
    assert result.ok, result.errors
    assert (result.structure, result.schema) == ("WellFormed", "VALID")
    # All five fire on this correct package, which is what makes them false positives;
    # eark-validator's own Schematron verdict is INVALID because of them alone.
    assert {f.rule_id for f in result.ignored} == set(eark.KNOWN_FALSE_POSITIVES)
    assert result.schematron == "INVALID"
    assert all(f.rule_id and f.message for f in result.ignored)


def test_a_package_without_its_mets_is_not_wellformed(sip: Path) -> None:
    (sip / "METS.xml").unlink()
    result = eark.check_package(sip)
    assert not result.ok
    assert result.structure == "NotWellFormed"
    assert "CSIPSTR4" in {f.rule_id for f in result.errors}
    assert result.schema == ""  # the structure stopped it before the metadata


def test_a_representation_without_its_mets_is_only_warned_about(sip: Path) -> None:
    # CSIPSTR12 is a SHOULD: eark-validator warns, and does not follow the root METS'
    # pointer to the missing file (kansli.archive.reader does).
    (sip / "representations/rep1/METS.xml").unlink()
    result = eark.check_package(sip)
    assert "CSIPSTR12" in {f.rule_id for f in result.warnings}
    assert result.ok


def test_a_wrong_checksum_is_not_eark_validators_business(sip: Path) -> None:
    # eark-validator 1.1.3 reads CHECKSUM but never compares it with the bytes (its
    # --checksum flag does nothing): fixity is kansli.archive.reader's check.
    (sip / "metadata/descriptive/dc.xml").write_bytes(FILES["metadata/descriptive/dc.xml"][:-2])
    assert eark.check_package(sip).ok


def test_a_missing_checksum_stops_the_validator(sip: Path) -> None:
    # eark-validator 1.1.3 reads every file's CHECKSUM before its Schematron could report
    # CSIP71, and fails with a KeyError: no report, so no verdict, but an exception.
    _edit_mets(sip, "//mets:fileGrp[@USE='Documentation']/mets:file/@CHECKSUM")
    with pytest.raises(eark.EarkFailed, match="KeyError: 'CHECKSUM'"):
        eark.check_package(sip)


def test_sip14_as_the_validator_writes_it_needs_a_schema_invalid_mets(sip: Path) -> None:
    # SIP14 tests an unprefixed @NOTETYPE on every CREATOR agent's note; METS allows only
    # attributes of other namespaces on note (csip:NOTETYPE), so meeting it breaks mets.xsd.
    path = sip / "METS.xml"
    tree = etree.parse(str(path))
    for note in tree.xpath("//mets:agent[@ROLE='CREATOR']/mets:note", namespaces=NSMAP):
        note.set("NOTETYPE", "IDENTIFICATIONCODE")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = eark.check_package(sip)
    assert "SIP14" not in {f.rule_id for f in result.findings}
    assert result.schema == "INVALID"
    assert not result.ok


def test_a_broken_software_agent_is_not_excused_as_a_false_positive(sip: Path) -> None:
    # CSIP13 is set aside only when the software agent really has OTHERTYPE=SOFTWARE.
    _edit_mets(sip, "//mets:agent[@TYPE='OTHER']/@OTHERTYPE")
    result = eark.check_package(sip)
    assert not result.ok
    assert "CSIP13" in {f.rule_id for f in result.errors}
    assert "CSIP13" not in {f.rule_id for f in result.ignored}


def test_an_untyped_identification_code_is_not_excused(sip: Path) -> None:
    _edit_mets(sip, "//mets:agent[@TYPE='ORGANIZATION']/mets:note/@csip:NOTETYPE")
    result = eark.check_package(sip)
    assert not result.ok
    assert "SIP14" in {f.rule_id for f in result.errors}


def test_a_package_without_a_structural_map_fails_the_schematron(sip: Path) -> None:
    _edit_mets(sip, "//mets:structMap")
    result = eark.check_package(sip)
    assert not result.ok
    assert "CSIP80" in {f.rule_id for f in result.errors}


def test_a_missing_validator_says_how_to_install_it(sip: Path, tmp_path: Path) -> None:
    with (
        override_settings(KANSLI_EARK_PYTHON=str(tmp_path / "no-venv/bin/python")),
        pytest.raises(eark.EarkUnavailable, match=r"make \.venv-eark/\.installed"),
    ):
        eark.check_package(sip)


def test_the_default_validator_is_the_checkouts_venv() -> None:
    with override_settings(KANSLI_EARK_PYTHON=""):
        python = eark.validator_python()
    assert python == Path(eark.__file__).resolve().parents[2] / ".venv-eark/bin/python"


OPENER_PROBE = """
import socket, sys, urllib.error, urllib.request
sys.path.insert(0, sys.argv[1])
import eark_offline
eark_offline.install_offline_opener()
url = "https://earkcsip.dilcis.eu/schema/CSIPVocabularyStatus.xml"
local = eark_offline.vocabulary_folder() / "CSIPVocabularyStatus.xml"
assert urllib.request.urlopen(url).read() == local.read_bytes()
for url in sys.argv[2:]:
    try:
        urllib.request.urlopen(url)
    except urllib.error.URLError as refused:
        print("refused", refused.reason)
    else:
        print("fetched", url)
try:
    socket.create_connection(("example.org", 443), timeout=5)
except OSError as refused:
    print("socket", refused)
"""


def test_the_script_answers_the_vocabularies_locally_and_refuses_the_network() -> None:
    others = [
        "https://example.org/",
        "https://earkcsip.dilcis.eu/schema/DILCISExtensionMETS.xsd",
        "http://earkcsip.dilcis.eu/schema/CSIPVocabularyStatus.xml",
    ]
    done = subprocess.run(
        [str(eark.validator_python()), "-I", "-c", OPENER_PROBE, str(eark.SCRIPT.parent), *others],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["refused"] * 3 + ["socket"]
    for url, line in zip(others, lines, strict=False):
        assert f"refusing to fetch {url}" in line
    assert "network connections are refused" in lines[-1]


@pytest.mark.parametrize("args", [[], ["a", "b"], ["--help"], [__file__]])
def test_the_script_exits_2_on_a_usage_error(args: list[str]) -> None:
    done = subprocess.run(
        [str(eark.validator_python()), "-I", str(eark.SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "usage: python eark_offline.py PACKAGE_DIR" in done.stderr


def test_the_script_prints_only_json(sip: Path) -> None:
    done = subprocess.run(
        [str(eark.validator_python()), "-I", str(eark.SCRIPT), str(sip)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{") and done.stdout.rstrip().endswith("}")
    assert json.loads(done.stdout)["structure"]["status"] == "WellFormed"


def test_rules_compiled_once_judge_each_package_of_a_run_alone(tmp_path: Path) -> None:
    # eark_offline compiles each profile's Schematron once per run and gives it every
    # package: a broken package between two valid ones fails alone, and the one after
    # it gets the verdict it gets alone.
    first, broken, last = (build_sip(tmp_path / name) for name in ("a", "b", "c"))
    _edit_mets(broken, "//mets:structMap")
    results = eark.check_packages([first, broken, last])
    assert all(isinstance(result, eark.EarkResult) for result in results)
    verdicts = [result for result in results if isinstance(result, eark.EarkResult)]
    assert [result.ok for result in verdicts] == [True, False, True]
    assert "CSIP80" in {f.rule_id for f in verdicts[1].errors}
    assert "CSIP80" not in {f.rule_id for f in verdicts[2].findings}
    assert verdicts[2].findings == eark.check_package(last).findings


def test_one_validator_process_serves_a_run_batch_after_batch(tmp_path: Path) -> None:
    first, broken = build_sip(tmp_path / "a"), build_sip(tmp_path / "b")
    _edit_mets(broken, "//mets:structMap")
    missing = tmp_path / "saknas"
    with eark.Validator() as validator:
        one = validator.submit([first])
        two = validator.submit([broken, missing])  # before the first batch is read
        assert [isinstance(r, eark.EarkResult) and r.ok for r in one.results()] == [True]
        found = two.results()
    assert isinstance(found[0], eark.EarkResult)
    assert "CSIP80" in {f.rule_id for f in found[0].errors}
    assert found[1] == f"{missing} is not a directory"
    assert validator.process.returncode == 0  # it ended when its input did
