from django.urls import path

from kansli.archive import views

app_name = "archive"

urlpatterns = [
    path("e-arkiv/", views.index, name="index"),
    path("e-arkiv/avveckling/", views.retiring, name="retiring"),
    path("e-arkiv/<int:pk>/", views.detail, name="transfer"),
    path("e-arkiv/<int:pk>/forlopp/", views.progress, name="progress"),
    path("e-arkiv/<int:pk>/kvitto.csv", views.receipt, name="receipt"),
]
