"""The `kansli` console script: Django's management commands under one name
(`kansli demo`, `kansli serve`, `kansli worker`, `kansli workdays`, `kansli audit`, ...)."""

from __future__ import annotations

import os
import sys

# The exit status of a configuration that cannot be used: EX_CONFIG of sysexits.h, which
# systemd's units do not restart on (kansli.web.checklist).
EX_CONFIG = 78


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the environment (kansli.settings)
    except (ImproperlyConfigured, OSError) as error:
        # One line saying what to mend (an unreadable KANSLI_*_FILE, a KANSLI_DATA_DIR
        # that is no folder), not a traceback of the settings module.
        sys.stderr.write(f"Kansli startar inte: inställningarna går inte att använda: {error}\n")
        sys.exit(EX_CONFIG)
    execute_from_command_line(["kansli", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
