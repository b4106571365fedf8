"""IMAP intake (issue 14): 500 messages, each with a PDF and a text file attached,
appended to a real dovecot (started here on 127.0.0.1 with TLS, as the tests do), then
taken in by `kansli intake imap` (one pass, in this process): messages per second.
Beside it the raw baseline: the same 500 fetched over the same TLS connection without
Kansli (UID SEARCH, UID FETCH BODY.PEEK[] in the same batches), and the ratio.

With --kills N (the "done when" of issue 14) another 500 are then appended and the
intake is killed with SIGKILL at N random moments and started again; it must end with
exactly one inbox item per message, each with its two attachments.

    .venv/bin/python bench/imap_intake.py [--messages 500] [--kills 25]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from common import row, setup

from kansli.mailbox.testing import PASSWORD, PASSWORD_ENV, USER, message, running_dovecot

FOLDER, DONE = "INBOX", "Registrerat"


def raw_fetch(server: object, count: int) -> float:
    """Seconds to fetch every message of the folder, without Kansli."""
    from kansli.mailbox.intake import BATCH

    imap = server.client()  # type: ignore[attr-defined]
    started = time.perf_counter()
    imap.select(FOLDER, readonly=True)
    _status, data = imap.uid("SEARCH", "ALL")
    uids = data[0].split()
    fetched = 0
    for start in range(0, len(uids), BATCH):
        _status, parts = imap.uid(
            "FETCH", b",".join(uids[start : start + BATCH]), "(UID BODY.PEEK[])"
        )
        fetched += sum(1 for part in parts if isinstance(part, tuple))
    seconds = time.perf_counter() - started
    imap.logout()
    assert fetched == count, (fetched, count)
    return seconds


def killed_run(where: object, count: int, kills: int) -> None:
    from kansli.files.mail import parse_mail
    from kansli.registry.models import InboxItem

    env = dict(os.environ)
    script = Path(sys.executable).with_name("kansli")
    killing = (
        "from kansli.mailbox.testing import intake_killed_at_random\n"
        f"intake_killed_at_random({kills}, {count}, {int.from_bytes(os.urandom(4))})\n"
    )
    started = time.perf_counter()
    progress = subprocess.run(
        [str(script), "shell", "-v0", "-c", killing], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    subprocess.run([str(script), "intake", "imap", "--once"], env=env, check=True)
    seconds = time.perf_counter() - started
    items = list(InboxItem.objects.select_related("stored"))
    whole = 0
    for item in items:
        with item.stored.open() as handle:
            whole += len(parse_mail(handle.read()).attachments) == 2
    print(f"\nKilled with SIGKILL {kills} times, then one pass to the end ({seconds:.1f} s):")
    row("items after each kill", " ".join(progress.stdout.split()[-5:]) + " …")
    row("inbox items / messages", f"{len(items)} / {count}")
    row("items with both attachments", str(whole))
    if len(items) != count or whole != count:
        sys.exit("FAILED: messages lost or taken in twice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--kills", type=int, default=0)
    args = parser.parse_args()
    with running_dovecot() as server:
        os.environ["KANSLI_IMAP_CA_FILE"] = str(server.ca_file)
        os.environ[PASSWORD_ENV] = PASSWORD
        where = setup()

        from kansli.mailbox.actions import do_add_mailbox
        from kansli.mailbox.intake import take_in
        from kansli.org.testing import make_authority

        mailbox = do_add_mailbox(
            authority=make_authority("KS"), host="127.0.0.1", port=server.port, username=USER,
            password_env=PASSWORD_ENV, folders=FOLDER, processed_folder=DONE, active=True,
            actor=None,
        )  # fmt: skip
        server.append(FOLDER, *(message(n) for n in range(args.messages)))
        size = sum(len(message(n)) for n in range(3)) // 3
        print(f"IMAP intake: {args.messages} messages of ~{size} bytes, 2 attachments each")
        print(f"Database: {where.database}; dovecot on 127.0.0.1:{server.port} (TLS)")

        raw = raw_fetch(server, args.messages)
        started = time.perf_counter()
        counts = take_in(mailbox)
        seconds = time.perf_counter() - started
        assert counts.inbox == args.messages, counts
        row("raw IMAP fetch, messages/s", f"{args.messages / raw:.0f}")
        row("kansli intake imap, messages/s", f"{args.messages / seconds:.1f}")
        row("intake / raw", f"{raw / seconds:.3f}")

        if args.kills:
            server.append(FOLDER, *(message(n) for n in range(args.messages, 2 * args.messages)))
            killed_run(where, 2 * args.messages, args.kills)


if __name__ == "__main__":
    main()
