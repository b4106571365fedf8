"""`kansli backup DIR`: a copy of an installation that `kansli restore` brings back on
another machine, taken while people go on working.

    DIR/manifest.json          what the copy holds, with a SHA-256 for every part
    DIR/database.sqlite3       SQLite: the database as one consistent file, or
    DIR/database.pgdump        PostgreSQL: pg_dump's custom format
    DIR/files.txt              the stored files the database names: SHA-256 and size
    DIR/files/sha256/ab/cd/…   every one of those files, by its hash
    DIR/keys/secret_key        the keys kept in the data directory (when there)
    DIR/keys/signing/…

The database is copied as one moment: SQLite's online backup reads one snapshot while
writers go on (WAL); on PostgreSQL, pg_dump runs on a snapshot exported by a REPEATABLE
READ transaction, which also reads the list of files and the audit chain's head, so
list, head and dump are the same moment. The files are then copied: they are immutable
and written before the row that names them commits, so every file the snapshot names
is in the store. Each is hashed on the way and must have the hash it is stored under.
Files already in DIR from an earlier backup into the same folder are kept (equal names,
equal content), so a second backup copies only what is new; those the new one does not
name (disposed of since) are removed once it is complete. Until then the earlier
backup stays whole: the new database copy and keys are written beside it and put in
its place, with the new manifest, only when every file is copied, so a backup that
fails (a file lost from the store, a disposal meanwhile) leaves the one before usable.

The folder is the operator's own: one that exists already must belong, with
everything in it, to the user taking the backup and hold no links (else whoever may
write in it could read the copy or have it write through a link elsewhere); it is
made readable by that user only, and every file in it is written with mode 0600.

A backup holds everything, secret documents and personal data included, and what
disposal has removed since is still in it: keep backups as secret as the database and
let them expire (Arkivlagen 10 §, GDPR art. 5.1 e; see README, "Backup")."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from kansli.audit.chain import record
from kansli.files.models import StoredFile, storage_name

FORMAT = "kansli-backup 1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES_LIST = "files.txt"
SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024
KEYS = ["secret_key", "signing"]  # in DATA_DIR
KEY_NAME = re.compile(r"secret_key|signing/[A-Za-z0-9][A-Za-z0-9._-]{0,100}")


@dataclass
class Snapshot:
    """The database at one moment: its copy, the files it names and the chain head."""

    database_file: str
    partial: Path  # the copy, put in place as database_file once the backup is complete
    files: list[tuple[str, int]]  # (sha256, size)
    audit_seq: int
    audit_hash: str
    migrations: list[str]


@dataclass
class Made:
    folder: Path
    files: int
    copied: int  # files copied now (the others were there from an earlier backup)
    bytes: int
    audit_seq: int


def refuse_pooler() -> None:
    """pg_dump and pg_restore set session parameters (an empty search_path among them)
    that a PgBouncer in transaction mode would hand on to other clients."""
    if settings.PGBOUNCER:
        raise ValidationError(
            "Säkerhetskopiering och återläsning går direkt mot PostgreSQL, inte genom "
            "PgBouncer: kör med KANSLI_DATABASE_URL till databasservern och utan "
            "KANSLI_PGBOUNCER."
        )


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def make_backup(folder: Path) -> Made:
    """Copy the database, the files and the keys into folder (made if missing), write
    the manifest last (a folder without one is not a backup), and record the backup in
    the audit log (after the copy: the event is not in it)."""
    refuse_pooler()
    _own_folder(folder)
    snapshot = _snapshot_sqlite(folder) if connection.vendor == "sqlite" else _snapshot_pg(folder)
    copied, size = _copy_files(folder, snapshot.files)
    keys = _copy_keys(folder)
    listed = "".join(f"{sha256} {size}\n" for sha256, size in snapshot.files).encode()
    _write_new(folder / f"{FILES_LIST}.tmp", listed)
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "database_file": snapshot.database_file,
        "database_sha256": sha256_file(snapshot.partial),
        "migrations": snapshot.migrations,
        "audit_head": {"seq": snapshot.audit_seq, "hash": snapshot.audit_hash},
        "files": len(snapshot.files),
        "files_list_sha256": hashlib.sha256(listed).hexdigest(),
        "bytes": size,
        "keys": keys,
        "secret_key_from_environment": settings.SECRET_KEY_GIVEN,
    }
    _write_new(folder / f"{MANIFEST}.tmp",
               json.dumps(manifest, indent=2, ensure_ascii=False).encode())  # fmt: skip
    # Every part is there: the earlier backup in the folder gives way to this one. From
    # here to the new manifest the folder holds none (it is no backup for a moment).
    (folder / MANIFEST).unlink(missing_ok=True)
    os.replace(snapshot.partial, folder / snapshot.database_file)
    shutil.rmtree(folder / "keys", ignore_errors=True)
    if (folder / "keys.tmp").exists():
        os.replace(folder / "keys.tmp", folder / "keys")
    os.replace(folder / f"{FILES_LIST}.tmp", folder / FILES_LIST)
    os.replace(folder / f"{MANIFEST}.tmp", folder / MANIFEST)
    _remove_unnamed(folder, snapshot)
    with transaction.atomic():
        record(
            actor=None,
            action="backup.made",
            label=f"Säkerhetskopia med {len(snapshot.files)} filer",
            after={"audit_seq": snapshot.audit_seq, "files": len(snapshot.files)},
        )
    return Made(folder, len(snapshot.files), copied, size, snapshot.audit_seq)


def _own_folder(folder: Path) -> None:
    """Make the folder, or take one that exists only if it and all in it are the
    current user's and nothing in it is a link; readable by that user only."""
    if folder.is_symlink():
        raise ValidationError(f"{folder} är en länk: ta säkerhetskopian i en vanlig mapp.")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    uid = os.getuid()
    for root, directories, files in os.walk(folder):
        for path in [Path(root), *(Path(root) / name for name in directories + files)]:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or info.st_uid != uid:
                raise ValidationError(
                    f"{path} är en länk eller tillhör en annan användare: en säkerhetskopia "
                    "tas bara i en mapp som är din egen. Välj en ny mapp."
                )
    folder.chmod(0o700)  # secret documents, password hashes: for the one who took it only


