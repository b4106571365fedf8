"""The public forms of the e-services. They check what they can at once, next to each
field; the actions check again and have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.eservices.actions import MAX_ATTACHMENTS, MAX_REASON
from kansli.org.models import Authority
from kansli.registry.forms import AccessibleForm, MultipleFileField


class SubmissionForm(AccessibleForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Your text"), max_length=20000, widget=forms.Textarea)
    name = forms.CharField(label=_("Your name"), max_length=200)
    contact = forms.CharField(
        label=_("E-mail or postal address"), max_length=300, required=False,
        help_text=_("Give an e-mail address to get a receipt by e-mail."),
    )  # fmt: skip
    attachments = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("At most %(count)s files, e.g. PDF, Word or pictures.")
        % {"count": MAX_ATTACHMENTS},
    )  # fmt: skip

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(count)s files.") % {"count": MAX_ATTACHMENTS})
        return list(files)


class ProposalForm(SubmissionForm):
    """A medborgarförslag: its proposer is a member of the municipality (KL 8 kap. 1 §)."""

    resident = forms.BooleanField(
        label=_("I am registered as living in the municipality (folkbokförd)."),
        error_messages={
            "required": _("Only those registered in the municipality may make a citizen proposal.")
        },
    )


class FeedbackForm(SubmissionForm):
    """A synpunkt: to the authority the sender chooses, with or without a name."""

    authority = forms.ModelChoiceField(label=_("To"), queryset=Authority.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.valid_on().order_by("name")  # type: ignore[attr-defined]
        self.fields["name"].required = False
        self.fields["name"].help_text = _("You may leave your comment without a name.")


class SignatureForm(AccessibleForm):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254,
        help_text=_("We send you a link: your signature counts once you have opened it."),
    )  # fmt: skip


class ReviewForm(AccessibleForm):
    """A registrar's review of an e-förslag: publish it, or decline (or take down a
    published one) with a reason. The decision is the button pressed."""

    decision = forms.ChoiceField(choices=[("publish", "publish"), ("decline", "decline")])
    # What the page showed it as: a decline pressed on a page shown before someone else
    # published it must not take it down unseen.
    shown = forms.ChoiceField(
        choices=[("waiting", "waiting"), ("published", "published")], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason for not publishing"), required=False, max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sent to the proposer and kept in the case. Do not quote the proposal or name "
            "anyone in it."
        ),
    )  # fmt: skip
