"""Loaded by pytest before pytest-django reads the settings (`-p tests.environment` in
pyproject.toml): the test run gets a data directory of its own, so that the files,
mail and keys its tests write never land in the developer's ./var (the settings read
KANSLI_DATA_DIR once, when they are imported). The process that made the directory
removes it when it ends; xdist's workers inherit the variable and leave it alone."""

import atexit
import os
import shutil
import tempfile

if "KANSLI_DATA_DIR" not in os.environ:
    os.environ["KANSLI_DATA_DIR"] = tempfile.mkdtemp(prefix="kansli-test-")
    atexit.register(shutil.rmtree, os.environ["KANSLI_DATA_DIR"], ignore_errors=True)
