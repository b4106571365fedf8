from django.urls import path

from kansli.access import views

app_name = "access"

urlpatterns = [
    path("arenden/<int:pk>/behorighet/", views.case_access, name="case"),
    path("arenden/<int:pk>/behorighet/ge/", views.grant_access, name="grant"),
    path("arenden/<int:pk>/behorighet/grupp/", views.move_case, name="move-case"),
    path("arenden/<int:pk>/behorighet/medlem/", views.add_member, name="add-member"),
    path(
        "arenden/<int:pk>/behorighet/medlem/<int:membership>/avsluta/",
        views.end_membership,
        name="end-membership",
    ),
    path(
        "arenden/<int:pk>/handlingar/<int:number>/lasningar/",
        views.document_reads,
        name="document-reads",
    ),
    path("behorighet/lasningar/<int:user_id>/", views.user_reads, name="user-reads"),
]
