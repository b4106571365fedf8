from django.urls import URLPattern

app_name = "drafting"

urlpatterns: list[URLPattern] = []
