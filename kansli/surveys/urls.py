from django.urls import path

from kansli.surveys import views

app_name = "surveys"

urlpatterns = [
    path("enkater/", views.index, name="index"),
    path("enkater/ny/", views.new_survey, name="new"),
    path("enkater/<int:pk>/", views.survey_detail, name="survey"),
    path("enkater/<int:pk>/andra/", views.edit_survey, name="edit"),
    path("enkater/<int:pk>/oppna/", views.open_round, name="open-round"),
    path("enkater/<int:pk>/resultat.csv", views.results_csv, name="csv"),
    path("enkater/<int:pk>/atgard/", views.new_follow_up, name="new-follow-up"),
    path("enkater/atgard/<int:pk>/", views.follow_up_status, name="follow-up-status"),
    path("enkater/omgang/<int:pk>/", views.answer, name="answer"),
]
