"""The measures page per body (Leksand's seed): a table per quarter with bars drawn by
<meter> elements (no script, no inline style) and a trend chart per measure in SVG
(kansli.meetings.charts), and the same figures as CSV."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kansli.meetings.charts import trends
from kansli.meetings.measures import BUCKET_LABELS, DISPATCH_GOAL, NEWS_GOAL, WEB_GOAL, quarters
from kansli.meetings.models import Body
from kansli.meetings.views.common import staff_bodies
from kansli.registry.views.common import current_user
from kansli.requests.measures import request_quarters
from kansli.web.csvfile import csv_download


def _body(request: HttpRequest, pk: int) -> Body:
    return get_object_or_404(staff_bodies(current_user(request)), pk=pk)


@login_required
def measures(request: HttpRequest, pk: int) -> HttpResponse:
    body = _body(request, pk)
    rows = quarters(body)
    return render(
        request,
        "meetings/measures.html",
        {
            "body": body,
            "quarters": rows,
            "trends": trends(rows),
            "web_goal": WEB_GOAL,
            "dispatch_goal": DISPATCH_GOAL,
            "news_goal": NEWS_GOAL,
            "registration_limit": settings.REGISTRATION_LAG_LIMIT,
            "request_quarters": request_quarters(body.authority),
        },
    )


@login_required
def measures_csv(request: HttpRequest, pk: int) -> HttpResponse:
    body = _body(request, pk)
    rows = quarters(body)
    header = [
        "kvartal", "registreringar",
        f"registrerade inom {settings.REGISTRATION_LAG_LIMIT} arbetsdagar",
        "arbetsdagar till registrering, medel",
        "sammanträden", "beslutsärenden", "efter stoppdag", "andel %",
        "ofullständiga vid utskick", "andel %", "extra ärenden",
        *[f"ledamöter öppnade {b} dagar efter utskick" for b in BUCKET_LABELS],
        "ledamöter öppnade aldrig",
        *[f"ersättare öppnade {b} dagar efter utskick" for b in BUCKET_LABELS],
        f"protokoll på webben inom {WEB_GOAL} arbetsdagar", "justerade protokoll",
        f"expedierat inom {DISPATCH_GOAL} arbetsdagar", "expedieringar",
        "snabbnytt", f"läst snabbnytt inom {NEWS_GOAL} arbetsdagar", "anställda", "andel %",
    ]  # fmt: skip
    lines = (
        [q.label, q.registrations, q.registered_in_time, q.registration_lag,
         q.meetings, q.items, q.late, q.late_share, q.incomplete, q.incomplete_share,
         sum(n for _, n in q.extra_per_meeting), *[n for _, n, _s in q.opening_rows],
         q.never_opened, *[s for _, _n, s in q.opening_rows],
         q.web_within_goal, len(q.to_web), q.dispatch_within_goal, len(q.to_dispatch),
         q.news, q.news_read, q.news_staff, q.news_share]
        for q in rows
    )  # fmt: skip
    return csv_download(f"matt-{body.code}", header, lines)
