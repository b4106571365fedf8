"""Demo requests for public documents at kommunstyrelsen, as a registrar meets them on
a Monday: an anonymous request from the web form for a secret letter, waiting for its
review; a request by e-mail answered the same day with a download link; and a request
by phone that was refused by the delegate in writing and appealed, the appeal
reconsidered and forwarded to the kammarrätt. Built through the actions; a second run
adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from kansli.access.rules import may_read
from kansli.org.models import Authority, User
from kansli.registry.actions import do_assign_officer
from kansli.registry.demo import RegistryDemo
from kansli.registry.models import Document
from kansli.requests.actions.appeal import do_forward_appeal, do_reconsider, do_register_appeal
from kansli.requests.actions.deliver import do_deliver
from kansli.requests.actions.intake import do_register_request
from kansli.requests.actions.refuse import do_ask_for_decision, do_refuse, refusal_point
from kansli.requests.actions.review import do_review_item
from kansli.requests.models import AccessRequest, Channel, DeliveryMethod, Review

# A refusal's reasons as its provision puts them: a test of harm for personal matters,
# none for a tender before the award.
PERSONAL = (
    "Handlingen innehåller uppgifter om enskilds personliga förhållanden som omfattas av "
    "sekretess. Det kan inte antas att uppgifterna kan röjas utan att den enskilde lider men."
)
REASONS = {
    "OSL 19 kap. 3 §": (
        "Handlingen är ett anbud i en upphandling som inte är avslutad. Uppgifter om anbud "
        "får inte lämnas ut förrän alla anbud offentliggjorts eller tilldelningsbeslut "
        "fattats eller upphandlingen avslutats (OSL 19 kap. 3 § andra stycket)."
    ),
}


def _documents(authority: Authority, *, secret: bool) -> QuerySet[Document]:
    """The authority's documents, those with files first; none with a protected party."""
    return (
        Document.objects.filter(
            case__authority=authority, secrecy__isnull=not secret, voided_at__isnull=True
        )
        .exclude(case__parties__protected_identity=True)
        .annotate(has_files=Count("files"))
        .order_by("-has_files", "pk")
    )


def load(seed: int, scale: float, report: Any) -> list[Any]:
    if AccessRequest.objects.exists():
        return []
    ks = Authority.objects.filter(code="KS").first()
    registrar = User.objects.filter(username="registrator").first()
    if ks is None or registrar is None:
        return []
    point = refusal_point(ks)
    delegate = point.delegates.order_by("rank").first() if point else None
    if delegate is None:
        report("Begäran om allmän handling: KS saknar delegat för avslag, inga begäranden skapade")
        return []
    # Reviewed by whoever reads the document: its case's officer.
    found = _documents(ks, secret=True).exclude(case__officer=None)[:50]
    secret = [d for d in found if may_read(d.case.officer, d)][:2]
    public = _documents(ks, secret=False).filter(files__isnull=False).first()
    # At a small scale KS may have too few: tenders (secret until the award, OSL 19 kap.
    # 3 §) and a letter with its PDF, opened two weeks ago.
    topup, day = RegistryDemo(f"{seed}-requests"), timezone.localdate() - datetime.timedelta(14)
    while len(secret) < 2:
        case = topup.open_case(ks, day, secrecy="OSL 19 kap. 3 §")
        secret.append(case.documents.get(number=1))
    if public is None:
        public = topup.open_case(ks, day, with_file=True).documents.get(number=1)
    now = timezone.now()

    waiting = do_register_request(
        ks, f"Jag vill ta del av handling {secret[0].document_number}.", channel=Channel.WEB,
        documents=[secret[0]], received_at=now - datetime.timedelta(hours=3), actor=None,
    )  # fmt: skip
    do_assign_officer(waiting.case, secret[0].case.officer, actor=registrar)

    answered = do_register_request(
        ks, f"Kan jag få en kopia av {public.document_number}?", channel=Channel.EMAIL,
        name="Karin Ek", contact="karin.ek@example.se", documents=[public],
        received_at=now - datetime.timedelta(hours=2), actor=registrar,
    )  # fmt: skip
    item = answered.items.get()
    item = do_review_item(item, Review.DISCLOSE, actor=registrar)
    do_deliver(answered, [item], DeliveryMethod.LINK, actor=registrar)

    refused = do_register_request(
        ks, f"Handlingarna i ärende {secret[1].case.case_number}.", channel=Channel.PHONE,
        name="Per Nilsson", contact="per.nilsson@example.se", documents=[secret[1]],
        received_at=now - datetime.timedelta(days=1), actor=registrar,
    )  # fmt: skip
    item = refused.items.get()
    item = do_review_item(
        item, Review.REFUSE, provisions=[secret[1].secrecy] if secret[1].secrecy else [],
        reasons="Handlingen innehåller uppgifter som omfattas av sekretess.",
        actor=secret[1].case.officer,
    )  # fmt: skip
    do_ask_for_decision(refused, actor=registrar)
    refusal = do_refuse(
        refused,
        [item],
        REASONS.get(secret[1].secrecy.reference if secret[1].secrecy else "", PERSONAL),
        actor=delegate.user,
    )
    appeal = do_register_appeal(refusal, timezone.localdate(), actor=registrar)
    do_reconsider(appeal, False, "Beslutet ändras inte.", actor=delegate.user)
    do_forward_appeal(appeal, actor=registrar)
    report("Begäran om allmän handling: 3 hos KS (en väntar på prövning, en utlämnad "
           "samma dag, en avslagen och överklagad)")  # fmt: skip
    return []
