"""What the meeting views share: which bodies and meetings a member of staff works
with, and running an action from a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from kansli.meetings.models import Body, Meeting
from kansli.org.models import Authority, Role, User
from kansli.registry.forms import AccessibleForm, find_case
from kansli.registry.models import Case, Document
from kansli.registry.permissions import has_role
from kansli.registry.views.common import run_action


def staff_bodies(user: User) -> QuerySet[Body]:
    """The bodies whose meetings the user prepares for (officers, secretaries,
    managers and registrars of the authority: kansli.access.rules)."""
    return Body.objects.visible_to(user).select_related("authority", "committee")


def members_of(meeting: Meeting) -> QuerySet[User]:
    """The body's elected members (and substitutes) on the meeting's day."""
    return User.objects.filter(pk__in=meeting.body.members_on(meeting.day).values("user"))


def staff_meeting(request: HttpRequest, pk: int) -> Meeting:
    """A meeting of a body the user works with; 404 otherwise, as for a missing one."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    meetings = Meeting.objects.visible_to(user).select_related(
        "body__authority__municipality", "body__committee"
    )
    return get_object_or_404(meetings, pk=pk)


def case_in(user: User, authority: Authority, text: str, field: str) -> Case:
    """The authority's case with this number, as the user may see it; refused next to
    `field` otherwise."""
    found = find_case(user, text, authority)
    if found is None:
        raise ValidationError(
            {field: _("No case with that number in %(code)s.") % {"code": authority.code}}
        )
    return found


def documents_numbered(user: User, case: Case, numbers: list[int], field: str) -> list[Document]:
    """The case's documents with these numbers, as the user may read them; refused with
    the numbers that are not there (or not for the user)."""
    if not numbers:
        return []
    documents = Document.objects.visible_to(user).filter(case=case, number__in=numbers)
    found = {document.number: document for document in documents}
    missing = [str(number) for number in numbers if number not in found]
    if missing:
        raise ValidationError(
            {field: _("The case has no document %(numbers)s.") % {"numbers": ", ".join(missing)}}
        )
    return [found[number] for number in numbers]


def is_secretary(user: Any, body: Body) -> bool:
    return has_role(user, body.authority, [Role.SECRETARY])


def run_or_refuse(
    request: HttpRequest,
    form: AccessibleForm,
    run: Callable[[], str],
    done: str,
    meeting: Meeting,
    *,
    one_transaction: bool = True,
) -> HttpResponse:
    """For a form posted from another page (a button on the meeting or the minutes):
    run the action and go to `done`, or show on a page of its own why nothing was saved.
    `one_transaction=False` for an action that renders outside its transactions."""
    answer = run_action(request, form, run, done, one_transaction=one_transaction)
    if answer is not None:
        return answer
    context = {"meeting": meeting, "form": form, "back": done}
    return render(request, "meetings/not_saved.html", context)
