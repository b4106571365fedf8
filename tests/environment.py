"""Loaded by pytest before pytest-django reads the settings (`-p tests.environment` in
pyproject.toml): the test run gets a data directory of its own, so that the files,
mail and keys its tests write never land in the developer's ./var (the settings read
KANSLI_DATA_DIR once, when they are imported)."""

import os
import tempfile

os.environ.setdefault("KANSLI_DATA_DIR", tempfile.mkdtemp(prefix="kansli-test-"))
