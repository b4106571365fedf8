"""The forms for motions, votes and reservations at a §. They only parse input; the
actions in kansli.meetings.actions.votes decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kansli.access.protected import NOTHING, Hide
from kansli.meetings.actions.votes import FOR_PROPOSAL, MAX_TEXT, name_of
from kansli.meetings.models import Ballot, Dissent, Motion
from kansli.org.models import User
from kansli.registry.forms import AccessibleForm


class MotionChoice(forms.ModelChoiceField):
    """A motion of the §, by its mover and text; `hide` masks in the text a protected
    identity the page's user may not read (OSL 21 kap. 3 §, kansli.access.protected)."""

    hide: Hide = NOTHING

    def label_from_instance(self, obj: Any) -> str:
        return f"{name_of(obj.mover)}: {self.hide(obj.text)[:80]}"


class Person(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return name_of(obj)


class MotionForm(AccessibleForm):
    """A member's motion: the proposal as it stands, or in the member's own words."""

    mover = Person(label=_("Moved by"), queryset=User.objects.none())
    for_proposal = forms.BooleanField(
        label=_("Moves the proposal as it stands (bifall till förslaget)"), required=False
    )
    text = forms.CharField(
        label=_("Motion"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed unless the member moves the proposal: as it is put, e.g. avslag, "
            "återremiss, or the decision the member moves."
        ),
    )
    sometimes_needed = ("text",)

    def __init__(self, deciding: QuerySet[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mover"].queryset = deciding  # type: ignore[attr-defined]

    def motion_text(self) -> str:
        return FOR_PROPOSAL if self.cleaned_data["for_proposal"] else self.cleaned_data["text"]


class ChosenMotionForm(AccessibleForm):
    """One of the § motions: the one the chair finds adopted, or the one withdrawn."""

    motion = MotionChoice(label=_("Motion"), queryset=Motion.objects.none())

    def __init__(self, motions: QuerySet[Motion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["motion"].queryset = motions  # type: ignore[attr-defined]


class VoteForm(AccessibleForm):
    """The proposition (ja for one motion, nej for another) and one row per member
    deciding at the §; the action refuses a missing one by name."""

    yes_motion = MotionChoice(label=_("Yes for"), queryset=Motion.objects.none())
    no_motion = MotionChoice(label=_("No for"), queryset=Motion.objects.none())

    def __init__(
        self, motions: QuerySet[Motion], voters: list[User], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("yes_motion", "no_motion"):
            self.fields[name].queryset = motions  # type: ignore[attr-defined]
        self.voters = voters
        self.sometimes_needed = tuple(f"vote_{voter.pk}" for voter in voters)
        for voter in voters:
            self.fields[f"vote_{voter.pk}"] = forms.ChoiceField(
                label=name_of(voter),
                choices=Ballot.Choice.choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def ballots(self) -> dict[User, str]:
        return {
            v: self.cleaned_data[f"vote_{v.pk}"]
            for v in self.voters
            if self.cleaned_data.get(f"vote_{v.pk}")
        }


class DissentForm(AccessibleForm):
    """A reservation: who, in favour of which motion, and the written reason if given."""

    member = Person(label=_("Member"), queryset=User.objects.none())
    motion = MotionChoice(label=_("In favour of"), queryset=Motion.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Written reason"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, deciding: QuerySet[User], motions: QuerySet[Motion], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = deciding  # type: ignore[attr-defined]
        self.fields["motion"].queryset = motions  # type: ignore[attr-defined]


class DissentReasonForm(AccessibleForm):
    """The written reason for a reservation, handed in before the approval."""

    dissent = forms.ModelChoiceField(label=_("Reservation"), queryset=Dissent.objects.none())
    text = forms.CharField(
        label=_("Written reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, dissents: QuerySet[Dissent], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dissent"]
        field.queryset = dissents  # type: ignore[attr-defined]
        field.label_from_instance = lambda d: name_of(d.user)  # type: ignore[attr-defined]
