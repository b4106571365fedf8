from django.urls import path

from kansli.retention.views import disposal, holds, plans

app_name = "retention"

urlpatterns = [
    path("informationshanteringsplan/", plans.index, name="index"),
    path("informationshanteringsplan/importera/", plans.import_plan, name="import"),
    path("informationshanteringsplan/<int:pk>/", plans.detail, name="detail"),
    path("informationshanteringsplan/<int:pk>/csv/", plans.export_csv, name="csv"),
    path("informationshanteringsplan/<int:pk>/pdf/", plans.export_pdf, name="pdf"),
    path("gallring/", disposal.index, name="disposal"),
    path("gallring/<int:pk>/", disposal.run_detail, name="run"),
    path("gallring/<int:pk>/forlopp/", disposal.progress, name="progress"),
    path("gallring/<int:pk>/granska/", disposal.review, name="review"),
    path("gallring/<int:pk>/tillbaka/", disposal.send_back, name="send_back"),
    path("gallring/<int:pk>/gallra/", disposal.dispose, name="dispose"),
    path("gallring/<int:pk>/undanta/<int:item>/", disposal.exclude, name="exclude"),
    path("bevarande/", holds.index, name="holds"),
    path("bevarande/<int:pk>/hav/", holds.lift, name="lift"),
    path("bevarande/sokning/", holds.hold_search, name="hold-search"),
]
