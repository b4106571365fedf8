"""A package against E-ARK CSIP 2.1.0 and SIP 2.1.0 with eark-validator (PyPI, 1.1.3).

eark-validator pins lxml 5.1.0, which pyhanko in Kansli's virtualenv cannot share, so it
lives in a virtualenv of its own (`make .venv-eark/.installed`, or the Python that
KANSLI_EARK_PYTHON names) and runs there as a subprocess: eark_offline.py beside this
module, which keeps it offline and prints its report as JSON.

Five of its Schematron rules fail on every correct SIP (KNOWN_FALSE_POSITIVES, see
kansli/archive/README.md). Their findings are set aside, and named, only when the
package meets the rule as the specification words it (CORRECTED_RULES); otherwise they
stay errors."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from lxml import etree

SCRIPT = Path(__file__).with_name("eark_offline.py")
TIMEOUT_SECONDS = 300
INSTALL = "make .venv-eark/.installed"

ERROR, WARNING = "Error", "Warn"  # eark-validator's severities (Info is left out)
WELLFORMED, VALID = "WellFormed", "VALID"  # its structure and metadata statuses

KNOWN_FALSE_POSITIVES: dict[str, str] = {
    "CSIP12": (
        "Regeln kräver TYPE=OTHER av varje agent med ROLE=CREATOR; CSIP12 gäller bara den "
        "obligatoriska programvaruagenten och SIP:ens organisationsagent får finnas bredvid / "
        "demands TYPE=OTHER of every CREATOR agent; CSIP12 binds only the mandatory software "
        "agent, and the SIP's organisation agent (TYPE=ORGANIZATION) is allowed beside it"
    ),
    "CSIP13": (
        "Samma fel som CSIP12, för OTHERTYPE=SOFTWARE: organisationsagenten är ingen programvara "
        "/ same mistake as CSIP12, for OTHERTYPE=SOFTWARE: the organisation agent is no software"
    ),
    "CSIP16": (
        "Samma fel som CSIP12: en not SOFTWARE VERSION krävs av varje CREATOR-agent, men "
        "organisationens not är en IDENTIFICATIONCODE (SIP14) / same mistake: a SOFTWARE "
        "VERSION note demanded of every CREATOR agent; the organisation's note is an "
        "IDENTIFICATIONCODE, as SIP14 wants"
    ),
    "SIP14": (
        "Regeln testar @NOTETYPE utan namnrymd, som METS inte tillåter på note (attributet är "
        "csip:NOTETYPE), och på varje CREATOR-agents not, även programvarans / tests an "
        "unprefixed @NOTETYPE, which mets.xsd forbids on note (the attribute is csip:NOTETYPE), "
        "on every CREATOR agent's note, the software agent's included"
    ),
    "CSIP63": (
        "Testets andra gren (\"!= 'OTHER'\" och attributet saknas) kan aldrig vara sann, så varje "
        "fileGrp utan värdet OTHER underkänns; CSIP63 är ett MAY om fileGrp med OTHER / the "
        "test's second branch can never hold, so every fileGrp not marked OTHER fails; CSIP63 "
        "is a MAY about fileGrp marked OTHER only"
    ),
}

_AGENTS = "/mets:mets/mets:metsHdr/mets:agent"
_SOFTWARE = f"{_AGENTS}[@ROLE='CREATOR'][@TYPE='OTHER'][@OTHERTYPE='SOFTWARE']"
# Each known false positive's rule as CSIP/SIP 2.1.0 word it, as XPath on the root METS.
CORRECTED_RULES: dict[str, str] = {
    "CSIP12": f"{_AGENTS}[@ROLE='CREATOR'][@TYPE='OTHER']",
    "CSIP13": _SOFTWARE,
    "CSIP16": f"{_SOFTWARE}/mets:note[@csip:NOTETYPE='SOFTWARE VERSION']",
    "SIP14": (
        f"{_AGENTS}[@TYPE='ORGANIZATION' or @TYPE='INDIVIDUAL']"
        "/mets:note[@csip:NOTETYPE='IDENTIFICATIONCODE']"
    ),
    "CSIP63": (
        "not(/mets:mets/mets:fileSec/mets:fileGrp"
        "[@csip:CONTENTINFORMATIONTYPE='OTHER'][not(@csip:OTHERCONTENTINFORMATIONTYPE)])"
    ),
}
NAMESPACES = {
    "mets": "http://www.loc.gov/METS/",
    "csip": "https://DILCIS.eu/XML/METS/CSIPExtensionMETS",
}


class EarkUnavailable(RuntimeError):
    """The validator's virtualenv is not installed."""


