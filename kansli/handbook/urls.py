from django.urls import URLPattern

app_name = "handbook"

urlpatterns: list[URLPattern] = []
