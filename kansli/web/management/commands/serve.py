from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# gunicorn's default without %(h)s (the address), %(u)s, %(f)s and %(a)s (user agent).
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


class Command(BaseCommand):
    help = "Serve Kansli with gunicorn on 127.0.0.1 (the production server setup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, port: int, workers: int, **options: Any) -> None:
        self.stdout.write(f"Kansli: http://127.0.0.1:{port}/ (Ctrl-C stoppar)")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "kansli.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--access-logfile=-",
            # No client address or browser in the log: a citizen asking for documents
            # need not say who they are (TF 2 kap. 18 §); staff's are in the audit log.
            f"--access-logformat={ACCESS_LOG_FORMAT}",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - replace this process with gunicorn
