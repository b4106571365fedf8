from django.urls import path

from kansli.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
