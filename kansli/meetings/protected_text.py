"""The minutes' own texts (decision, reasons, minute note) in the forms that change
them, for a secretary who may not know a protected identity named in them (OSL 21 kap.
3 §): such a text is shown masked and cannot be changed there, and the stored text is
kept as it is, since saving the masked text would lose the name for those entitled."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.access.protected import Hide

NAMES_PROTECTED = _(
    "The text names someone with protected identity: it is shown masked, and only those "
    "who may know the name can change it."
)


class KeepsProtected(forms.Form):
    """A form whose texts that name a protected identity are read-only and kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: dict[str, str] = {}

    def keep_protected(self, hide: Hide, texts: dict[str, str]) -> None:
        """`texts` by field name: each that `hide` changes is shown masked, read-only."""
        for name, text in texts.items():
            shown = hide(text)
            if shown == text:
                continue
            field = self.fields[name]
            field.disabled, field.initial, field.help_text = True, shown, NAMES_PROTECTED
            self.initial[name] = shown
            self.kept[name] = text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned.update(self.kept)
        return cleaned
