"""`kansli restore DIR`: bring a backup made by `kansli backup` into a new installation.

Everything is checked before anything is written: the manifest, the database copy's
SHA-256, every file the backup lists (files.txt) against the hash it is named by, and
that none is missing, the keys, and that the backup's migrations are all known to this
version of Kansli (a backup from a newer one is refused). Only a new installation is
restored into (no database yet, or a migrated one without users, cases or audit
events): a restore never mixes two installations. Then the files go into the storage
(the file system or the object store; a file there already is hashed, and one that
does not hash to its name is replaced by the backup's), and only then the database
(SQLite: the file; PostgreSQL: pg_restore in one transaction), so that a restore that
stops at the files (a storage that does not answer) can be run again. Then the keys go
into the data directory, migrations run (a backup from an older version), and the
result is checked the way an auditor would: the audit chain is verified from the first
event and must end at the head the backup recorded, hash and all, and every file the
database names is in the storage."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction

from kansli.audit.chain import record, verify
from kansli.audit.models import AuditEvent
from kansli.backup.backup import (
    FILES_LIST,
    FORMAT,
    KEY_NAME,
    MANIFEST,
    PG_FILE,
    SHA256,
    SQLITE_FILE,
    conninfo,
    pg_environment,
    pg_params,
    refuse_pooler,
    sha256_file,
)
from kansli.files.models import StoredFile, storage_name
from kansli.files.storage import reaching_storage
from kansli.web.sharedcache import clear_caches

EMPTY_TABLES = ["audit_auditevent", "registry_case", "org_user"]
SHAPE = {"format": str, "created": str, "database": str, "database_file": str,
         "database_sha256": str, "audit_head": dict, "files": int, "keys": dict}  # fmt: skip


@dataclass
class Restored:
    files: int
    audit_events: int
    forgotten: int
    secret_key_from_environment: bool
    waiting_tasks: int = 0  # queued or running at the backup's moment: they run again


def check_backup(folder: Path) -> dict[str, Any]:
    """The manifest, once every part of the backup has its recorded hash; raises
    ValidationError (in Swedish) naming the first fault."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ValidationError(
            f"{folder} är ingen hel säkerhetskopia: {MANIFEST} saknas "
            "(kopieringen avbröts, eller mappen är fel)."
        ) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"{MANIFEST} går inte att läsa: {error}") from error
    if not _well_formed(manifest):
        raise ValidationError(f"{MANIFEST} har inte en säkerhetskopias form.")
    if manifest.get("format") != FORMAT:
        raise ValidationError(f"Okänt format: {manifest.get('format')!r} (väntat {FORMAT}).")
    # Every name the manifest gives is one a backup writes, and every file a plain file
    # inside the folder: a crafted manifest must not read or write outside it (a key
    # named "../../etc/cron.d/x" would otherwise be written outside DATA_DIR).
    if manifest.get("database_file") not in (SQLITE_FILE, PG_FILE):
        raise ValidationError(f"Okänd databasfil i {MANIFEST}: {manifest.get('database_file')!r}.")
    database = folder / str(manifest["database_file"])
    if not _plain_file(database) or sha256_file(database) != manifest["database_sha256"]:
        raise ValidationError(f"Databaskopian {database.name} saknas eller är ändrad.")
    for name, sha256 in manifest["keys"].items():
        if not KEY_NAME.fullmatch(name):
            raise ValidationError(f"Okänt nyckelnamn i {MANIFEST}: {name!r}.")
        key = folder / "keys" / name
        if not _plain_file(key) or sha256_file(key) != sha256:
            raise ValidationError(f"Nyckeln {name} saknas eller är ändrad.")
    if "files_list_sha256" in manifest:
        _check_listed_files(folder, manifest)
        return manifest
    # A backup from before files.txt: every file in it is checked, and counted.
    found = 0
    for path in (folder / "files").rglob("*") if (folder / "files").exists() else []:
        if path.is_symlink():
            raise ValidationError(f"{path.name} i säkerhetskopian är en länk, inte en fil.")
        if not path.is_file():
            continue
        if path.suffix == ".tmp":
            continue  # left by a backup that stopped; the manifest does not count it
        if sha256_file(path) != path.name:
            raise ValidationError(f"Filen {path.name} har inte den kontrollsumma den heter.")
        found += 1
    if found < manifest["files"]:
        raise ValidationError(f"Säkerhetskopian ska ha {manifest['files']} filer men har {found}.")
    return manifest


