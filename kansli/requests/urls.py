from django.urls import path

from kansli.requests.views import deliver, intake, overview, redact, refuse, review

app_name = "requests"

urlpatterns = [
    path("begaran/", intake.public_form, name="public"),
    path("begaran/kvitto/<str:token>/", intake.receipt, name="receipt"),
    path("begaran/registrera/", intake.register, name="register"),
    path("begaran/inkorg/<int:pk>/", intake.from_inbox, name="from-inbox"),
    path("begaran/oversikt/", overview.overview, name="overview"),
    path("begaran/<int:pk>/", overview.detail, name="detail"),
    path("begaran/<int:pk>/handlingar/", review.add_item, name="add-item"),
    path("begaran/handling/<int:pk>/provning/", review.review, name="review"),
    path("begaran/handling/<int:pk>/overlamna/", review.refer, name="refer"),
    path("begaran/handling/<int:pk>/koppla/", review.link, name="link"),
    path("begaran/handling/<int:pk>/ta-bort/", review.remove_item, name="remove-item"),
    path("begaran/<int:pk>/leverera/", deliver.deliver, name="deliver"),
    path("begaran/utlamnande/<int:pk>/dra-tillbaka/", deliver.revoke_link, name="revoke-link"),
    path("begaran/<int:pk>/handling/<int:item_pk>/maskera/", redact.redact, name="redact"),
    path(
        "begaran/<int:pk>/handling/<int:item_pk>/maskera/sida/<int:page>.png",
        redact.page_image,
        name="redact-page",
    ),
    path(
        "begaran/<int:pk>/handling/<int:item_pk>/maskera/sok/", redact.search, name="redact-search"
    ),
    path(
        "begaran/<int:pk>/handling/<int:item_pk>/maskera/<int:redaction_pk>/",
        redact.result,
        name="redact-result",
    ),
    path(
        "begaran/<int:pk>/handling/<int:item_pk>/maskera/<int:redaction_pk>/sida/<int:page>.png",
        redact.result_image,
        name="redact-result-page",
    ),
    path("begaran/<int:pk>/avslag/", refuse.refuse, name="refuse"),
    path("begaran/hamta/<str:token>/", deliver.download, name="download"),
    path("begaran/hamta/<str:token>/<int:file_pk>/", deliver.download_file, name="download-file"),
]
