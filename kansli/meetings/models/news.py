from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models.bodies import Body
from kansli.meetings.models.meetings import Meeting

USER = settings.AUTH_USER_MODEL


class NewsItemQuerySet(models.QuerySet["NewsItem"]):
    def visible_to(self, user: Any) -> NewsItemQuerySet:
        """The staff of the body's authority read it (kansli.access.rules)."""
        from kansli.access.rules import visible_news

        return visible_news(self, user)


class NewsItem(models.Model):
    """Snabbnytt: the short news the secretary publishes to the staff after each
    meeting (what the board decided). Leksand's measure 8 is the share of staff who
    read it within three working days."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="news")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="news"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class NewsRead(models.Model):
    """When a member of staff first read a news item."""

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("read"))

    class Meta:
        verbose_name = _("news read")
        verbose_name_plural = _("news reads")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="read_news_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.item}"
