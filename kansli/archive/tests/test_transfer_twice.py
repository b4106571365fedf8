"""A transfer exported twice at once (a task run twice, a second press): the second is
refused while the first writes into the folder."""

from __future__ import annotations

import datetime
import fcntl
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from kansli.archive import actions
from kansli.org.testing import make_authority

pytestmark = pytest.mark.django_db


def test_a_second_export_into_the_folder_is_refused_while_the_first_writes(
    tmp_path: Path,
) -> None:
    ks = make_authority("KS")
    transfer = actions.do_start_transfer(ks, datetime.date(2024, 1, 1), tmp_path / "ut",
                                         actor=None)  # fmt: skip
    (tmp_path / "ut").mkdir(exist_ok=True)
    with (tmp_path / "ut" / ".exporting").open("w") as first:
        fcntl.flock(first, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first export, writing
        with pytest.raises(ValidationError, match="exporteras redan"):
            actions.do_export_transfer(transfer, actor=None)
    done = actions.do_export_transfer(transfer, actor=None)  # once the first is done
    assert done.status == done.Status.EXPORTED
    assert not (tmp_path / "ut" / ".exporting").exists()
