from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Municipality


class DocumentTypeQuerySet(models.QuerySet["DocumentType"]):
    def named(self, municipality: Municipality | int, name: str) -> DocumentType | None:
        """The municipality's type of that name (letter case and spacing aside)."""
        wanted = fold(name)
        for found in self.filter(municipality=municipality):
            if fold(found.name) == wanted:
                return found
        return None

    def find_or_add(self, municipality: Municipality, name: str) -> DocumentType:
        """The type of that name, added to the municipality's list when it is new (by
        the action that adopts a plan naming it)."""
        name = " ".join(name.split())
        found = self.named(municipality, name)
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return self.create(municipality=municipality, name=name)
        except IntegrityError:  # added at the same time by another adoption
            found = self.named(municipality, name)
            if found is None:
                raise
            return found


class DocumentType(models.Model):
    """En handlingstyp: the kind of document, as the municipality's document management
    plan (informationshanteringsplan, kansli.retention) names it per process:
    "Ansökan om bygglov", "Tjänsteskrivelse", "Beslut". The plan says of each type
    whether it is registered or only kept in order (OSL 5 kap. 1 §) and whether it is
    kept or disposed of, and when (Arkivlagen 10 §); a document's type is what ties it
    to that decision. One list per municipality, its names unique whatever their letter
    case: the shared plan and each authority's own plan name the same types."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="document_types"
    )
    name = models.CharField(_("name"), max_length=100)

    objects = DocumentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint("municipality", Lower("name"), name="document_type_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


def fold(name: str) -> str:
    """How type names are compared: letter case and spacing do not matter
    ("ansökan  om Bygglov" is "Ansökan om bygglov")."""
    return " ".join(name.split()).casefold()
