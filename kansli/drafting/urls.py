from django.urls import path

from kansli.drafting import views

app_name = "drafting"

urlpatterns = [
    path("mallar/", views.index, name="index"),
    path("mallar/<str:kind>/", views.kind, name="kind"),
    path("mallar/<str:kind>/mall.docx", views.download, name="download"),
    path("mallar/<str:kind>/forhandsvisning/", views.preview, name="preview"),
    path("mallar/<str:kind>/forhandsvisning.pdf", views.preview_pdf, name="preview-pdf"),
    path("arenden/<int:pk>/mallar/<str:kind>/docx/", views.produce, {"fmt": "docx"},
         name="produce-docx"),
    path("arenden/<int:pk>/mallar/<str:kind>/pdf/", views.produce, {"fmt": "pdf"},
         name="produce-pdf"),
]  # fmt: skip
