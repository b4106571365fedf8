"""The IMAP server the mailbox's tests read from: dovecot, started once per module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from kansli.mailbox.testing import DOVECOT, Dovecot, running_dovecot


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not shutil.which(DOVECOT):
        pytest.fail(f"{DOVECOT} is not installed (Debian's dovecot-imapd)")
    with running_dovecot() as server:
        yield server