def listed_files(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """The SHA-256 of every file the backup lists (files.txt), once the list has its
    recorded hash and every line is a hash and a size."""
    path = folder / FILES_LIST
    if not _plain_file(path) or sha256_file(path) != manifest["files_list_sha256"]:
        raise ValidationError(f"Fillistan {FILES_LIST} saknas eller är ändrad.")
    listed = []
    for line in path.read_text(encoding="ascii", errors="replace").splitlines():
        sha256, _space, size = line.partition(" ")
        if not SHA256.fullmatch(sha256) or not size.isdigit():
            raise ValidationError(f"{FILES_LIST} har en rad som inte är en fil: {line[:80]!r}.")
        listed.append(sha256)
    if len(listed) != manifest["files"]:
        raise ValidationError(
            f"Säkerhetskopian ska ha {manifest['files']} filer men listar {len(listed)}."
        )
    return listed


def _check_listed_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file listed is in the backup, a plain file inside it, with its hash."""
    inside = folder.resolve()
    for sha256 in listed_files(folder, manifest):
        path = folder / "files" / storage_name(sha256)
        if path.is_symlink():
            raise ValidationError(f"{sha256} i säkerhetskopian är en länk, inte en fil.")
        # A linked folder on the way out of the backup (the folder's own place may be
        # reached through links, which is no concern) ends outside it.
        if not path.resolve().is_relative_to(inside) or not path.is_file():
            raise ValidationError(f"Filen {sha256} saknas i säkerhetskopian.")
        if sha256_file(path) != sha256:
            raise ValidationError(f"Filen {sha256} har inte den kontrollsumma den heter.")


def _well_formed(manifest: Any) -> bool:
    """Whether the manifest has the parts `kansli backup` writes, of their types (a
    hand-edited or hostile one must be refused, not crash the check)."""
    if not isinstance(manifest, dict):
        return False
    if any(not isinstance(manifest.get(key), kind) for key, kind in SHAPE.items()):
        return False
    head, keys = manifest["audit_head"], manifest["keys"]
    listed = manifest.get("files_list_sha256", "")
    return (
        isinstance(listed, str)
        and isinstance(manifest.get("migrations", []), list)
        and isinstance(head.get("seq"), int)
        and isinstance(head.get("hash"), str)
        and all(isinstance(value, str) for value in keys.values())
    )


def restore_backup(folder: Path) -> Restored:
    """Check the backup, then restore it into this (new) installation and verify it."""
    refuse_pooler()
    manifest = check_backup(folder)
    if manifest["database"] != connection.vendor:
        raise ValidationError(
            f"Säkerhetskopian är från {manifest['database']}, den här installationen "
            f"använder {connection.vendor}."
        )
    _require_new_installation()
    _require_known_migrations(manifest.get("migrations", []))
    restored = _restore_files(folder, manifest)
    database = folder / str(manifest["database_file"])
    if connection.vendor == "sqlite":
        _restore_sqlite(database)
    else:
        _restore_pg(database)
    call_command("migrate", verbosity=0)
    _require_named_files(restored)
    _restore_keys(folder, manifest["keys"])
    result = verify()
    if not result.ok:
        raise ValidationError(
            f"Granskningskedjan är bruten efter återläsningen vid händelse "
            f"{result.broken_seq}: {result.reason}."
        )
    head = manifest["audit_head"]
    if result.checked != head["seq"]:
        raise ValidationError(
            f"Granskningskedjan har {result.checked} händelser, säkerhetskopian {head['seq']}."
        )
    last = AuditEvent.objects.filter(seq=head["seq"]).values_list("hash", flat=True).first()
    if head["seq"] and last != head["hash"]:
        raise ValidationError(
            "Granskningskedjans sista händelse är inte den säkerhetskopian anger: "
            "databaskopian hör inte till den här säkerhetskopian."
        )
    with transaction.atomic():
        record(
            actor=None,
            action="backup.restored",
            label=f"Återläst säkerhetskopia från {manifest['created']}",
            after={
                "created": manifest["created"],
                "audit_seq": head["seq"],
                "files": len(restored),
            },
        )
    # A shared cache (Redis) may hold pages, counts and sessions newer than the backup.
    # Only the caches' keys go: RQ's task queue may share the Redis database.
    clear_caches()
    given_key = bool(manifest.get("secret_key_from_environment"))
    return Restored(len(restored), result.checked, result.forgotten, given_key,
                    _waiting_tasks())  # fmt: skip


def _waiting_tasks() -> int:
    """The database queue's tasks that were waiting or running at the backup's moment:
    `kansli worker` runs them (again), an e-mail among them may go out a second time."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count() + DBTaskResult.objects.running().count()


def _require_known_migrations(applied: list[Any]) -> None:
    """A backup from a newer Kansli has migrations this one does not know: its
    database would be of a shape the code cannot use."""
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = sorted(str(name) for name in applied if name not in known)
    if unknown:
        raise ValidationError(
            f"Säkerhetskopian är från en nyare version av Kansli ({', '.join(unknown[:3])} "
            "finns inte här): uppdatera Kansli först."
        )


def _require_new_installation() -> None:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in EMPTY_TABLES:
            if table not in tables:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                raise ValidationError(
                    "Databasen är inte tom: en säkerhetskopia läses bara in i en ny "
                    "installation (en tom databas), aldrig över en som används."
                )


def _restore_sqlite(database: Path) -> None:
    target = Path(str(settings.DATABASES["default"]["NAME"]))
    connection.close()
    partial = target.with_name(f"{target.name}.återläses")
    shutil.copyfile(database, partial)
    check = sqlite3.connect(partial)
    try:
        if check.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise ValidationError("Databaskopian är skadad (SQLite integrity_check).")
    finally:
        check.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)


