from django.urls import path

from kansli.search import views

app_name = "search"

urlpatterns = [
    path("sok/spara/", views.save, name="save"),
    path("sok/sparade/<int:pk>/ta-bort/", views.delete, name="delete"),
]
