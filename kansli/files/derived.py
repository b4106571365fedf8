"""Copies made from a stored file and kept in the data directory under the original's
SHA-256, so that slow work is done once: a Word or ODF file converted to PDF for
redaction (kansli.requests.actions.redact). They hold what the original holds, so when
the original's bytes go (disposal, kansli.retention.disposal), `forget` removes them
too: a disposed document must not live on in a conversion of it (Arkivlagen 10 §)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

KINDS = ("redaction",)  # a folder of DATA_DIR each


def derived_path(kind: str, sha256: str, suffix: str) -> Path:
    """Where the `kind` copy of the content with that SHA-256 is kept."""
    if kind not in KINDS:
        raise ValueError(f"not a kind of derived copy: {kind}")
    return Path(settings.DATA_DIR) / kind / f"{sha256}{suffix}"


def forget(sha256: str) -> None:
    """Remove every copy made from the content with that SHA-256."""
    for kind in KINDS:
        for path in (Path(settings.DATA_DIR) / kind).glob(f"{sha256}.*"):
            path.unlink(missing_ok=True)