def _restore_pg(database: Path) -> None:
    params = pg_params()
    connection.close()
    done = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", "--dbname", conninfo(params),
         str(database)],
        env=pg_environment(params), capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise ValidationError(f"pg_restore misslyckades: {done.stderr.strip()[-1000:]}")


def _restore_files(folder: Path, manifest: dict[str, Any]) -> set[str]:
    """Put every file of the backup into the storage, before the database (whose rows
    name them); one there already is kept if it hashes to its name, else replaced by
    the backup's copy (an object store "as before" may hold a damaged one). Their
    SHA-256."""
    if "files_list_sha256" in manifest:
        names = listed_files(folder, manifest)
    else:  # a backup from before files.txt: the files check_backup checked
        files = folder / "files"
        found = files.rglob("*") if files.exists() else []
        names = sorted(p.name for p in found if p.is_file() and SHA256.fullmatch(p.name))
    for sha256 in names:
        name = storage_name(sha256)
        with reaching_storage():  # an object store that does not answer: a clear error
            if default_storage.exists(name):
                if _stored_sha256(name) == sha256:
                    continue
                default_storage.delete(name)
            with (folder / "files" / name).open("rb") as handle:
                default_storage.save(name, File(handle, name=sha256))
    return set(names)


def _stored_sha256(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _require_named_files(restored: set[str]) -> None:
    """Every file the restored database names is one just put into the storage (a
    database copy that names a file the backup does not hold is not this backup's);
    compared by name, without asking the storage again."""
    named = StoredFile.objects.values_list("sha256", flat=True).iterator()
    missing = next((sha256 for sha256 in named if sha256 not in restored), None)
    if missing is not None:
        raise ValidationError(f"Filen {missing[:80]} saknas i säkerhetskopian.")


def _plain_file(path: Path) -> bool:
    """A regular file, not a link (to somewhere outside the backup)."""
    return not path.is_symlink() and path.is_file() and not path.parent.is_symlink()


def _restore_keys(folder: Path, keys: dict[str, str]) -> None:
    data_dir = Path(settings.DATA_DIR).resolve()
    for name in keys:  # names as check_backup let them through (KEY_NAME)
        target = data_dir / name
        if not target.resolve().is_relative_to(data_dir):
            raise ValidationError(f"Nyckeln {name} hamnar utanför datamappen.")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / "keys" / name, target)
        target.chmod(0o600)
