from django.urls import path

from kansli.reorganisation import views

app_name = "reorganisation"

urlpatterns = [
    path("omorganisation/", views.index, name="index"),
    path("omorganisation/ny/ansvar/", views.plan_move, name="plan-move"),
    path("omorganisation/ny/enheter/", views.plan_units, name="plan-units"),
    path("omorganisation/<int:pk>/", views.detail, name="detail"),
    path("omorganisation/<int:pk>/genomfor/", views.carry_out, name="carry-out"),
    path("omorganisation/<int:pk>/rapport.csv", views.report_csv, name="csv"),
]
