from django.urls import URLPattern

app_name = "mailbox"

urlpatterns: list[URLPattern] = []
