from django.urls import path

from kansli.handbook import views

app_name = "handbook"

urlpatterns = [
    path("handbok/", views.index, name="index"),
    path("handbok/ny/", views.create, name="create"),
    path("handbok/<int:pk>/", views.detail, name="detail"),
    path("handbok/<int:pk>/andra/", views.edit, name="edit"),
    path("handbok/<int:pk>/versioner/", views.versions, name="versions"),
    path("handbok/<int:pk>/versioner/<int:number>/", views.version, name="version"),
    path("diarium/handbok/", views.public_index, name="public-index"),
    path("diarium/handbok/<int:pk>/", views.public_detail, name="public-detail"),
]
