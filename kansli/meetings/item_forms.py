"""The forms of a flexible agenda (kansli.meetings.actions.items and .appendices): a
procedural item, an item's placement, reference and rapporteur, the body's order of
sections and an appendix to the minutes. They parse; the actions check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models import AgendaItem, Meeting, Minutes, Paragraph, Section
from kansli.meetings.permissions import paragraph_hiders
from kansli.registry.forms import AccessibleForm

ORDER_SLOTS = len(Section.values)


class ProceduralItemForm(AccessibleForm):
    title = forms.CharField(label=_("Heading"), help_text=_("For example Val av justerare."))
    section = forms.ChoiceField(
        label=_("Section"), choices=Section.choices, initial=Section.PROCEDURE
    )
    reference = forms.CharField(label=_("Reference"), required=False)
    rapporteur = forms.CharField(label=_("Rapporteur"), required=False)


class ItemDetailsForm(AccessibleForm):
    """One item's parent (the other top-level items of the meeting), reference and
    rapporteur; the field names carry the item's id, as the page has one per item."""

    def __init__(self, item: AgendaItem, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"item{item.pk}")
        kwargs.setdefault(
            "initial",
            {"parent": item.parent_id, "reference": item.reference, "rapporteur": item.rapporteur},
        )
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["parent"] = forms.ModelChoiceField(
            AgendaItem.objects.filter(meeting=item.meeting_id).exclude(pk=item.pk),
            label=_("Sub-item of"),
            required=False,
            empty_label=_("No: an item of its own"),
        )
        self.fields["reference"] = forms.CharField(label=_("Reference"), required=False)
        self.fields["rapporteur"] = forms.CharField(label=_("Rapporteur"), required=False)


class SectionOrderForm(AccessibleForm):
    """The sections in the body's order: the first, the second … (blank: as usual)."""

    def __init__(self, current: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(as usual)")), *Section.choices]
        for place in range(ORDER_SLOTS):
            self.fields[f"place_{place}"] = forms.ChoiceField(
                label=_("Section %(place)d") % {"place": place + 1},
                choices=choices,
                required=False,
                initial=current[place] if place < len(current) else "",
            )

    def order(self) -> list[str]:
        return [self.cleaned_data[f"place_{place}"] for place in range(ORDER_SLOTS)]


class AppendixForm(AccessibleForm):
    title = forms.CharField(
        label=_("Heading"), required=False, help_text=_("Left empty: the document's description.")
    )

    def __init__(self, minutes: Minutes, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph"] = forms.ModelChoiceField(
            Paragraph.objects.filter(minutes=minutes).order_by("number"),
            label=_("Paragraph"),
            required=False,
            empty_label=_("The whole minutes"),
        )
        self.fields["document_number"] = forms.IntegerField(
            label=_("Document number in the paragraph's case"), required=False, min_value=1
        )


def meeting_forms(meeting: Meeting, items: list[AgendaItem], user: Any) -> dict[str, Any]:
    """The empty forms of the meeting page's agenda section for the secretary. Items,
    § and appendices are named as the user may read them: the items' titles as
    mask_items gave them (`shown_title`), an appendix's title with a protected identity
    hidden (OSL 21 kap. 3 §; rewritten for showing only, never saved)."""
    minutes = getattr(meeting, "minutes", None)
    titles = {item.pk: item.shown_title for item in items}  # type: ignore[attr-defined]
    detail_forms = (
        [(item, ItemDetailsForm(item)) for item in items]
        if minutes is None or minutes.locked_at is None
        else []
    )
    for _item, form in detail_forms:
        form.fields["parent"].label_from_instance = lambda i: titles[i.pk]  # type: ignore[attr-defined]
    appendix_form = AppendixForm(minutes) if minutes is not None and not minutes.locked_at else None
    if appendix_form is not None:
        paragraph = appendix_form.fields["paragraph"]
        paragraph.label_from_instance = lambda p: f"§ {p.number} {titles[p.item_id]}"  # type: ignore[attr-defined]
    appendices = list(minutes.appendices.select_related("paragraph")) if minutes else []
    if minutes is not None and appendices:
        hiding = paragraph_hiders(user, minutes)
        for appendix in appendices:
            appendix.title = hiding(appendix.paragraph_id)(appendix.title)
    return {
        "procedural_form": ProceduralItemForm() if minutes is None else None,
        "detail_forms": detail_forms,
        "order_form": SectionOrderForm(list(meeting.body.section_order or [])),
        "appendix_form": appendix_form,
        "appendices": appendices,
    }
