from django.urls import path

from kansli.mailbox import views

app_name = "mailbox"

urlpatterns = [
    path("registrera/inkorg/<int:pk>/vidarebefordra/", views.forward, name="forward"),
    path("registrera/karantan/", views.quarantine, name="quarantine"),
    path("registrera/karantan/<int:pk>/fil/", views.quarantined_file, name="quarantine-file"),
]
