"""Inputs that cannot break the service (issue 12, part 6): text the database cannot
store, numbers and dates out of range, and a storage that cannot take a file. Each is
answered with a Swedish message naming what is wrong (a form error, a page, or a JSON
400/422/503 naming the field), never a 500, and nothing is half saved. These run on
SQLite and on PostgreSQL (which refuses NUL and over-long text with a server error if
nothing stops them first)."""

from __future__ import annotations

import json
import resource
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kansli.files.models import StoredFile
from kansli.org.actions import do_create_api_token
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.testing import make_incoming

pytestmark = pytest.mark.django_db

NUL = "Ansökan\x00"
SURROGATE = "Ansökan \ud800"


@pytest.fixture
def registrar() -> User:
    return make_user("reg", roles=[(Role.REGISTRAR, make_authority("KS"))])


@pytest.fixture
def api(registrar: User) -> Client:
    _token, key = do_create_api_token(registrar, "test", actor=None)
    return Client(headers={"Authorization": f"Bearer {key}"})


def post_json(client: Client, url: str, payload: dict[str, Any]) -> Any:
    # ensure_ascii writes a lone surrogate as the escape \ud800, as any JSON client may
    return client.post(url, json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", NUL, "inte kan sparas"),
        ("title", SURROGATE, "inte kan sparas"),
        ("title", "x" * 501, "högst 500 tecken"),
        ("authority", "K\x00S", "inte kan sparas"),
        ("classification", "x" * 21, "högst 20 tecken"),
    ],
)
def test_the_api_refuses_text_it_cannot_store(
    api: Client, field: str, value: str, message: str
) -> None:
    payload = {"authority": "KS", "title": "Ansökan om bygglov", field: value}
    answer = post_json(api, "/api/v1/cases", payload)
    assert answer.status_code == 422
    assert message in answer.json()["errors"][field][0]
    assert not Case.objects.exists()


@pytest.mark.parametrize("day", ["1899-12-31", "2201-01-01", "0098-04-23", "9999-12-31"])
def test_the_api_refuses_a_day_outside_1900_to_2200(api: Client, day: str) -> None:
    document = make_incoming()
    before = Document.objects.count()
    answer = post_json(
        api,
        f"/api/v1/cases/{document.case_id}/documents",
        {"direction": "inkommen", "document_date": day, "description": "Skrivelse"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"]["document_date"] == ["Ange ett datum mellan år 1900 och 2200."]
    assert Document.objects.count() == before


def test_the_api_refuses_a_year_minus_one(api: Client) -> None:
    answer = post_json(
        api,
        f"/api/v1/cases/{make_incoming().case_id}/documents",
        {"direction": "inkommen", "document_date": "-0001-01-01", "description": "Skrivelse"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"]["document_date"] == ["Ange ett datum ÅÅÅÅ-MM-DD."]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/cases/99999999999999999999999", "case_id"),
        ("/api/v1/files/99999999999999999999999", "file_id"),
        ("/api/v1/search?q=a&year=-7774", "year"),
        ("/api/v1/search?q=a&date_from=0098-04-23", "date_from"),
        ("/api/v1/search?q=a&offset=99999999999999999999", "offset"),
        ("/api/v1/cases?page=692127112459701859647488", "page"),
        ("/api/v1/public/diary?q=%00", "q"),
        ("/api/v1/public/diary/KS/99999/1", "year"),
    ],
)
def test_the_api_range_checks_numbers_and_days(api: Client, url: str, field: str) -> None:
    answer = api.get(url)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["errors"]


def test_a_form_refuses_a_day_outside_1900_to_2200(registrar: User) -> None:
    client = Client()
    client.force_login(registrar)
    answer = client.post(
        "/registrera/",
        {
            "mode": "nytt", "authority": registrar.roles.get().authority_id, "title": "Ansökan",
            "direction": "inkommen", "document_date": "1899-12-31", "counterpart": "Anna",
            "description": "Ansökan",
        },
    )  # fmt: skip
    assert answer.status_code == 200
    assert "Ange ett datum mellan år 1900 och 2200." in answer.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_page_refuses_nul_with_a_swedish_page(registrar: User, method: str) -> None:
    client = Client()
    client.force_login(registrar)
    answer = getattr(client, method)("/sok/?q=a%00b" if method == "get" else "/registrera/",
                                     {} if method == "get" else {"title": NUL})  # fmt: skip
    assert answer.status_code == 400
    assert "inte kan sparas (NUL" in answer.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/sok/?q=bygglov&fran=99999999999999999999",
        "/diarium/?q=bygglov&fran_rad=99999999999999999999",
    ],
)
def test_a_list_far_beyond_its_end_is_empty_not_an_error(registrar: User, url: str) -> None:
    client = Client()
    client.force_login(registrar)
    assert client.get(url).status_code == 200


@pytest.fixture
def full_disk(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """The storage takes no more than 128 kB of a file: the kernel refuses the rest of
    the write (EFBIG, as a full disk refuses it with ENOSPC)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (128 * 1024, limit[1]))
    try:
        yield Path(settings.MEDIA_ROOT)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, handler)


def big_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("beslut.pdf", b"%PDF-1.4\n" + b"0" * (600 * 1024))


def no_partial_file(media: Path) -> None:
    assert not StoredFile.objects.exists() and not DocumentFile.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_full_disk_gives_the_api_a_json_503_and_leaves_nothing(
    api: Client, full_disk: Path
) -> None:
    document = make_incoming()
    answer = api.post(f"/api/v1/documents/{document.pk}/files", {"file": big_pdf()})
    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert "lagringen är full" in answer.json()["detail"]
    assert int(answer["Retry-After"]) > 0
    no_partial_file(full_disk)


def test_a_full_disk_gives_a_page_in_swedish_and_leaves_nothing(
    registrar: User, full_disk: Path
) -> None:
    client = Client()
    client.force_login(registrar)
    answer = client.post(
        "/registrera/",
        {
            "mode": "nytt", "authority": registrar.roles.get().authority_id, "title": "Ansökan",
            "direction": "inkommen", "document_date": timezone.localdate().isoformat(),
            "counterpart": "Anna", "description": "Ansökan", "uploads": [big_pdf()],
        },
    )  # fmt: skip
    assert answer.status_code == 503
    assert "Ingenting sparades" in answer.content.decode()
    assert not Case.objects.exists()
    no_partial_file(full_disk)


def test_only_the_storages_faults_are_called_a_full_storage() -> None:
    import errno

    from kansli.web.faults import storage_fault

    assert storage_fault(OSError(errno.ENOSPC, "No space left on device"))
    assert storage_fault(OSError(errno.EFBIG, "File too large"))
    assert not storage_fault(ConnectionRefusedError(errno.ECONNREFUSED, "SMTP refused"))
    assert not storage_fault(OSError("no errno"))
