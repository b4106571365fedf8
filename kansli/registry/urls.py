from django.urls import path

from kansli.registry.views import (
    case_actions,
    cases,
    files,
    inbox,
    letters,
    lists,
    lookups,
    register,
    search,
)

app_name = "registry"

urlpatterns = [
    path("sok/", search.search_page, name="search"),
    path("registrera/", register.register, name="register"),
    path("registrera/kontroll/", lookups.registration_checks, name="register-checks"),
    path("registrera/avsandare/", lookups.counterpart_suggestions, name="counterparts"),
    path("registrera/handlingstyp/", lookups.document_type_field, name="register-types"),
    path("registrera/kontroll/filer/", lookups.file_checks, name="register-file-checks"),
    path("registrera/sena/", lists.late_registrations, name="late"),
    path("registrera/inkorg/", inbox.inbox, name="inbox"),
    path("registrera/inkorg/<int:pk>/", inbox.register_item, name="inbox-register"),
    path("registrera/inkorg/<int:pk>/fil/", inbox.item_file, name="inbox-file"),
    path("arenden/mina/", lists.my_cases, name="mine"),
    path("arenden/<int:pk>/", cases.case_detail, name="case"),
    path("arenden/<int:pk>/handlaggare/", case_actions.assign_officer, name="assign"),
    path("arenden/<int:pk>/status/", case_actions.change_status, name="status"),
    path("arenden/<int:pk>/andra/", case_actions.change_case, name="change"),
    path("arenden/<int:pk>/besluta-senast/", case_actions.set_due_date, name="due-date"),
    path("arenden/<int:pk>/relatera/", case_actions.relate_case, name="relate"),
    path("arenden/<int:pk>/parter/", case_actions.add_party, name="add-party"),
    path("arenden/<int:pk>/filer/", files.attach, name="attach"),
    path(
        "arenden/<int:pk>/handlingar/<int:number>/filer/<int:file_id>/",
        files.download,
        name="file",
    ),
    path(
        "arenden/<int:pk>/handlaggningsbesked.pdf",
        letters.acknowledgement,
        name="acknowledgement",
    ),
    path(
        "arenden/<int:pk>/handlaggningsbesked/registrera/",
        letters.register_acknowledgement,
        name="register-acknowledgement",
    ),
    path(
        "arenden/<int:pk>/handlingar/<int:number>/ratta/",
        case_actions.correct_document,
        name="correct",
    ),
    path(
        "arenden/<int:pk>/handlingar/<int:number>/makulera/",
        case_actions.void_document,
        name="void",
    ),
    path(
        "arenden/<int:pk>/handlingar/<int:number>/sekretess/",
        case_actions.mark_secrecy,
        name="secrecy",
    ),
]
