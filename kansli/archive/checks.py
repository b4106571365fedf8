"""Every check a package passes before it is declared done (export) or read (import),
and what `kansli archive validate DIR` prints:

1. fixity: every file METS lists is there with its size and SHA-256, nothing in the
   data is unlisted, no reference leaves the package (kansli.archive.reader);
2. ERMS: the case's metadata against ERMS.xsd and its Schematron
   (kansli.archive.erms_check, saxonche);
3. E-ARK: the package against CSIP 2.1.0 and SIP 2.1.0 with eark-validator, run
   offline in its own virtualenv, with its known false positives set aside and
   named (kansli.archive.eark)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kansli.archive import eark
from kansli.archive.erms_check import Finding, check_erms
from kansli.archive.reader import Package, Refused, read_package


@dataclass
class Report:
    """The findings for one package; ok when there are none."""

    package: Path
    findings: list[Finding] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)  # eark-validator's false positives
    read: Package | None = None  # as the fixity check read it, for an import to use

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        head = f"{self.package.name}: {'godkänt' if self.ok else 'underkänt'}"
        found = [f"  FEL {f.check} {f.rule} ({f.location}): {f.message}" for f in self.findings]
        known = [f"  känt falsklarm {f.check} {f.rule}: {f.message}" for f in self.ignored]
        return [head, *found, *known]


def check_package(folder: Path, *, with_eark: bool = True) -> Report:
    return check_packages([folder], with_eark=with_eark)[0]


def check_packages(folders: list[Path], *, with_eark: bool = True) -> list[Report]:
    """A report per package, in order; eark-validator runs once for all of them."""
    return start_checks(folders, with_eark=with_eark).collect()


@dataclass
class Checking:
    """Packages whose fixity and ERMS are checked, with eark-validator still at work."""

    reports: list[Report]
    readable: list[Report]
    running: eark.Running | eark.Queued | None

    def collect(self) -> list[Report]:
        if self.running is None:
            return self.reports
        for report, result in zip(self.readable, self.running.results(), strict=True):
            if isinstance(result, str):
                report.findings.append(Finding("eark-validator", "-", report.package.name, result))
                continue
            report.findings += [
                Finding("eark-validator", f.rule_id, f.location, f.message) for f in result.errors
            ]
            report.ignored += [
                Finding(
                    "eark-validator", f.rule_id, f.location, eark.KNOWN_FALSE_POSITIVES[f.rule_id]
                )
                for f in result.ignored
            ]
        return self.reports


def start_checks(
    folders: list[Path], *, with_eark: bool = True,
    hashed: Sequence[Mapping[str, tuple[str, int]]] | None = None,
    validator: eark.Validator | None = None,
) -> Checking:  # fmt: skip
    """Check fixity and ERMS now, and start eark-validator on what can be read; the
    export writes the next packages while it works (Checking.collect waits). `hashed`:
    for each package, the SHA-256 and size of files its writer hashed as it wrote them
    (kansli.archive.package.Written.hashed), which are not read again; `validator`: an
    eark-validator process kept for a whole run (else one is started for these)."""
    reports = [Report(folder) for folder in folders]
    for number, report in enumerate(reports):
        try:
            report.read = read_package(report.package, hashed[number] if hashed else None)
        except Refused as refused:
            report.findings.append(Finding("fixity", "METS", report.package.name, str(refused)))
            continue  # the other checks would read what is not there
        # The ERMS file the import reads (METS's mdRef), checked by the fixity check to
        # be a plain file in the package.
        report.findings += check_erms(report.package / report.read.erms_path)
    readable = [r for r in reports if not any(f.check == "fixity" for f in r.findings)]
    running = (
        eark.start_packages([r.package for r in readable], validator)
        if with_eark and readable
        else None
    )
    return Checking(reports, readable, running)
