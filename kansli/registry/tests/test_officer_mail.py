"""The e-mail telling an officer a case is theirs leaves Kansli over SMTP: it names the
case by number and links to it, never by its title, which may name a person or hold
what is secret (as reminders and decisions' e-mails do)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from kansli.org.models import Role
from kansli.org.testing import make_user
from kansli.registry import actions
from kansli.registry.testing import make_case

pytestmark = pytest.mark.django_db


def test_the_assignment_mail_names_the_case_by_number_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = make_case("Skyddat boende Anna Hemlig 850612-1234")
    officer = make_user("handl", roles=[(Role.OFFICER, case.authority)], email="h@kommun.se")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_assign_officer(case, officer, actor=None)

    (message,) = mail.outbox
    assert case.case_number in message.subject and case.case_number in message.body
    assert "Hemlig" not in f"{message.subject} {message.body}" and "850612" not in message.body
