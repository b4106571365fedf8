from django.urls import path

from kansli.reports import views

app_name = "reports"

urlpatterns = [
    path("tjansteskrivelser/", views.my_reports, name="mine"),
    path("arenden/<int:pk>/tjansteskrivelser/", views.case_reports, name="case"),
    path("tjansteskrivelser/<int:pk>/", views.report_page, name="report"),
    path("tjansteskrivelser/<int:pk>/word/", views.download, name="download"),
    path("tjansteskrivelser/<int:pk>/ladda-upp/", views.upload, name="upload"),
    path("tjansteskrivelser/<int:pk>/godkann/", views.approve, name="approve"),
    path("tjansteskrivelser/<int:pk>/atervisa/", views.return_report, name="return"),
    path("tjansteskrivelser/regler/<str:code>/", views.rules, name="rules"),
]
