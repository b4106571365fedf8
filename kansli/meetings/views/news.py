"""Snabbnytt for the staff: the news of the bodies of the authorities they work in,
each item's page (opening it records the first reading, Leksand's measure 8), and the
secretary's form to publish one after a meeting."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kansli.access.rules import works_in_an_authority
from kansli.meetings import actions
from kansli.meetings.actions.news import TEXT_MAX, TITLE_MAX
from kansli.meetings.models import NewsItem, NewsRead
from kansli.meetings.views.common import is_secretary, staff_meeting
from kansli.registry.forms import AccessibleForm
from kansli.registry.views.common import current_user, require, run_action

NEWS_PER_PAGE = 25


class NewsForm(AccessibleForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=gettext_lazy("What was decided"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("In your own words, for the staff. Every employee reads it."),
    )


@login_required
def news_list(request: HttpRequest) -> HttpResponse:
    """For those who work in an authority (404 to others, as the meetings list)."""
    user = current_user(request)
    if not works_in_an_authority(user):
        raise Http404
    items = NewsItem.objects.visible_to(user).select_related("body")
    page = Paginator(items, NEWS_PER_PAGE).get_page(request.GET.get("sida"))
    shown = [item.pk for item in page]
    read = set(NewsRead.objects.filter(user=user, item__in=shown).values_list("item_id", flat=True))
    rows = [(item, item.pk in read) for item in page]
    return render(request, "meetings/news_list.html", {"page": page, "rows": rows})


@login_required
def news_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening the item is reading it: the first time is recorded."""
    user = current_user(request)
    items = NewsItem.objects.visible_to(user).select_related("body", "meeting", "published_by")
    item = get_object_or_404(items, pk=pk)
    actions.do_read_news(item, actor=user)
    return render(request, "meetings/news_item.html", {"item": item})


@login_required
def publish_news(request: HttpRequest, pk: int) -> HttpResponse:
    """The body's secretary writes the snabbnytt of a meeting. Only the title is filled
    in: the text is the secretary's, and never the titles of non-public items (OSL)."""
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    require(is_secretary(user, meeting.body))
    title = _("Snabbnytt from %(meeting)s") % {"meeting": meeting}
    form = NewsForm(request.POST or None, initial={"title": title})
    if request.method == "POST":

        def run() -> str:
            data = form.cleaned_data
            item = actions.do_publish_news(
                meeting.body, data["title"], data["text"], meeting=meeting, actor=user
            )
            return _("The snabbnytt is published: %(title)s") % {"title": item.title}

        done = run_action(request, form, run, reverse("meetings:news"))
        if done:
            return done
    hidden = [item.public_heading for item in meeting.items.select_related("secrecy")
              if item.is_secret]  # fmt: skip
    context = {"meeting": meeting, "form": form, "non_public": hidden}
    return render(request, "meetings/news_form.html", context)
