import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kansli.access.testing import make_access_group
from kansli.audit.models import AuditEvent
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.requests.actions.review import do_refer_item, do_review_item
from kansli.requests.models import RequestedItem
from kansli.requests.testing import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar() -> object:
    """A registrar of KS in its access group: reads its secret documents."""
    ks = make_authority("KS")
    user = make_user("registratorn", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [user])
    return user


@pytest.fixture
def secret_item(registrar: object) -> RequestedItem:
    ks = make_authority("KS")
    secret = make_incoming(make_case(authority=ks), secrecy=make_provision("OSL 39 kap. 3 §"),
                           description="Rehabiliteringsutredning")  # fmt: skip
    return make_request(ks, documents=[secret]).items.get()


def test_a_member_of_the_group_reviews_with_the_provision_and_it_is_recorded(
    secret_item: RequestedItem, registrar: object
) -> None:
    provision = make_provision("OSL 39 kap. 3 §")
    item = do_review_item(secret_item, "redact", provisions=[provision],
                          reasons="Hälsouppgifter om den anställde", actor=registrar)  # fmt: skip
    item.refresh_from_db()
    assert (item.review, item.reviewed_by) == ("redact", registrar)
    assert item.reviewed_at is not None and list(item.provisions.all()) == [provision]
    entry = item.request.case.timeline.filter(kind="review").get()
    assert "OSL 39 kap. 3 §" in entry.text and "Hälsouppgifter" not in entry.text
    event = AuditEvent.objects.get(action="requests.review_item")
    assert event.after == {"review": "redact", "provisions": ["OSL 39 kap. 3 §"],
                           "referred_to": ""}  # fmt: skip
    assert "Hälsouppgifter" not in str(event.after)
    # A review can be changed until delivery.
    do_review_item(item, "conditions", conditions="Får inte spridas vidare", actor=registrar)
    item.refresh_from_db()
    assert item.review == "conditions" and not item.provisions.exists()


def test_an_officer_who_may_not_read_the_document_cannot_review_it(
    secret_item: RequestedItem,
) -> None:
    # An officer of the authority outside the case's access group.
    officer = make_user(roles=[(Role.OFFICER, secret_item.request.authority)])
    other = make_user(roles=[(Role.OFFICER, make_authority("BN", "Byggnadsnämnden"))])
    for actor in (officer, other, None):
        with pytest.raises(PermissionDenied):
            do_review_item(secret_item, "disclose", actor=actor)
    assert RequestedItem.objects.get().review == "pending"


@pytest.mark.parametrize(
    ("review", "fields", "field"),
    [
        ("refuse", {}, "provisions"),
        ("redact", {}, "provisions"),
        ("conditions", {"conditions": "  "}, "conditions"),
        ("maybe", {}, "review"),
        ("disclose", {"reasons": "\ud800"}, "reasons"),
        ("conditions", {"conditions": "x" * 2001}, "conditions"),
        ("pending", {}, "review"),
    ],
)
def test_a_review_without_what_the_law_asks_for_is_refused(
    secret_item: RequestedItem, registrar: object, review: str, fields: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        do_review_item(secret_item, review, actor=registrar, **fields)
    assert field in refused.value.message_dict
    item = RequestedItem.objects.get()
    assert item.review == "pending" and item.reviewed_by is None


def test_a_free_text_item_is_linked_before_it_is_reviewed_but_can_be_referred() -> None:
    ks = make_authority("KS")
    registrar = make_user(roles=[(Role.REGISTRAR, ks)])
    item = make_request(ks, descriptions=["Skatteverkets beslut om mig"]).items.get()
    with pytest.raises(ValidationError):
        do_review_item(item, "disclose", actor=registrar)
    with pytest.raises(ValidationError):
        do_refer_item(item, " ", "", actor=registrar)
    do_refer_item(item, "Skatteverket", "Uppgifterna prövas där", actor=registrar)
    item.refresh_from_db()
    assert (item.review, item.referred_to) == ("referred", "Skatteverket")
    assert item.referred_at is not None and item.reasons == "Uppgifterna prövas där"
    assert item.request.case.timeline.filter(kind="review", text__contains="Skatteverket")
    assert AuditEvent.objects.filter(action="requests.refer_item").count() == 1
