"""What every part of the API shares: who is calling (ApiRequest) and the shape of
error answers. How a caller is found is kansli.web.api_auth's (the top floor: it asks the
second-factor rule, which asks the access rules)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema

from kansli.org.models import User


class ApiRequest(HttpRequest):
    """A request the API has let in: `auth` is the person calling (for type checking;
    Ninja sets it from whichever authentication succeeded)."""

    auth: User


class ErrorOut(Schema):
    """An unreadable request (400), not signed in (401), not allowed (403), not found
    (404), a request too large (413), too many requests (429, with Retry-After) or the
    storage or database out of reach (503, nothing saved)."""

    detail: str


class InvalidOut(Schema):
    """Refused input (422): a summary and the messages per field ("__all__": not tied
    to one field)."""

    detail: str
    errors: dict[str, list[str]]


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    422: InvalidOut,
    503: ErrorOut,
}
