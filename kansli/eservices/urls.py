from django.urls import path

from kansli.eservices import views
from kansli.eservices.models import Kind

app_name = "eservices"

urlpatterns = [
    path("e-tjanster/", views.index, name="index"),
    path("e-tjanster/medborgarforslag/", views.submit, {"kind": Kind.PROPOSAL}, name="proposal"),
    path("e-tjanster/synpunkt/", views.submit, {"kind": Kind.FEEDBACK}, name="feedback"),
    path("e-tjanster/e-forslag/", views.submit, {"kind": Kind.PETITION}, name="petition-new"),
    path("e-tjanster/e-forslag/<int:pk>/", views.petition, name="petition"),
    path("e-tjanster/e-forslag/bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("e-tjanster/kvitto/<str:token>/", views.receipt, name="receipt"),
    path("e-tjanster/granskning/", views.review_list, name="review-list"),
    path("e-tjanster/granskning/<int:pk>/", views.review, name="review"),
    path("e-tjanster/diarietext/", views.describe_list, name="describe-list"),
]
