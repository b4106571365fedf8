"""A check at start-up that the file size limit is a size at all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def max_upload_size(**kwargs: Any) -> list[Error]:
    if settings.MAX_UPLOAD_MB < 1:
        return [
            Error(
                f"KANSLI_MAX_UPLOAD_MB={settings.MAX_UPLOAD_MB}: expected a whole number from 1",
                id="files.E001",
            )
        ]
    return []
