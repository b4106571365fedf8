"""The trend of each of Leksand's measures over the quarters, as small bar charts drawn
on the server in SVG (no script, no library). Each bar has its figure written above it
and the chart's accessible name lists every figure (meetings/_trend.html), so nothing
is told by colour or length alone (WCAG 2.1 1.1.1, 1.4.1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kansli.meetings.measures import DISPATCH_GOAL, NEWS_GOAL, WEB_GOAL, Quarter

BAR, GAP, PLOT, TOP, BOTTOM = 44, 20, 100, 18, 22  # in SVG units


@dataclass
class Bar:
    label: str
    value: float | None  # None: nothing to measure that quarter
    x: int
    y: int
    height: int

    @property
    def middle(self) -> int:
        return self.x + BAR // 2

    @property
    def figure_y(self) -> int:
        """Where the figure is written: just above the bar."""
        return self.y - 4


@dataclass
class Chart:
    title: str
    unit: str
    bars: list[Bar]
    width: int
    height: int = TOP + PLOT + BOTTOM
    baseline: int = TOP + PLOT
    bar_width: int = BAR


def chart(title: str, unit: str, points: Sequence[tuple[str, float | None]], top: float) -> Chart:
    """Bars for (label, value) in order, scaled so that `top` fills the plot."""
    top = max([top, *[value or 0 for _label, value in points]]) or 1
    bars = []
    for index, (label, value) in enumerate(points):
        height = round(PLOT * (value or 0) / top)
        x = GAP + index * (BAR + GAP)
        bars.append(Bar(label, value, x, TOP + PLOT - height, height))
    return Chart(title, unit, bars, width=GAP + len(points) * (BAR + GAP))


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


Measure = Callable[[Quarter], float | None]


def _measures() -> list[tuple[str, str, Measure, float]]:
    """Each measure: its title, unit, value of a quarter and the top of its scale."""
    percent = _("per cent")
    return [
        (_("Registered in time"), percent,
         lambda q: _share(q.registered_in_time, q.registrations), 100),
        (_("After the item deadline"), percent, lambda q: _share(q.late, q.items), 100),
        (_("Incomplete at dispatch"), percent, lambda q: _share(q.incomplete, q.items), 100),
        (_("Extra items per meeting"), _("items, mean"),
         lambda q: round(sum(n for _m, n in q.extra_per_meeting) / q.meetings, 1)
         if q.meetings else None, 1),
        (_("Members who opened the documents within 3 days"), percent,
         lambda q: _share(q.openings["0–3"], q.openings.total() + q.never_opened), 100),
        (_("Minutes on the web within %(goal)s working days") % {"goal": WEB_GOAL}, percent,
         lambda q: _share(q.web_within_goal, len(q.to_web)), 100),
        (_("Decisions dispatched within %(goal)s working days") % {"goal": DISPATCH_GOAL},
         percent, lambda q: _share(q.dispatch_within_goal, len(q.to_dispatch)), 100),
        (_("Snabbnytt read within %(goal)s working days") % {"goal": NEWS_GOAL}, percent,
         lambda q: _share(q.news_read, q.news_staff), 100),
    ]  # fmt: skip


def trends(quarters: Sequence[Quarter]) -> list[Chart]:
    """A chart per measure, the quarters oldest first."""
    ordered = list(reversed(quarters))
    return [chart(title, unit, [(q.label, value(q)) for q in ordered], top)
            for title, unit, value, top in _measures()]  # fmt: skip
