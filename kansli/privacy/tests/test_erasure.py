"""An erasure decision (GDPR art. 17) carried out by the data protection officer: the
chosen audit events' details are forgotten, the chain still verifies, the decision is
recorded without the name; nobody else may, and a decision naming the person is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kansli.audit.chain import verify
from kansli.audit.models import AuditEvent
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_user
from kansli.privacy.actions import do_erase_from_audit
from kansli.privacy.finder import AUDIT, Person
from kansli.privacy.tests.test_person_search import NAME, URL, case, client_for, found_of, ks

pytestmark = pytest.mark.django_db(transaction=True)  # the scrub's VACUUM runs outside one
__all__ = ["case", "ks"]  # fixtures


@pytest.fixture
def dpo(ks: Authority) -> User:
    return make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)])


def audit_hits(user: User, ks: Authority) -> list[int]:
    found = found_of(client_for(user).post(URL, {"q": NAME, "authority": str(ks.pk)}))
    return [int(hit.reference.lstrip("#")) for hit in found.groups[AUDIT]]


def test_the_officer_forgets_the_chosen_events_and_the_chain_holds(
    case: Any, ks: Authority, dpo: User
) -> None:
    seqs = audit_hits(dpo, ks)
    assert seqs
    page = client_for(dpo).post(URL, {"q": NAME, "authority": str(ks.pk)}).content.decode()
    assert 'name="seq"' in page and 'value="erase"' in page

    answer = client_for(dpo).post(
        URL, {"q": NAME, "authority": str(ks.pk), "format": "erase", "seq": seqs,
              "decision": "Beslut DSO 2026-12-05 nr 4"},
    )  # fmt: skip

    assert answer.status_code == 200
    for event in AuditEvent.objects.filter(seq__in=seqs):
        assert (event.actor_label, event.object_label, event.before, event.after) == (
            "", "", None, None,
        )  # fmt: skip
    assert verify().ok
    assert audit_hits(dpo, ks) == []  # a second search finds nothing in the log
    decision = AuditEvent.objects.get(action="privacy.erasure_decision")
    assert decision.after is not None
    assert decision.after["decision"] == "Beslut DSO 2026-12-05 nr 4"
    assert decision.after["events"] == len(seqs)
    assert "Öberg" not in str(decision.after)


def test_a_decision_naming_the_person_or_unfound_events_is_refused(
    case: Any, ks: Authority, dpo: User
) -> None:
    seqs = audit_hits(dpo, ks)
    person = Person(NAME)
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="namn eller personnummer"):
        do_erase_from_audit(ks, person, seqs, decision=f"Radering för {NAME}", actor=dpo)
    with pytest.raises(ValidationError, match="hittade"):
        do_erase_from_audit(ks, person, [*seqs, 1], decision="Beslut 4", actor=dpo)
    with pytest.raises(ValidationError):
        do_erase_from_audit(ks, person, seqs, decision=" ", actor=dpo)

    assert AuditEvent.objects.count() == before
    assert all(e.details_salt for e in AuditEvent.objects.filter(seq__in=seqs))


def test_only_the_data_protection_officer_erases(case: Any, ks: Authority, dpo: User) -> None:
    seqs = audit_hits(dpo, ks)
    registrar = make_user("reg2", roles=[(Role.REGISTRAR, ks)])
    archivist = make_user("ark2", roles=[(Role.ARCHIVIST, ks)])

    for user in (registrar, archivist):
        with pytest.raises(PermissionDenied):
            do_erase_from_audit(ks, Person(NAME), seqs, decision="Beslut 4", actor=user)
        page = client_for(user).post(URL, {"q": NAME, "authority": str(ks.pk), "seq": seqs,
                                           "format": "erase", "decision": "Beslut 4"})  # fmt: skip
        assert page.status_code == 404
    assert all(e.details_salt for e in AuditEvent.objects.filter(seq__in=seqs))
