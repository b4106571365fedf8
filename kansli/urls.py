from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kansli.api import api
from kansli.web import health, metrics
from kansli.web.login import admin_login

urlpatterns = [
    # Answered by kansli.web.health.ProbeMiddleware, before the rest of the middleware.
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("metrics", metrics.metrics, name="metrics"),
    # Before the admin: it signs in through the one login page (lockout, code, audit).
    path("admin/login/", admin_login, name="admin_login"),
    # Its own password change would save past the action (rules, audit): the one page.
    path("admin/password_change/", RedirectView.as_view(pattern_name="change_password")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("kansli.web.urls")),
    path("", include("kansli.registry.urls")),
    path("", include("kansli.access.urls")),
    path("", include("kansli.public.urls")),
    path("", include("kansli.meetings.urls")),
    path("", include("kansli.requests.urls")),
    path("", include("kansli.eservices.urls")),
    path("", include("kansli.mailbox.urls")),
    path("", include("kansli.distribution.urls")),
    path("", include("kansli.drafting.urls")),
    path("", include("kansli.reports.urls")),
    path("", include("kansli.handbook.urls")),
    path("", include("kansli.surveys.urls")),
    path("", include("kansli.reorganisation.urls")),
    path("", include("kansli.search.urls")),
    path("", include("kansli.retention.urls")),
    path("", include("kansli.privacy.urls")),
    path("", include("kansli.archive.urls")),
    path("", include("kansli.sso.urls")),
]
handler500 = "kansli.web.faults.server_error"
