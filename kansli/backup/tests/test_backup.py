"""What `kansli backup` writes and what `kansli restore` refuses before it writes
anything: a damaged or missing part of the copy, a database that is in use, a store
whose file no longer has its hash."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from kansli.audit.models import AuditEvent
from kansli.backup.backup import make_backup
from kansli.backup.restore import check_backup, restore_backup
from kansli.files.store import store_bytes
from kansli.registry.actions import do_attach_file
from kansli.registry.testing import make_incoming

pytestmark = pytest.mark.django_db(transaction=True)


def _document_with_file(text: str) -> str:
    stored = store_bytes(text.encode() * 50, "brev.txt")
    do_attach_file(make_incoming(), stored, "brev.txt", actor=None)
    return stored.sha256


def test_a_backup_holds_database_files_keys_and_the_chain_head(tmp_path: Path) -> None:
    sha256 = _document_with_file("Ansökan om bygglov. ")
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None

    made = make_backup(tmp_path / "kopia")

    manifest = json.loads((tmp_path / "kopia" / "manifest.json").read_text())
    assert manifest["files"] == made.files == 1
    assert (tmp_path / "kopia" / "files" / "sha256" / sha256[:2] / sha256[2:4] / sha256).exists()
    assert manifest["audit_head"] == {"seq": head.seq, "hash": head.hash}
    assert "secret_key" in manifest["keys"]
    assert check_backup(tmp_path / "kopia") == manifest
    # The backup itself is in the audit log, after its moment.
    assert AuditEvent.objects.filter(action="backup.made", seq__gt=head.seq).exists()


def test_a_second_backup_into_the_same_folder_copies_only_new_files(tmp_path: Path) -> None:
    _document_with_file("Första brevet. ")
    assert make_backup(tmp_path / "kopia").copied == 1
    _document_with_file("Andra brevet. ")

    again = make_backup(tmp_path / "kopia")

    assert (again.files, again.copied) == (2, 1)
    check_backup(tmp_path / "kopia")


def test_a_copy_with_a_changed_file_is_refused(tmp_path: Path) -> None:
    sha256 = _document_with_file("Yttrande. ")
    make_backup(tmp_path / "kopia")
    copied = tmp_path / "kopia" / "files" / "sha256" / sha256[:2] / sha256[2:4] / sha256
    copied.write_bytes(b"annat innehall")

    with pytest.raises(ValidationError, match="har inte den kontrollsumma den heter"):
        check_backup(tmp_path / "kopia")


def test_a_copy_missing_a_file_or_its_manifest_is_refused(tmp_path: Path) -> None:
    sha256 = _document_with_file("Protokoll. ")
    make_backup(tmp_path / "kopia")
    (tmp_path / "kopia" / "files" / "sha256" / sha256[:2] / sha256[2:4] / sha256).unlink()
    # A stray file does not stand in for the missing one (the check once only counted).
    stray = store_bytes(b"En annan fil. " * 50, "annan.txt").sha256
    stray_copy = tmp_path / "kopia" / "files" / "sha256" / stray[:2] / stray[2:4] / stray
    stray_copy.parent.mkdir(parents=True)
    stray_copy.write_bytes(b"En annan fil. " * 50)
    with pytest.raises(ValidationError, match=f"Filen {sha256} saknas"):
        check_backup(tmp_path / "kopia")

    (tmp_path / "kopia" / "manifest.json").unlink()
    with pytest.raises(ValidationError, match=r"manifest\.json saknas"):
        check_backup(tmp_path / "kopia")


def test_a_changed_database_copy_is_refused(tmp_path: Path) -> None:
    _document_with_file("Kallelse. ")
    make_backup(tmp_path / "kopia")
    manifest = json.loads((tmp_path / "kopia" / "manifest.json").read_text())
    with (tmp_path / "kopia" / manifest["database_file"]).open("ab") as database:
        database.write(b"\0")

    with pytest.raises(ValidationError, match="saknas eller är ändrad"):
        check_backup(tmp_path / "kopia")


def test_restore_never_writes_over_an_installation_in_use(tmp_path: Path) -> None:
    _document_with_file("Beslut. ")
    make_backup(tmp_path / "kopia")
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="Databasen är inte tom"):
        restore_backup(tmp_path / "kopia")
    assert AuditEvent.objects.count() == events


def test_a_stored_file_that_lost_its_hash_stops_the_backup(tmp_path: Path) -> None:
    sha256 = _document_with_file("Överklagande. ")
    name = f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"skadat"))

    with pytest.raises(ValidationError, match="fillagret är skadat"):
        make_backup(tmp_path / "kopia")
    assert not (tmp_path / "kopia" / "manifest.json").exists()


def test_a_manifest_naming_a_key_outside_the_data_dir_is_refused(tmp_path: Path) -> None:
    """A crafted backup must not write outside DATA_DIR (a key "../../etc/cron.d/x")."""
    _document_with_file("Delegationsbeslut. ")
    made = make_backup(tmp_path / "kopia").folder
    outside = made / "keys" / ".." / ".." / "cron"
    outside.write_text("* * * * * root sh -c 'id'\n")
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["keys"]["../../cron"] = hashlib.sha256(outside.read_bytes()).hexdigest()
    (made / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(ValidationError, match="Okänt nyckelnamn"):
        check_backup(made)


def test_a_link_in_the_copy_is_refused(tmp_path: Path) -> None:
    sha256 = _document_with_file("Remissvar. ")
    made = make_backup(tmp_path / "kopia").folder
    copied = made / "files" / "sha256" / sha256[:2] / sha256[2:4] / sha256
    secret = tmp_path / "någon annans fil"
    secret.write_bytes(copied.read_bytes())
    copied.unlink()
    copied.symlink_to(secret)

    with pytest.raises(ValidationError, match="är en länk"):
        check_backup(made)


def test_only_the_one_who_took_the_backup_can_read_it(tmp_path: Path) -> None:
    _document_with_file("Personalärende. ")
    made = make_backup(tmp_path / "kopia").folder
    assert made.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "change",
    [
        lambda manifest: [manifest],
        lambda manifest: {**manifest, "keys": ["secret_key"]},
        lambda manifest: {**manifest, "files": "många"},
        lambda manifest: {**manifest, "audit_head": {"seq": "1"}},
        lambda manifest: {key: value for key, value in manifest.items() if key != "created"},
    ],
)
def test_a_manifest_of_the_wrong_shape_is_refused_not_a_crash(tmp_path: Path, change: Any) -> None:
    _document_with_file("Kungörelse. ")
    made = make_backup(tmp_path / "kopia").folder
    manifest = json.loads((made / "manifest.json").read_text())
    (made / "manifest.json").write_text(json.dumps(change(manifest)))

    with pytest.raises(ValidationError, match="har inte en säkerhetskopias form"):
        check_backup(made)


def test_a_file_disposed_of_while_the_backup_runs_is_told_apart_from_a_lost_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from kansli.backup import backup
    from kansli.files.models import StoredFile
    from kansli.registry.models import DocumentFile

    sha256 = _document_with_file("Bygglovsritning. ")
    snapshot_of = "_snapshot_sqlite" if connection.vendor == "sqlite" else "_snapshot_pg"
    taken = getattr(backup, snapshot_of)

    def disposed_of_meanwhile(folder: Path) -> Any:
        snapshot = taken(folder)  # the file is in it; then a disposal removes it
        DocumentFile.objects.filter(stored__sha256=sha256).delete()
        StoredFile.objects.filter(sha256=sha256).delete()
        default_storage.delete(f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}")
        return snapshot

    monkeypatch.setattr(backup, snapshot_of, disposed_of_meanwhile)
    with pytest.raises(ValidationError, match="gallrades medan säkerhetskopian gjordes"):
        make_backup(tmp_path / "kopia")
    assert not (tmp_path / "kopia" / "manifest.json").exists()


def test_backup_and_restore_refuse_to_run_through_pgbouncer(tmp_path: Path, settings: Any) -> None:
    settings.PGBOUNCER = True  # KANSLI_PGBOUNCER: pg_dump's session settings would stay
    with pytest.raises(ValidationError, match="inte genom PgBouncer"):
        make_backup(tmp_path / "kopia")
    with pytest.raises(ValidationError, match="inte genom PgBouncer"):
        restore_backup(tmp_path / "kopia")
    assert not (tmp_path / "kopia").exists()


def test_a_backup_that_fails_leaves_the_one_before_in_the_folder_whole(tmp_path: Path) -> None:
    first = _document_with_file("Första ansökan. ")
    make_backup(tmp_path / "kopia")
    before = check_backup(tmp_path / "kopia")
    second = _document_with_file("Andra ansökan. ")
    default_storage.delete(f"sha256/{second[:2]}/{second[2:4]}/{second}")  # lost from the store

    with pytest.raises(ValidationError, match="finns i databasen men inte i fillagret"):
        make_backup(tmp_path / "kopia")

    assert check_backup(tmp_path / "kopia") == before
    listed = (tmp_path / "kopia" / "files.txt").read_text()
    assert first in listed and second not in listed


def test_a_file_disposed_of_since_leaves_a_backup_taken_into_the_same_folder(
    tmp_path: Path,
) -> None:
    from kansli.files.models import StoredFile
    from kansli.registry.models import DocumentFile

    kept, disposed = _document_with_file("Bevaras. "), _document_with_file("Gallras. ")
    make_backup(tmp_path / "kopia")
    DocumentFile.objects.filter(stored__sha256=disposed).delete()
    StoredFile.objects.filter(sha256=disposed).delete()

    made = make_backup(tmp_path / "kopia")

    names = {p.name for p in (made.folder / "files").rglob("*") if p.is_file()}
    assert kept in names and disposed not in names
    check_backup(made.folder)


def test_a_folder_with_a_link_in_it_is_not_backed_up_into(tmp_path: Path) -> None:
    """Whoever may write in the folder could have a file copied through a link to
    anywhere (or read the copy); a folder that is a link is refused the same way."""
    sha256 = _document_with_file("Skyddad adress. ")
    planted = tmp_path / "kopia" / "files" / "sha256" / sha256[:2] / sha256[2:4]
    planted.mkdir(parents=True)
    (planted / f"{sha256}.tmp").symlink_to(tmp_path / "stulen")

    with pytest.raises(ValidationError, match="är en länk eller tillhör en annan användare"):
        make_backup(tmp_path / "kopia")
    assert not (tmp_path / "stulen").exists()

    (tmp_path / "länk").symlink_to(tmp_path / "kopia")
    with pytest.raises(ValidationError, match="är en länk"):
        make_backup(tmp_path / "länk")


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give the folder to another user")
def test_a_folder_of_another_user_is_not_backed_up_into(tmp_path: Path) -> None:
    _document_with_file("Sekretessbelagd utredning. ")
    folder = tmp_path / "kopia"
    folder.mkdir()
    os.chown(folder, 65534, 65534)  # nobody

    with pytest.raises(ValidationError, match="tillhör en annan användare"):
        make_backup(folder)
    assert list(folder.iterdir()) == []


def test_every_file_of_a_backup_is_for_its_owner_only(tmp_path: Path) -> None:
    _document_with_file("Personakt. ")
    made = make_backup(tmp_path / "kopia").folder
    modes = {p.name: p.stat().st_mode & 0o777 for p in made.rglob("*") if p.is_file()}
    assert set(modes.values()) == {0o600}, modes


def test_a_backup_from_a_newer_kansli_is_refused() -> None:
    from kansli.backup.restore import _require_known_migrations

    _require_known_migrations(["registry.0001_initial"])
    with pytest.raises(ValidationError, match="nyare version av Kansli"):
        _require_known_migrations(["registry.0001_initial", "registry.0999_from_a_newer_kansli"])


def test_the_manifest_says_whether_the_secret_key_was_given(tmp_path: Path, settings: Any) -> None:
    """KANSLI_SECRET_KEY_FILE gives it as well as KANSLI_SECRET_KEY (restore then
    reminds the operator to give the same key)."""
    settings.SECRET_KEY_GIVEN = True
    made = make_backup(tmp_path / "kopia").folder
    assert json.loads((made / "manifest.json").read_text())["secret_key_from_environment"] is True


def test_a_backup_reached_through_a_linked_folder_is_whole(tmp_path: Path) -> None:
    """The backup's own place may be reached through a link (/home to /data/home): that
    is no link inside the backup."""
    _document_with_file("Delegationsbeslut om bygglov. ")
    make_backup(tmp_path / "riktig" / "kopia")
    (tmp_path / "genväg").symlink_to(tmp_path / "riktig")
    check_backup(tmp_path / "genväg" / "kopia")


def test_a_linked_folder_inside_the_backup_leading_out_of_it_is_refused(tmp_path: Path) -> None:
    sha256 = _document_with_file("Yttrande över detaljplan. ")
    made = make_backup(tmp_path / "kopia").folder
    inner = made / "files" / "sha256" / sha256[:2]
    outside = tmp_path / "utanför"
    inner.rename(outside)
    inner.symlink_to(outside)

    with pytest.raises(ValidationError, match=f"Filen {sha256} saknas"):
        check_backup(made)
