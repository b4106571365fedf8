"""The sändlistor pages: the lists of the municipality for its staff, a list with its
members (kept by those who may, see kansli.distribution.actions), sending a notice, a
decision, a remiss or a snabbnytt to a list, and the record of a send. What the user may
not read answers 404 like what does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kansli.distribution import actions
from kansli.distribution.forms import MemberForm, NameForm, NewListForm, ReferralForm, SendForm
from kansli.distribution.models import Dispatch, DistributionList, Member
from kansli.meetings.models import Meeting, NewsItem, Paragraph
from kansli.meetings.views.common import is_secretary, staff_meeting
from kansli.org.models import Authority, Municipality, User
from kansli.registry.models import Document
from kansli.registry.permissions import REGISTERING_ROLES, has_role
from kansli.registry.views.common import current_user, require, run_action, visible_case

PER_PAGE = 25


def _lists(request: HttpRequest) -> QuerySet[DistributionList]:
    return DistributionList.objects.visible_to(current_user(request)).select_related(
        "authority", "municipality"
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The lists the user reads (the staff of the municipality), open ones first."""
    user = current_user(request)
    lists = _lists(request).annotate(size=Count("members")).order_by("closed_at", "name", "pk")
    if not lists.exists() and not _keeper_choices(user):
        raise Http404
    page = Paginator(lists, PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "distribution/index.html",
        {"page": page, "may_create": bool(_keeper_choices(user))},
    )


def _keeper_choices(user: User) -> list[tuple[str, str]]:
    """For whom the user may start a list: an authority's id, or "m<id>" for shared."""
    authorities = Authority.objects.valid_on().select_related("municipality")
    choices = [
        (str(a.pk), str(a)) for a in authorities if actions.may_keep(user, a.municipality, a)
    ]
    for municipality in Municipality.objects.all():
        if actions.may_keep(user, municipality, None):
            label = _("Shared across %(municipality)s") % {"municipality": municipality}
            choices.append((f"m{municipality.pk}", label))
    return choices


@login_required
def new_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    choices = _keeper_choices(user)
    if not choices:
        raise Http404
    form = NewListForm(request.POST or None, choices=choices)
    if request.method == "POST":
        made: list[DistributionList] = []

        def run() -> str:
            keeper = form.cleaned_data["keeper"]
            if keeper.startswith("m"):
                municipality = Municipality.objects.get(pk=int(keeper[1:]))
                authority = None
            else:
                authority = Authority.objects.select_related("municipality").get(pk=int(keeper))
                municipality = authority.municipality
            made.append(
                actions.do_create_list(
                    municipality, form.cleaned_data["name"], authority=authority, actor=user
                )
            )
            return _("The list %(name)s is created.") % {"name": made[0].name}

        if form.is_valid():
            done = run_action(request, form, run, reverse("distribution:index"))
            if done and made:
                return redirect("distribution:list", made[0].pk)
            if done:
                return done
    return render(request, "distribution/new.html", {"form": form})


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A list, its members and its sends; its keepers rename it, add and remove members
    and close it here (one form each, told apart by `form`)."""
    user = current_user(request)
    dlist = get_object_or_404(_lists(request), pk=pk)
    keeper = dlist.closed_at is None and actions.may_keep(user, dlist.municipality, dlist.authority)
    here = reverse("distribution:list", args=[dlist.pk])
    which = request.POST.get("form", "")
    posted = request.POST if request.method == "POST" else None
    rename = NameForm(posted if which == "rename" else None, initial={"name": dlist.name})
    member_form = MemberForm(posted if which == "add" else None, dlist=dlist)
    if posted is not None:
        require(keeper)
        done = _post(request, dlist, which, rename, member_form, here)
        if done:
            return done
    members = dlist.members.select_related("user", "authority")
    sends = Dispatch.objects.visible_to(user).filter(dlist=dlist)[:20]
    context = {
        "dlist": dlist,
        "members": members,
        "keeper": keeper,
        "rename": rename,
        "member_form": member_form,
        "sends": sends,
    }
    return render(request, "distribution/list.html", context)


def _post(
    request: HttpRequest,
    dlist: DistributionList,
    which: str,
    rename: NameForm,
    member_form: MemberForm,
    here: str,
) -> HttpResponse | None:
    user = current_user(request)
    if which == "rename":

        def renamed() -> str:
            actions.do_rename_list(dlist, rename.cleaned_data["name"], actor=user)
            return _("The list is renamed.")

        return run_action(request, rename, renamed, here)
    if which == "add":

        def added() -> str:
            data = member_form.cleaned_data
            member_user = None
            if data["kind"] == Member.Kind.USER:
                member_user = User.objects.filter(username=data["username"].strip()).first()
                if member_user is None:
                    raise ValidationError({"username": "Det finns ingen sådan användare."})
            member = actions.do_add_member(
                dlist, data["kind"], data["channel"], user=member_user,
                authority=data["authority"], name=data["name"],
                organisation=data["organisation"], email=data["email"],
                postal_address=data["postal_address"], actor=user,
            )  # fmt: skip
            return _("%(name)s is on the list.") % {"name": member.shown_name}

        return run_action(request, member_form, added, here)
    if which == "remove":
        member = get_object_or_404(dlist.members, pk=request.POST.get("member") or 0)
        actions.do_remove_member(member, actor=user)
        return _done(request, _("The recipient is removed from the list."), here)
    if which == "close":
        actions.do_close_list(dlist, actor=user)
        return _done(request, _("The list is closed."), here)
    raise Http404


def _done(request: HttpRequest, message: str, to: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(to)


@login_required
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The record of a send, each recipient with the channel and how it went, the letters
    to print and, for a remiss, the answers due. Through the gate: 404 to anyone who may
    not read its case, meeting or snabbnytt."""
    user = current_user(request)
    dispatches = Dispatch.objects.visible_to(user).select_related(
        "case", "meeting__body", "paragraph", "news", "sent_by", "outgoing", "dlist"
    )
    dispatch = get_object_or_404(dispatches, pk=pk)
    recipients = list(dispatch.recipients.select_related("answer"))
    letters = [r for r in recipients if r.channel == "brev"]
    context = {"dispatch": dispatch, "recipients": recipients, "letters": letters}
    return render(request, "distribution/dispatch.html", context)


