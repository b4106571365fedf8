"""The public form: anyone asks without signing in and gets a receipt; nothing that
identifies them is kept (TF 2 kap. 18 §); spam and bad input are refused in Swedish."""

import pytest
from django.apps import apps
from django.core.cache import caches
from django.test import Client

from kansli.org.testing import make_authority
from kansli.registry.models import Case
from kansli.requests.models import AccessRequest
from kansli.web import spam

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
BROWSER = "Mozilla/5.0 (X11; Linux) Testbrowser/99.1"


def post(data: dict, **extra: str) -> object:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER, HTTP_ACCEPT_LANGUAGE="sv")
    return client.post("/begaran/", data | extra)


def form(ks: object, **fields: str) -> dict:
    values = {"authority": ks.pk, "description": "Protokollet från 3 maj",  # type: ignore[attr-defined]
              "name": "", "contact": ""}  # fmt: skip
    return values | spam.filled_in() | fields


def test_the_form_is_in_swedish_and_says_no_one_need_say_who_they_are() -> None:
    make_authority("KS")
    page = Client(HTTP_ACCEPT_LANGUAGE="sv").get("/begaran/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "TF 2 kap. 18 §" in text and "Kommunstyrelsen" in text
    assert 'name="webbadress"' in text


def test_an_anonymous_request_gets_a_receipt_and_leaves_no_trace() -> None:
    ks = make_authority("KS")
    answer = post(form(ks))
    assert answer.status_code == 302  # type: ignore[attr-defined]
    made = AccessRequest.objects.get()
    assert made.channel == "web" and made.received_by is None and made.name == ""
    receipt = Client(HTTP_ACCEPT_LANGUAGE="sv").get(answer["Location"])  # type: ignore[index]
    assert made.case.case_number in receipt.content.decode()
    assert "Protokollet" not in receipt.content.decode()
    # No row of any table, and no cache key or value, holds the address or the browser.
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            assert ADDRESS not in str(row) and BROWSER not in str(row), model
    for cache in caches.all():
        for key, value in getattr(cache, "_cache", {}).items():
            assert ADDRESS not in str(key) + str(value)


def test_an_empty_post_is_refused_as_spam() -> None:
    answer = Client(HTTP_ACCEPT_LANGUAGE="sv").post("/begaran/", {})
    assert answer.status_code == 200 and spam.TOO_OLD in answer.content.decode()
    assert not AccessRequest.objects.exists()


def test_a_receipt_is_reached_only_by_its_signed_token() -> None:
    ks = make_authority("KS")
    post(form(ks))
    made = AccessRequest.objects.get()
    assert Client().get(f"/begaran/kvitto/{made.pk}/").status_code == 404
    assert Client().get("/begaran/kvitto/bad:token/").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": ""}, "Detta fält måste fyllas i."),
        ({"description": "x" * 5001}, "som mest 5000 tecken"),
        ({"name": "N" * 201}, "som mest 200 tecken"),
        ({"authority": "999999"}, "Välj ett giltigt alternativ."),
        ({spam.HONEYPOT: "http://spam.example"}, spam.ROBOT),
        ({spam.STAMP: "forged"}, spam.TOO_OLD),
    ],
)
def test_bad_input_and_spam_are_refused_in_swedish_and_nothing_is_saved(
    fields: dict, message: str
) -> None:
    ks = make_authority("KS")
    answer = post(form(ks, **fields))
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert message in answer.content.decode()  # type: ignore[attr-defined]
    assert not AccessRequest.objects.exists() and not Case.objects.exists()