def _write_new(path: Path, content: bytes) -> None:
    with _created(path) as out:
        out.write(content)


def _created(path: Path) -> Any:
    """A new file at path (one left by a run that stopped is removed first), mode 0600,
    never through a link."""
    path.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    return os.fdopen(os.open(path, flags, 0o600), "wb")


def _remove_unnamed(folder: Path, snapshot: Snapshot) -> None:
    """The files the new backup does not name (disposed of since the one before: they
    must not outlive their disposal in a copy, Arkivlagen 10 §, GDPR art. 5.1 e), and
    the other database's copy."""
    named = {sha256 for sha256, _size in snapshot.files}
    for path in (folder / "files").rglob("*") if (folder / "files").exists() else []:
        if path.is_file() and path.name not in named:
            path.unlink()
    for other in {SQLITE_FILE, PG_FILE} - {snapshot.database_file}:
        (folder / other).unlink(missing_ok=True)


def _snapshot_sqlite(folder: Path) -> Snapshot:
    """SQLite's online backup in one step: one read transaction, so one moment, while
    writers go on in the WAL."""
    partial = folder / f"{SQLITE_FILE}.tmp"
    _created(partial).close()
    connection.ensure_connection()
    source: Any = connection.connection
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        files = copy.execute("SELECT sha256, size FROM files_storedfile ORDER BY sha256")
        listed = [(str(sha), int(size)) for sha, size in files]
        head = copy.execute("SELECT seq, hash FROM audit_chainhead WHERE id = 1").fetchone()
        applied = copy.execute("SELECT app || '.' || name FROM django_migrations ORDER BY id")
        migrations = [str(row[0]) for row in applied]
    finally:
        copy.close()
    seq, chain = head if head else (0, "0" * 64)
    return Snapshot(SQLITE_FILE, partial, listed, int(seq), str(chain), migrations)


def _snapshot_pg(folder: Path) -> Snapshot:
    """pg_dump on a snapshot this transaction exports: the file list, the chain head
    and the dump are one moment."""
    import psycopg

    params = pg_params()
    partial = folder / f"{PG_FILE}.tmp"
    _created(partial).close()
    # Autocommit, so that the BEGIN below opens the transaction (psycopg would open one
    # of its own, READ COMMITTED, before it): the list, the head and the dump must be
    # read in the one snapshot.
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        exported = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert exported is not None
        listed = [(str(sha), int(size)) for sha, size in conn.execute(
            "SELECT sha256, size FROM files_storedfile ORDER BY sha256")]  # fmt: skip
        head = conn.execute("SELECT seq, hash FROM audit_chainhead WHERE id = 1").fetchone()
        applied = conn.execute("SELECT app || '.' || name FROM django_migrations ORDER BY id")
        migrations = [str(row[0]) for row in applied]
        done = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={exported[0]}", "--file", str(partial), "--dbname",
             conninfo(params)],
            env=pg_environment(params), capture_output=True, text=True,
        )  # fmt: skip
        conn.execute("ROLLBACK")
    if done.returncode != 0:
        raise ValidationError(f"pg_dump misslyckades: {done.stderr.strip()[-1000:]}")
    seq, chain = head if head else (0, "0" * 64)
    return Snapshot(PG_FILE, partial, listed, int(seq), str(chain), migrations)


