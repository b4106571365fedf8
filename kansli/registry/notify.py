"""Messages the registry sends, after the change that causes them has committed."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from kansli.registry.models import Case

log = logging.getLogger(__name__)


def officer_assigned(case_id: int) -> None:
    """Tell an officer that a case is now theirs. A failure to send is logged, never
    undoes the assignment."""
    case = Case.objects.select_related("officer", "authority__municipality").get(pk=case_id)
    officer = case.officer
    if officer is None or not officer.email:
        return
    body = render_to_string(
        "registry/mail/officer_assigned.txt",
        {"case": case, "officer": officer, "site": settings.SITE_URL},
    )
    try:
        send_mail(f"Nytt ärende: {case.case_number}", body, None, [officer.email])
    except OSError:
        log.exception("could not e-mail %s about %s", officer.email, case.case_number)
