"""Migration drafting 0003 makes a municipality-wide version number unique. The
constraint before it let two such versions of a kind share a number (a NULL authority
differs from every other), so an installation may have them: the migration numbers the
later ones after the kind's newest, in upload order, instead of failing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROGRAM = """
import json
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

executor = MigrationExecutor(connection)
before = [("drafting", "0002_authority_profile")]
executor.migrate(before)
apps = executor.loader.project_state(before).apps
town = apps.get_model("org", "Municipality").objects.create(name="Kommunen")
stored = apps.get_model("files", "StoredFile").objects.create(
    sha256="0" * 64, size=1, content_type="application/octet-stream")
Version = apps.get_model("drafting", "TemplateVersion")
for kind, version in [("report", 1), ("report", 2), ("report", 2), ("report", 1),
                      ("notice", 1), ("notice", 1)]:
    Version.objects.create(kind=kind, municipality=town, version=version, file=stored)
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())
from kansli.drafting.models import TemplateVersion
print(json.dumps(list(TemplateVersion.objects.order_by("pk").values_list("kind", "version"))))
"""


def test_versions_sharing_a_number_are_numbered_after_the_newest(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KANSLI_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kansli.settings",
    }
    env.pop("KANSLI_DATABASE_URL", None)  # a database of its own, on SQLite
    done = subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    versions = json.loads(done.stdout.strip().splitlines()[-1])
    assert versions == [["report", 1], ["report", 2], ["report", 3], ["report", 4],
                        ["notice", 1], ["notice", 2]]  # fmt: skip