def _sendable_lists(authority: Authority) -> QuerySet[DistributionList]:
    """The open lists of the authority and the shared ones of its municipality."""
    return DistributionList.objects.filter(
        Q(authority=authority) | Q(authority__isnull=True, municipality=authority.municipality),
        closed_at__isnull=True,
    )


def _send_page(
    request: HttpRequest,
    *,
    heading: str,
    back: str,
    authority: Authority,
    sends: QuerySet[Dispatch],
    send: Any,
    referral: bool = False,
) -> HttpResponse:
    user = current_user(request)
    lists = _sendable_lists(authority)
    form_class = ReferralForm if referral else SendForm
    form = form_class(request.POST or None, lists=lists)
    if request.method == "POST":
        made: list[Dispatch] = []

        def run() -> str:
            made.append(send(form.cleaned_data, user))
            return _("Sent to %(list)s.") % {"list": made[0].list_name}

        done = run_action(request, form, run, back)
        if done and made:
            return redirect("distribution:dispatch", made[0].pk)
    context = {
        "heading": heading,
        "back": back,
        "form": form,
        "sends": sends.select_related("sent_by"),
    }
    return render(request, "distribution/send.html", context)


@login_required
def send_notice(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting: Meeting = staff_meeting(request, pk)
    require(is_secretary(user, meeting.body))
    return _send_page(
        request,
        heading=_("Send the notice of %(meeting)s to a list") % {"meeting": meeting},
        back=reverse("meetings:meeting", args=[meeting.pk]),
        authority=meeting.body.authority,
        sends=Dispatch.objects.filter(meeting=meeting, paragraph__isnull=True),
        send=lambda data, actor: actions.do_send_notice(meeting, data["dlist"], actor=actor),
    )


@login_required
def send_decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    paragraphs = Paragraph.objects.visible_to(user).select_related(
        "body__authority", "item__case", "minutes__meeting"
    )
    paragraph = get_object_or_404(paragraphs, pk=pk)
    require(is_secretary(user, paragraph.body))
    return _send_page(
        request,
        heading=_("Dispatch § %(number)s to a list") % {"number": paragraph.number},
        back=reverse("meetings:paragraph", args=[paragraph.pk]),
        authority=paragraph.body.authority,
        sends=Dispatch.objects.filter(paragraph=paragraph),
        send=lambda data, actor: actions.do_send_decision(paragraph, data["dlist"], actor=actor),
    )


@login_required
def send_referral(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    documents = Document.objects.visible_to(user).select_related("case__authority")
    document = get_object_or_404(documents, pk=pk)
    require(has_role(user, document.case.authority, REGISTERING_ROLES))
    return _send_page(
        request,
        heading=_("Send %(document)s on referral") % {"document": document.document_number},
        back=reverse("registry:case", args=[document.case_id]),
        authority=document.case.authority,
        sends=Dispatch.objects.filter(document=document),
        send=lambda data, actor: actions.do_send_referral(
            document, data["dlist"], data["reply_by"], actor=actor
        ),
        referral=True,
    )


@login_required
def send_news(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_object_or_404(NewsItem.objects.visible_to(user).select_related("body"), pk=pk)
    require(is_secretary(user, item.body))
    return _send_page(
        request,
        heading=_("Send the snabbnytt %(title)s to a list") % {"title": item.title},
        back=reverse("meetings:news-item", args=[item.pk]),
        authority=item.body.authority,
        sends=Dispatch.objects.filter(news=item),
        send=lambda data, actor: actions.do_send_news(item, data["dlist"], actor=actor),
    )


@login_required
def case_dispatches(request: HttpRequest, pk: int) -> HttpResponse:
    """The sends about a case (remisser and decisions), for those who read the case, and
    for its registering staff the documents that may be sent on remiss (not secret)."""
    user = current_user(request)
    case = visible_case(request, pk)
    sends = Dispatch.objects.visible_to(user).filter(case=case).select_related("sent_by")
    documents = Document.objects.none()
    if has_role(user, case.authority, REGISTERING_ROLES):  # those who send a remiss
        documents = (
            Document.objects.visible_to(user)
            .filter(case=case, secrecy__isnull=True, voided_at__isnull=True, files__isnull=False)
            .distinct()
        )
    context = {"case": case, "sends": sends, "documents": documents}
    return render(request, "distribution/case.html", context)
