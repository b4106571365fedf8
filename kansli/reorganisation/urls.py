from django.urls import URLPattern

app_name = "reorganisation"

urlpatterns: list[URLPattern] = []
