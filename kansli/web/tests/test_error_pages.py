"""Error pages in the product's layout, in Swedish, with a way back (issue 12, part 10);
the API keeps answering JSON."""

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user

pytestmark = pytest.mark.django_db


def broken(request: Any) -> Any:
    raise RuntimeError("a fault")


urlpatterns = [path("trasig/", broken), path("", include("kansli.urls"))]


def laid_out(html: str, heading: str) -> None:
    assert '<html lang="sv">' in html and 'class="skip-link"' in html and '<main id="main"' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/">Tillbaka till startsidan</a>' in html


def test_404_403_and_405_have_the_layout_in_swedish() -> None:
    client = Client()
    client.force_login(make_user("reg", roles=[(Role.REGISTRAR, make_authority())]))
    missing = client.get("/arenden/999999/")
    assert missing.status_code == 404
    laid_out(missing.content.decode(), "Hittades inte")
    not_allowed = client.get("/moten/1/utskick/")
    assert not_allowed.status_code == 405 and not_allowed["Allow"] == "POST"
    laid_out(not_allowed.content.decode(), "Inte på det här sättet")
    forbidden = client.get("/behorighet/lasningar/1/")
    assert forbidden.status_code == 403
    laid_out(forbidden.content.decode(), "Inte tillåtet")
    anonymous = Client().get("/diarium/finns/inte/")
    assert anonymous.status_code == 404 and 'href="/diarium/"' in anonymous.content.decode()
    api = Client().get("/api/v1/cases/1")
    assert api["Content-Type"].startswith("application/json")


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_500_has_the_layout_and_tells_nothing_of_the_fault() -> None:
    answer = Client(raise_request_exception=False).get("/trasig/")
    assert answer.status_code == 500
    html = answer.content.decode()
    laid_out(html, "Något gick fel")
    assert "a fault" not in html and "RuntimeError" not in html
