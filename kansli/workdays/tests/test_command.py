from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kansli.org.models import Municipality
from kansli.workdays.models import ClosedDay

KANSLI = Path(sys.executable).with_name("kansli")


def workdays(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["add", "2025-12-23", "1"], "2025-12-29"),
        (["add", "2026-01-07", "-5"], "2025-12-23"),
        (["add", "2026-03-07", "0"], "2026-03-07"),
        (["between", "2025-12-23", "2026-01-07"], "5"),
        (["between", "2026-01-07", "2025-12-23"], "-5"),
        (["deadline", "2026-12-04", "--weeks", "3"], "2026-12-28"),
        (["deadline", "2026-12-04", "--days", "21"], "2026-12-28"),
        (["deadline", "2025-05-30", "--weeks", "3"], "2025-06-23"),
    ],
)
def test_answers(args: list[str], expected: str) -> None:
    assert workdays(*args) == expected


@pytest.mark.django_db
def test_closed_days_move_add_and_between_but_not_deadline() -> None:
    municipality = Municipality.objects.create(name="Exempelkommun")
    ClosedDay.objects.create(municipality=municipality, date=date(2025, 5, 30), reason="Klämdag")
    assert workdays("add", "2025-05-28", "1") == "2025-06-02"
    assert workdays("between", "2025-05-28", "2025-06-02") == "1"
    assert workdays("deadline", "2025-05-09", "--weeks", "3") == "2025-05-30"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2026-13-01", "3"], "Ogiltigt datum '2026-13-01': ange ÅÅÅÅ-MM-DD"),
        (["add", "2026-03-02", "tre"], "Ogiltigt antal 'tre': ange ett heltal"),
        (["between", "2026-03-02", "2.3.2026"], "Ogiltigt datum '2.3.2026': ange ÅÅÅÅ-MM-DD"),
        (
            ["deadline", "2026-03-02", "--weeks", "-1"],
            "Ogiltigt antal '-1': ange ett heltal från 0",
        ),
        (["deadline", "9999-12-31", "--days", "1"], "Datumet hamnar utanför kalendern"),
    ],
)
def test_bad_input(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as error:
        call_command("workdays", *args)
    assert str(error.value) == message
    assert error.value.returncode == 2


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KANSLI_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [str(KANSLI), "workdays", *args], capture_output=True, text=True, env=env, check=False
    )


def test_console_script(tmp_path: Path) -> None:
    result = run("deadline", "2026-12-04", "--weeks", "3", data_dir=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "2026-12-28\n", "")


def test_console_script_bad_date(tmp_path: Path) -> None:
    result = run("add", "2026-13-01", "3", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "CommandError: Ogiltigt datum '2026-13-01': ange ÅÅÅÅ-MM-DD\n"


@pytest.mark.parametrize(
    "args",
    [
        ["add", "2026-03-02"],
        ["deadline", "2026-03-02"],
        ["deadline", "2026-03-02", "--weeks", "1", "--days", "2"],
        [],
    ],
)
def test_console_script_usage_error(args: list[str], tmp_path: Path) -> None:
    result = run(*args, data_dir=tmp_path)
    assert result.returncode == 2
    assert "error:" in result.stderr