class EarkFailed(RuntimeError):
    """The validator ran but gave no report."""


@dataclass(frozen=True)
class EarkFinding:
    rule_id: str
    severity: str  # "Error" or "Warn"
    message: str
    location: str


@dataclass
class EarkResult:
    """eark-validator's verdict: the statuses it reports, its errors and warnings, and
    which of its errors are known false positives for this package."""

    structure: str  # "WellFormed" or "NotWellFormed"
    schema: str  # "VALID", "INVALID", or "" when the structure stopped it
    schematron: str
    findings: list[EarkFinding] = field(default_factory=list)
    false_positives: frozenset[str] = frozenset()  # rule ids set aside for this package

    @property
    def errors(self) -> list[EarkFinding]:
        return [
            f
            for f in self.findings
            if f.severity == ERROR and f.rule_id not in self.false_positives
        ]

    @property
    def ignored(self) -> list[EarkFinding]:
        return [
            f for f in self.findings if f.severity == ERROR and f.rule_id in self.false_positives
        ]

    @property
    def warnings(self) -> list[EarkFinding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return self.structure == WELLFORMED and self.schema == VALID and not self.errors


def validator_python() -> Path:
    """The Python of eark-validator's virtualenv."""
    configured = settings.KANSLI_EARK_PYTHON
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / ".venv-eark" / "bin" / "python"


def check_package(path: Path) -> EarkResult:
    """Validate the package folder at path (CSIP and SIP 2.1.0)."""
    found = check_packages([path])[0]
    if isinstance(found, str):
        raise EarkFailed(f"eark-validator misslyckades på {path}: {found}")
    return found


def check_packages(paths: list[Path]) -> list[EarkResult | str]:
    """Validate many package folders in one validator process (its start costs more
    than a package): a result per package, in order, or the validator's error on it."""
    return start_packages(paths).results()


def start_packages(paths: list[Path], validator: Validator | None = None) -> Running | Queued:
    """Start the validator on the packages and return at once (the export writes the
    next packages meanwhile); results() waits for it. With `validator`, the packages go
    to that running process instead of a new one."""
    if validator is not None:
        return validator.submit(paths)
    return Running(_python(), paths)


def _python() -> Path:
    python = validator_python()
    if not python.is_file():
        raise EarkUnavailable(
            f"eark-validator saknas ({python} finns inte): installera det med `{INSTALL}` "
            f"eller ange dess Python i KANSLI_EARK_PYTHON / eark-validator is not installed "
            f"({python} does not exist): install it with `{INSTALL}` or name its Python in "
            "KANSLI_EARK_PYTHON"
        )
    return python


class Running:
    """A validator process at work on packages. Its output goes to temporary files, not
    pipes, so that it never waits for a reader while the export writes."""

    def __init__(self, python: Path, paths: list[Path]) -> None:
        self.paths = paths
        self.timeout = TIMEOUT_SECONDS + 10 * len(paths)
        self.out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in results()
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in results()
        self.process = subprocess.Popen(
            [str(python), "-I", str(SCRIPT), *(str(path) for path in paths)],
            stdout=self.out, stderr=self.err,
        )  # fmt: skip

    def results(self) -> list[EarkResult | str]:
        try:
            code = self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            self.process.wait()
            raise EarkFailed(
                f"eark-validator gav inget svar på {self.timeout} s: {self.paths[0]} …"
            ) from exc
        finally:
            self.out.seek(0)
            self.err.seek(0)
            stdout = self.out.read().decode("utf-8", "replace")
            stderr = self.err.read().decode("utf-8", "replace")
            self.out.close()
            self.err.close()
        if code != 0:
            raise EarkFailed(
                f"eark-validator misslyckades (kod {code}) på {self.paths[0]}: "
                f"{stderr.strip()[-2000:]}"
            )
        return _parse(self.paths, stdout)


class Validator:
    """One validator process for a whole run (`eark_offline.py --serve`): starting one
    and compiling its rules costs more than checking a few packages. Package folders go
    to its stdin a batch at a time; a thread reads its reports as it prints them, so
    it never waits for the export to read. Close it when the run is done (a with
    block)."""

    def __init__(self) -> None:
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [str(_python()), "-I", str(SCRIPT), "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.decode("utf-8", "replace"))
        self.lines.put(None)  # the process is gone

    def submit(self, paths: list[Path]) -> Queued:
        assert self.process.stdin is not None
        if any("\n" in str(path) for path in paths):
            raise EarkFailed(f"eark-validator tar inte emot en sökväg med radbrytning: {paths}")
        try:
            self.process.stdin.write(b"".join(os.fsencode(path) + b"\n" for path in paths))
            self.process.stdin.flush()
        except BrokenPipeError as exc:
            raise EarkFailed(f"eark-validator har slutat: {self._stderr()}") from exc
        return Queued(self, paths)

    def reports(self, paths: list[Path]) -> list[EarkResult | str]:
        """The next reports, one for each of paths (submitted in that order)."""
        lines = []
        for path in paths:
            try:
                line = self.lines.get(timeout=TIMEOUT_SECONDS)
            except queue.Empty as exc:
                raise EarkFailed(
                    f"eark-validator gav inget svar på {TIMEOUT_SECONDS} s: {path}"
                ) from exc
            if line is None:
                self.lines.put(None)  # and for any later call
                raise EarkFailed(f"eark-validator slutade vid {path}: {self._stderr()}")
            lines.append(line)
        return _parse(paths, "".join(lines))

    def _stderr(self) -> str:
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace").strip()[-2000:]

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()  # it ends when its input does
        try:
            self.process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.err.close()

    def __enter__(self) -> Validator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Queued:
    """Packages handed to a Validator; results() waits for their reports."""

    validator: Validator
    paths: list[Path]

    def results(self) -> list[EarkResult | str]:
        return self.validator.reports(self.paths)


def _parse(paths: list[Path], stdout: str) -> list[EarkResult | str]:
    lines = stdout.splitlines()
    if len(lines) != len(paths):
        raise EarkFailed(f"eark-validator gav {len(lines)} rapporter för {len(paths)} paket")
    results: list[EarkResult | str] = []
    for path, line in zip(paths, lines, strict=True):
        try:
            report = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EarkFailed(f"eark-validator gav ingen JSON-rapport för {path}") from exc
        if "eark_offline_error" in report:
            results.append(str(report["eark_offline_error"]))
        else:
            results.append(_result(report, Path(path) / "METS.xml"))
    return results


def _result(report: dict[str, Any], mets: Path) -> EarkResult:
    structure = report.get("structure") or {}
    metadata = report.get("metadata") or {}
    schema = metadata.get("schema_results") or {}
    schematron = metadata.get("schematron_results") or {}
    findings = [
        EarkFinding(
            rule_id=str(message.get("rule_id") or ""),
            severity=message.get("severity"),
            message=str(message.get("message") or ""),
            location=str(message.get("location") or ""),
        )
        for part in (structure, schema, schematron)
        for message in part.get("messages") or []
        if message.get("severity") in (ERROR, WARNING)
    ]
    reported = {f.rule_id for f in findings if f.severity == ERROR}
    return EarkResult(
        structure=str(structure.get("status") or ""),
        schema=str(schema.get("status") or ""),
        schematron=str(schematron.get("status") or ""),
        findings=findings,
        false_positives=_false_positives(reported & KNOWN_FALSE_POSITIVES.keys(), mets),
    )


def _false_positives(rule_ids: set[str], mets: Path) -> frozenset[str]:
    """The rules among rule_ids that the package meets as the specification words them."""
    if not rule_ids:
        return frozenset()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(mets), parser).getroot()
    except (OSError, etree.XMLSyntaxError):
        return frozenset()  # nothing to set them aside by: they stay errors
    return frozenset(
        rule for rule in rule_ids if bool(root.xpath(CORRECTED_RULES[rule], namespaces=NAMESPACES))
    )
