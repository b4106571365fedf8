from django.urls import path

from kansli.public import staff, views

app_name = "public"

urlpatterns = [
    path("diarium/", views.diary, name="diary"),
    path("diarium/<str:code>/<int:year>/<int:number>/", views.case, name="case"),
    path("diarium/filer/<int:pk>/<str:name>", views.published_file, name="file"),
    path("diarium/publicera/<int:pk>/", staff.publish, name="publish"),
]
