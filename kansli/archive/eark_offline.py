"""Run eark-validator on one package directory without going online.

Run by the validator's own virtualenv (never Kansli's: eark-validator pins lxml 5.1.0),
as `python eark_offline.py PACKAGE_DIR`; kansli.archive.eark starts it. Standard library
and eark_validator only, no Django.

eark-validator 1.1.3 downloads four CSIP vocabularies with urllib when it is imported
(eark_validator/ipxml/schematron.py). Identical copies ship inside the package
(eark_validator/ipxml/resources/vocabs/), so before the import an opener is installed
that answers https://earkcsip.dilcis.eu/schema/CSIPVocabulary*.xml from those copies
and refuses every other URL, and sockets refuse to connect: the check never leaves the
machine.

Prints only the validation report as JSON on stdout (CSIP and SIP 2.1.0). Exit 0 when
there is a report (the package may still be invalid: read the report), 2 on a usage
error, 1 when the validator failed (the reason on stderr)."""

from __future__ import annotations

import contextlib
import email.message
import importlib.util
import io
import json
import os
import socket
import sys
import traceback
import urllib.error
import urllib.request
import urllib.response
from pathlib import Path

VOCABULARY_BASE = "https://earkcsip.dilcis.eu/schema/"
VOCABULARY_PREFIX = "CSIPVocabulary"
SPECIFICATION = "V2.1.0"
USAGE = "usage: python eark_offline.py PACKAGE_DIR [PACKAGE_DIR ...] | --serve"


class NetworkRefused(urllib.error.URLError):
    """A URL the offline validator will not fetch."""


def vocabulary_folder() -> Path:
    """eark_validator's bundled vocabularies, found without importing it (the import is
    what fetches them)."""
    spec = importlib.util.find_spec("eark_validator")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("eark_offline: eark_validator is not installed in this Python")
    return Path(next(iter(spec.submodule_search_locations))) / "ipxml" / "resources" / "vocabs"


def local_copy(url: str, folder: Path) -> Path | None:
    """The bundled file that answers a CSIP vocabulary URL, or None."""
    if not url.startswith(VOCABULARY_BASE):
        return None
    name = url[len(VOCABULARY_BASE) :]
    if "/" in name or not (name.startswith(VOCABULARY_PREFIX) and name.endswith(".xml")):
        return None
    path = folder / name
    return path if path.is_file() else None


class OfflineHandler(urllib.request.BaseHandler):
    """Answers the CSIP vocabulary URLs from the local copies; refuses everything else."""

    handler_order = 0  # before any other handler

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def default_open(self, request: urllib.request.Request) -> urllib.response.addinfourl:
        url = request.full_url
        path = local_copy(url, self.folder)
        if path is None:
            raise NetworkRefused(
                f"eark_offline: refusing to fetch {url}: the validator runs offline and only "
                f"the CSIP vocabularies ({VOCABULARY_BASE}{VOCABULARY_PREFIX}*.xml) are "
                f"answered, from the copies in {self.folder}"
            )
        body = path.read_bytes()
        headers = email.message.Message()
        headers["Content-Type"] = "application/xml"
        headers["Content-Length"] = str(len(body))
        return urllib.response.addinfourl(io.BytesIO(body), headers, url, 200)


def offline_opener(folder: Path | None = None) -> urllib.request.OpenerDirector:
    """An opener with no network handler at all: only OfflineHandler."""
    opener = urllib.request.OpenerDirector()
    opener.add_handler(OfflineHandler(folder or vocabulary_folder()))
    return opener


def _no_connect(*args: object, **kwargs: object) -> None:
    raise OSError("eark_offline: network connections are refused (the validator runs offline)")


def install_offline_opener(folder: Path | None = None) -> None:
    """urlopen() answers from the local vocabularies only, and sockets do not connect."""
    urllib.request.install_opener(offline_opener(folder))
    socket.socket.connect = _no_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _no_connect  # type: ignore[method-assign,assignment]
    socket.create_connection = _no_connect  # type: ignore[assignment]


def compile_profiles_once() -> None:
    """eark-validator compiles the Schematron rule sets of CSIP and SIP (sixteen XSLT
    transforms) anew for every package, three quarters of its time. The rules are the
    same for every package of a run: each profile (specification and version) is
    compiled the first time it is asked for and given again after that. A profile
    clears its results at each validate(), which the validator calls before reading
    them, one package at a time."""
    from eark_validator import rules

    compile_profile = rules.ValidationProfile
    compiled: dict[tuple[object, object], object] = {}

    def profile(kind: object, version: object) -> object:
        if (kind, version) not in compiled:
            compiled[kind, version] = compile_profile(kind, version)
        return compiled[kind, version]

    rules.ValidationProfile = profile


def validate(package: Path) -> str:
    """The report of eark-validator (CSIP 2.1.0, and SIP 2.1.0 for a SIP) as JSON."""
    install_offline_opener()
    # Anything the library prints would spoil the JSON on stdout.
    with contextlib.redirect_stdout(sys.stderr):
        from eark_validator.packages import PackageValidator
        from eark_validator.specifications.specification import SpecificationVersion

        report = PackageValidator(package, SpecificationVersion(SPECIFICATION)).validation_report
        return str(report.model_dump_json())


def _report(package: Path) -> str:
    """The package's report, or {"eark_offline_error": ...} when the validator fails."""
    try:
        return validate(package.resolve())
    except Exception as error:
        traceback.print_exc()
        print(f"eark_offline: eark-validator failed on {package}", file=sys.stderr)
        return json.dumps({"eark_offline_error": f"{type(error).__name__}: {error}"})


def serve() -> int:
    """`--serve`: package folders on stdin, one a line, and a report line on stdout for
    each as soon as it is done, until stdin closes: one validator for a whole export,
    which hands it each batch of packages as it writes them."""
    with contextlib.redirect_stdout(sys.stderr):
        install_offline_opener()
        compile_profiles_once()
    for line in sys.stdin.buffer:
        package = Path(os.fsdecode(line.rstrip(b"\n")))
        if package.is_dir():
            report = _report(package)
        else:
            report = json.dumps({"eark_offline_error": f"{package} is not a directory"})
        sys.stdout.write(report + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    """One JSON report per line, in the order of the packages given (one process for
    many: starting the validator costs more than a package). With one package, a
    validator failure is exit 1; with several, its line is {"eark_offline_error": ...}
    and the others go on. `--serve` alone: the packages come on stdin (serve)."""
    if argv == ["--serve"]:
        return serve()
    if not argv or any(arg.startswith("-") for arg in argv):
        print(USAGE, file=sys.stderr)
        return 2
    packages = [Path(arg) for arg in argv]
    for package in packages:
        if not package.is_dir():
            print(f"eark_offline: {package} is not a directory\n{USAGE}", file=sys.stderr)
            return 2
    with contextlib.redirect_stdout(sys.stderr):
        install_offline_opener()
        compile_profiles_once()
    for package in packages:
        report = _report(package)
        if len(packages) == 1 and report.startswith('{"eark_offline_error"'):
            return 1
        sys.stdout.write(report + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