# The connection's libpq settings from KANSLI_DATABASE_URL's query (sslmode=verify-full
# and the rest), which pg_dump and pg_restore must use as Django does: without them
# libpq would fall back to its default (sslmode=prefer, no certificate checked).
LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslcrldir",
                 "sslsni", "ssl_min_protocol_version", "ssl_max_protocol_version",
                 "requiressl", "gssencmode", "channel_binding", "connect_timeout",
                 "target_session_attrs", "application_name", "options"}  # fmt: skip


def pg_params() -> dict[str, Any]:
    """The connection settings of Django's database as libpq's keywords."""
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db.get("USER") or None,
              "password": db.get("PASSWORD") or None, "host": db.get("HOST") or None,
              "port": db.get("PORT") or None}  # fmt: skip
    options = db.get("OPTIONS") or {}
    params |= {key: value for key, value in options.items() if key in LIBPQ_OPTIONS}
    return {key: value for key, value in params.items() if value is not None}


def conninfo(params: dict[str, Any]) -> str:
    """The connection string pg_dump and pg_restore take as --dbname: every setting but
    the password, which never goes on a command line, where other users could read it
    (pg_environment gives it)."""
    from psycopg.conninfo import make_conninfo

    return make_conninfo(**{key: str(v) for key, v in params.items() if key != "password"})


def pg_environment(params: dict[str, Any]) -> dict[str, str]:
    """The environment pg_dump and pg_restore read the password from."""
    extra = {"PGPASSWORD": str(params["password"])} if "password" in params else {}
    return {**os.environ, **extra}


def _copy_files(folder: Path, files: list[tuple[str, int]]) -> tuple[int, int]:
    """Copy each file the snapshot names, hashing it on the way; (copied now, bytes)."""
    copied = total = 0
    for sha256, size in files:
        total += size
        target = folder / "files" / storage_name(sha256)
        if target.exists() and target.stat().st_size == size:
            continue  # copied by an earlier backup into this folder
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(f"{sha256}.tmp")
        digest = hashlib.sha256()
        try:
            source = StoredFile(sha256=sha256, size=size).open()
        except FileNotFoundError as error:
            if not StoredFile.objects.filter(sha256=sha256).exists():
                # Removed after the snapshot, by a disposal (gallring) that ran meanwhile.
                raise ValidationError(
                    f"Filen {sha256} gallrades medan säkerhetskopian gjordes. Gör om "
                    "säkerhetskopieringen: den nya tar inte med den."
                ) from error
            raise ValidationError(
                f"Filen {sha256} finns i databasen men inte i fillagret."
            ) from error
        with source, _created(partial) as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            partial.unlink()
            raise ValidationError(
                f"Filen {sha256} i fillagret har inte längre sin kontrollsumma "
                f"(nu {digest.hexdigest()}): fillagret är skadat."
            )
        os.replace(partial, target)
        copied += 1
    return copied, total


def _copy_keys(folder: Path) -> dict[str, str]:
    """The keys kept in the data directory, with their SHA-256 (relative path -> hash),
    copied into keys.tmp (put in place of the earlier backup's keys at the end)."""
    keys: dict[str, str] = {}
    target = folder / "keys.tmp"
    if target.exists():
        shutil.rmtree(target)
    for name in KEYS:
        source = Path(settings.DATA_DIR) / name
        if source.is_file():
            target.mkdir(mode=0o700, exist_ok=True)
            shutil.copy2(source, target / name)
        elif source.is_dir():
            shutil.copytree(source, target / name)
    if target.exists():
        for path in sorted(p for p in target.rglob("*") if p.is_file()):
            path.chmod(0o600)
            keys[path.relative_to(target).as_posix()] = sha256_file(path)
    return keys
