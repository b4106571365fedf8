"""Kansli's API, version 1, at /api/v1/ (Django Ninja). The OpenAPI description is at
/api/v1/openapi.json and readable documentation at /api/v1/docs.

Every answer that is not a success is JSON with a `detail` message in Swedish:
401 not signed in, 403 not allowed, 404 not found (also for what the caller may not
see), 422 refused input with the messages per field in `errors`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from kansli.distribution.api import router as distribution_router
from kansli.eservices.api import router as intake_router
from kansli.meetings.api import router as meetings_router
from kansli.meetings.api_agenda import router as agenda_router
from kansli.meetings.api_attendance import router as attendance_router
from kansli.meetings.api_cycle import router as meeting_cycle_router
from kansli.meetings.api_dates import router as meeting_dates_router
from kansli.meetings.api_decisions import router as decisions_router
from kansli.meetings.api_delegation import router as delegation_router
from kansli.meetings.api_draft import router as draft_router
from kansli.meetings.api_votes import router as votes_router
from kansli.privacy.api import router as privacy_router
from kansli.public.api import TooMany
from kansli.public.api import router as public_router
from kansli.registry.api import router as registry_router
from kansli.reports.api import router as reports_router
from kansli.requests.api import router as requests_router
from kansli.retention.api import router as retention_router
from kansli.search.api import router as saved_searches_router
from kansli.web.api_auth import SessionAuth, TokenAuth
from kansli.web.faults import (
    RETRY_AFTER_SECONDS,
    UNSTORABLE_VALUE,
    storage_fault,
    storage_fault_message,
)

logger = logging.getLogger(__name__)

NOT_FOUND = "Hittades inte."
NOT_SIGNED_IN = (
    "Inloggning krävs: skicka en API-nyckel (Authorization: Bearer <nyckel>) eller logga in."
)
INVALID = "Uppgifterna kunde inte tas emot."
UNREADABLE = "Begäran kunde inte läsas: skicka JSON."

# Swedish for the checks the request schema makes before an action sees the input.
SCHEMA_MESSAGES = {
    "missing": "Uppgiften saknas.",
    "date_from_datetime_parsing": "Ange ett datum ÅÅÅÅ-MM-DD.",
    "date_parsing": "Ange ett datum ÅÅÅÅ-MM-DD.",
    "date_type": "Ange ett datum ÅÅÅÅ-MM-DD.",
    "int_parsing": "Ange ett heltal.",
    "int_type": "Ange ett heltal.",
    "string_type": "Ange en text.",
    "bool_parsing": "Ange true eller false.",
    "bool_type": "Ange true eller false.",
    "enum": "Välj något av {expected}.",
    "greater_than_equal": "Ange minst {ge}.",
    "less_than_equal": "Ange högst {le}.",
    "string_unicode": (
        "Texten innehåller ett tecken som inte kan sparas (NUL eller ett halvt teckenpar)."
    ),
    "string_too_long": "Texten får vara högst {max_length} tecken.",
    "string_too_short": "Texten måste vara minst {min_length} tecken.",
    "string_pattern_mismatch": "Värdet har inte rätt form (mönstret {pattern}).",
    "too_long": "Högst {max_length} värden.",
    "int_from_float": "Ange ett heltal.",
    "date_from_datetime_inexact": "Ange ett datum ÅÅÅÅ-MM-DD.",
    "list_type": "Ange en lista.",
    "model_attributes_type": "Ange ett JSON-objekt.",
    "dict_type": "Ange ett JSON-objekt.",
}

api = NinjaAPI(
    title="Kansli",
    version="1",
    description=__doc__ or "",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
)
api.add_router("", registry_router)
api.add_router("", public_router)
api.add_router("", meetings_router)
api.add_router("", meeting_dates_router)
api.add_router("", agenda_router)
api.add_router("", delegation_router)
api.add_router("", draft_router)
api.add_router("", attendance_router)
api.add_router("", votes_router)
api.add_router("", meeting_cycle_router)
api.add_router("", decisions_router)
api.add_router("", intake_router)
api.add_router("", requests_router)
api.add_router("", reports_router)
api.add_router("", distribution_router)
api.add_router("", saved_searches_router)
api.add_router("", retention_router)
api.add_router("", privacy_router)


def _invalid(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    messages = dict.fromkeys(message for field in errors.values() for message in field)
    detail = " ".join(messages)
    return api.create_response(request, {"detail": detail or INVALID, "errors": errors}, status=422)


@api.exception_handler(ValidationError)
def refused_by_action(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _invalid(request, errors)


@api.exception_handler(RequestInvalid)
def refused_by_schema(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(error["loc"]), []).append(_message(error))
    return _invalid(request, errors)


@api.exception_handler(TooMany)
def too_many(request: HttpRequest, exc: TooMany) -> HttpResponse:
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(PermissionDenied)
def not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Åtkomst nekad."}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(HttpError)
def refused_by_ninja(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """A body that is not JSON (400), a session request without its CSRF token (403)."""
    detail = UNREADABLE if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(OSError)
def storage_out_of_reach(request: HttpRequest, exc: OSError) -> HttpResponse:
    """A full disk or a lost storage: nothing saved (kansli.web.faults). Any other
    OSError is a fault of the code or another service: a server error, as before."""
    if not storage_fault(exc):
        raise exc
    logger.error("Storage fault on %s: %s", request.path, exc)
    detail = storage_fault_message(exc)
    response = api.create_response(request, {"detail": detail}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def refused_by_database(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("Value refused by the database on %s: %s", request.path, exc)
    return _invalid(request, {"__all__": [str(UNSTORABLE_VALUE)]})


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": NOT_SIGNED_IN}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "document_date") → "document_date"; ("query", "year") → "year"."""
    skip = 2 if location and location[0] == "body" else 1
    return ".".join(str(part) for part in location[skip:]) or "__all__"


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error":  # kansli.inputs' checks, whose message is Swedish
        return str(error["ctx"]["error"])
    template = SCHEMA_MESSAGES.get(kind)
    if template is None:
        return str(error.get("msg", INVALID))
    context = {
        key: str(value).replace(" or ", " eller ") for key, value in error.get("ctx", {}).items()
    }
    return template.format(**context)
