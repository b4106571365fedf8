"""Done when (issue 17): a round trip of the whole demo, export → validate → import into
an empty installation, gives the same cases, documents, files (checksums), secrecy
markings and decisions, and the meetings, agenda items, § numbers and approvals of the
decisions, compared field by field.

The demo is loaded small (as kansli.demo's tests do); `kansli archive export --all`
writes every case of every authority; `kansli archive validate` checks every package
(fixity, ERMS.xsd and Schematron, eark-validator); then a second installation (a new
data folder with its own SQLite database, in a process of its own, as another
municipality's server would be) migrates and runs `kansli archive import` on them, and
prints its snapshot (kansli.archive.testing.snapshot) for comparison with this one's.
People are not in a package (the receiving installation has its own users), so who
registered a document or handles a case is not compared, and the signatures of the
minutes are compared by name, role and time on the case's timeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from kansli.archive.testing import snapshot
from kansli.registry.models import Case, Document
from kansli.web.testing_installation import copy_migrated_sqlite

pytestmark = pytest.mark.django_db
KANSLI = str(Path(sys.executable).with_name("kansli"))


def test_the_whole_demo_goes_out_and_comes_back_the_same(tmp_path: Path, settings: Any) -> None:
    settings.DATA_DIR = tmp_path / "here"
    call_command("demo", "--no-serve", "--scale", "0.02", stdout=StringIO())
    assert Document.objects.filter(secrecy__isnull=False).exists()
    assert Document.objects.filter(voided_at__isnull=False).exists()
    out = tmp_path / "flytt"
    call_command("archive", "export", "--all", "--out", str(out), stdout=StringIO())
    report = StringIO()
    call_command("archive", "validate", *sorted(str(p) for p in out.iterdir()), stdout=report)
    assert "underkänt" not in report.getvalue()
    assert report.getvalue().count("godkänt") == Case.objects.count()

    there = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path / "there"), "KANSLI_DATABASE_URL": ""}
    copy_migrated_sqlite(tmp_path / "there")  # as `kansli migrate` leaves it
    folders = sorted(str(p) for p in out.iterdir())
    imported = subprocess.run([KANSLI, "archive", "import", *folders], env=there,
                              capture_output=True, text=True)  # fmt: skip
    assert imported.returncode == 0, imported.stdout[-3000:] + imported.stderr[-3000:]
    dumped = subprocess.run(
        [KANSLI, "shell", "-c", "import json; from kansli.archive.testing import snapshot; "
         "print(json.dumps(snapshot()))"],
        env=there, capture_output=True, text=True, check=True,
    )  # fmt: skip
    theirs = json.loads(dumped.stdout.strip().splitlines()[-1])
    ours = json.loads(json.dumps(snapshot()))

    assert [c["number"] for c in theirs] == [c["number"] for c in ours]
    for mine, back in zip(ours, theirs, strict=True):
        for key in ["authority", "title", "status", "opened", "closed", "due", "void_reason",
                    "parties", "documents"]:  # fmt: skip
            assert back[key] == mine[key], (mine["number"], key)
        # Each § in approved minutes comes back: the meeting, the agenda item, the §
        # number, the decision (a non-public item's neutral heading only), the outcome
        # and the minutes' approval; the signers are not users there, so each signature
        # comes back by name, role and time on the case's timeline.
        assert len(back["paragraphs"]) == len(mine["paragraphs"]), mine["number"]
        for here, there in zip(mine["paragraphs"], back["paragraphs"], strict=True):
            label = (mine["number"], here["body"], here["number"])
            for key in ["body", "year", "number", "meeting", "minutes", "item", "decision",
                        "outcome", "extract"]:  # fmt: skip
                assert there[key] == here[key], (*label, key)
            assert there["signatures"] == []
            for signature in here["signatures"]:
                assert any(signature in entry for entry in back["decided"]), (*label, signature)
        for decision in mine["decisions"]:
            assert any(decision in entry for entry in back["decided"]), (mine["number"], decision)
    paragraphs = [p for c in ours for p in c["paragraphs"]]
    assert len(paragraphs) > 0 and all(p["signatures"] for p in paragraphs)
    assert any(p["item"][2] for p in paragraphs)  # a non-public item is among them
