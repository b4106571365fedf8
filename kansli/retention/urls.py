from django.urls import path

from kansli.retention import views

app_name = "retention"

urlpatterns = [
    path("informationshanteringsplan/", views.index, name="index"),
    path("informationshanteringsplan/importera/", views.import_plan, name="import"),
    path("informationshanteringsplan/<int:pk>/", views.detail, name="detail"),
    path("informationshanteringsplan/<int:pk>/csv/", views.export_csv, name="csv"),
    path("informationshanteringsplan/<int:pk>/pdf/", views.export_pdf, name="pdf"),
]
