import pytest
from django.core.management import call_command
from django.db import transaction

from kansli.audit.models import AuditEvent
from kansli.org.demo import OrgDemo
from kansli.org.models import Authority, Committee, Role, RoleAssignment, Unit, User
from kansli.registry.models import Case, Document

pytestmark = pytest.mark.django_db


def test_demo_loads_the_municipality_and_prints_logins(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", "--no-serve", "--scale", "0.02")
    out = capsys.readouterr().out
    assert {a.code for a in Authority.objects.all()} == {
        "KF", "KS", "BUN", "SN", "MBN", "TFN", "KFN",
    }  # fmt: skip
    assert Committee.objects.get(code="KSAU").authority.code == "KS"
    staff = User.objects.exclude(roles__role=Role.ELECTED).count()
    elected = User.objects.filter(roles__role=Role.ELECTED).distinct().count()
    assert 38 <= staff <= 48 and 45 <= elected <= 50
    assert Unit.objects.valid_on().count() >= 6
    assert "registrator" in out and "kansli-demo" in out
    assert User.objects.get(username="admin").is_superuser
    for authority in Authority.objects.all():
        assert Case.objects.filter(authority=authority).exists(), authority
    assert Document.objects.filter(secrecy__isnull=False).exists()
    assert Case.objects.exclude(officer=None).exists()
    assert "Diarium:" in out
    # Issue 4: access groups, protected identities and secret letters to keep away.
    from kansli.access.models import AccessGroup
    from kansli.registry.models import Party

    assert AccessGroup.objects.filter(unit__name="HR-avdelningen").exists()
    assert not Case.objects.filter(access_group=None).exists()
    assert Party.objects.filter(protected_identity=True).exists()
    assert "Behörighet:" in out
    # Issue 5: a committee year, the meetings held so far with approved, sealed minutes.
    from kansli.meetings.models import Ballot, Body, Conflict, Meeting, Minutes, Notice

    assert Body.objects.count() == 8 and Meeting.objects.count() >= 8 * 11
    approved = Minutes.objects.filter(locked_at__isnull=False, sealed__isnull=False)
    assert approved.exists() and Notice.objects.count() == approved.count()
    assert Ballot.objects.exists() and Conflict.objects.exists()
    assert Document.objects.filter(document_type="Protokollsutdrag").exists()
    # Issue 13: Exempelstad is in no real county, so its extracts name no court.
    import pypdf

    from kansli.meetings.models import Paragraph

    decided = Paragraph.objects.filter(outcome="beslutat", extract__isnull=False).first()
    assert decided is not None and decided.extract is not None
    (stored,) = [f.stored for f in decided.extract.files.all()]
    with stored.open() as handle:
        pages = pypdf.PdfReader(handle).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Skriv till förvaltningsrätten och" in text and "Förvaltningsrätten i" not in text
    from kansli.meetings.models import DelegatedDecision

    assert DelegatedDecision.objects.filter(reported_in__isnull=False).exists()
    assert DelegatedDecision.objects.filter(posted_on__isnull=False).exists()
    assert "Sammanträden:" in out
    # Issue 13 part 10: KS's snabbnytt, read by some of the staff in time (measure 8).
    from kansli.meetings.measures import quarters
    from kansli.meetings.models import NewsItem

    ks = Body.objects.get(authority__code="KS", committee=None)
    assert NewsItem.objects.filter(body=ks).exists()
    assert any(0 < q.news_read < q.news_staff for q in quarters(ks))
    # Issue 13 parts 1 and 7: held meetings open with procedural items and a guest.
    from kansli.meetings.models import Attendance

    assert Paragraph.objects.filter(item__case=None, item__title="Mötets öppnande").exists()
    assert Attendance.objects.filter(capacity="ovrig", user=None, name="Eva Lind").exists()
    # Issue 14: requests for public documents in each state, and the e-services.
    from kansli.eservices.models import Submission
    from kansli.requests.models import AccessRequest, Appeal, Delivery

    assert AccessRequest.objects.filter(answered_at=None, items__review="pending").exists()
    assert Delivery.objects.filter(method="link").exists()
    assert Appeal.objects.exclude(forwarded_at=None).exists()
    assert {s.kind for s in Submission.objects.all()} == {
        "medborgarforslag",
        "synpunkt",
        "e-forslag",
    }
    assert "Begäran om allmän handling: 3" in out and "E-tjänster:" in out
    # At any date: no case on the agenda of a meeting held before it was opened, and
    # nothing opened, assigned, registered or approved at a time still to come.
    from django.db.models import F
    from django.utils import timezone

    from kansli.meetings.models import AgendaItem, Approval

    now = timezone.now()
    assert not AgendaItem.objects.filter(case__opened_at__gt=F("meeting__starts_at")).exists()
    assert not Case.objects.filter(opened_at__gt=now).exists()
    assert not Case.objects.filter(assigned_at__gt=now).exists()
    assert not Document.objects.filter(registered_at__gt=now).exists()
    assert not Approval.objects.filter(approved_at__gt=now).exists()


def test_demo_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", "--no-serve", "--scale", "0.02")
    counts = (User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count())
    call_command("demo", "--no-serve", "--scale", "0.02")
    assert (
        User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()
    ) == counts  # fmt: skip


def test_demo_is_deterministic_for_a_seed() -> None:
    def usernames(seed: int) -> list[str]:
        with transaction.atomic():
            OrgDemo(seed).load()
            names = sorted(User.objects.values_list("username", flat=True))
            transaction.set_rollback(True)
        return names

    assert usernames(7) == usernames(7)
    assert usernames(7) != usernames(8)


def test_demo_logins_that_need_a_code_get_the_published_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kansli.web import demo as web_demo
    from kansli.web.testing import totp_code

    call_command("demo", "--no-serve", "--scale", "0.02")
    lines = capsys.readouterr().out.splitlines()
    registrar = next(line for line in lines if line.strip().startswith("registrator "))
    secretary = next(line for line in lines if line.strip().startswith("sekreterare "))
    archivist = next(line for line in lines if line.strip().startswith("arkivarie "))
    assert web_demo.SECRET in registrar and web_demo.SECRET in secretary
    assert web_demo.SECRET not in archivist
    assert any(web_demo.URI in line for line in lines)

    client = Client()
    client.post("/login/", {"username": "registrator", "password": "kansli-demo"})
    device = TOTPDevice.objects.get(user__username="registrator")
    response = client.post("/login/kod/", {"code": totp_code(device)})
    assert response.status_code == 302 and client.get("/").status_code == 200
