from django.urls import path

from kansli.privacy import views

app_name = "privacy"

urlpatterns = [
    path("personuppgifter/", views.person_search, name="person-search"),
    path("personuppgifter/registerforteckning/", views.processing_register, name="register"),
]
