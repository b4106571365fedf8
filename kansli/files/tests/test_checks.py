from typing import Any

from django.core.checks import Error

from kansli.files.checks import max_upload_size


def test_the_size_limit_must_be_at_least_one_megabyte(settings: Any) -> None:
    assert max_upload_size() == []
    settings.MAX_UPLOAD_MB = 0
    assert max_upload_size() == [
        Error("KANSLI_MAX_UPLOAD_MB=0: expected a whole number from 1", id="files.E001")
    ]
