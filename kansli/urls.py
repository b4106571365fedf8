from django.contrib import admin
from django.urls import include, path

from kansli.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("kansli.web.urls")),
    path("", include("kansli.registry.urls")),
    path("", include("kansli.access.urls")),
    path("", include("kansli.public.urls")),
]
