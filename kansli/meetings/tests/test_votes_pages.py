"""Motions and votes on the § page and in the API: the secretary records them; staff of
another authority, elected members and the public get 404; refused input is explained in
Swedish (a page, or JSON with 422) and saves nothing. A non-public § shows its motions
and votes only in the minutes' non-public part."""

from typing import Any

import pytest
from django.test import Client

from kansli.meetings import actions
from kansli.meetings.models import Ballot, Minutes, Motion, Vote
from kansli.meetings.testing import make_body, make_secretary, meeting_over
from kansli.meetings.tests.test_votes import held, minutes_text, motions, tie
from kansli.org.models import Authority
from kansli.org.testing import make_authority
from kansli.registry.testing import make_provision
from kansli.web.testing import api_client, signed_in, sv

pytestmark = pytest.mark.django_db
__all__ = ["held"]  # the fixture, shared with test_votes


def outsider() -> Any:
    """The secretary of another municipality's authority."""
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    assert isinstance(other, Authority)
    return make_secretary(make_body(other))


def test_the_secretary_records_a_vote_on_the_paragraph_page(held: dict[str, Any]) -> None:
    paragraph = held["paragraph"]
    page = f"/moten/paragraf/{paragraph.pk}/"
    post = f"/moten/paragraf/{paragraph.pk}/yrkanden/"
    secretary = signed_in(held["secretary"])
    shown = secretary.get(page).content.decode()
    assert sv("Add a motion") in shown and 'name="motion-for_proposal"' in shown
    secretary.post(
        post, {"form": "motion", "motion-mover": held["anna"].pk, "motion-for_proposal": "on"}
    )
    secretary.post(post, {"form": "motion", "motion-mover": held["bo"].pk, "motion-text": "avslag"})
    proposal, against = Motion.objects.order_by("position")
    assert proposal.text == "bifall till förslaget" and against.text == "avslag"
    shown = secretary.get(page).content.decode()
    # One row per member deciding at the §; the disqualified member has none.
    assert shown.count('type="radio"') == 9 * 4 and "Jan Jävig</legend>" not in shown
    ballots = {f"vote-vote_{user.pk}": choice for user, choice in tie(held).items()}
    del ballots[f"vote-vote_{held['gun'].pk}"]
    form = {"form": "vote", "vote-yes_motion": proposal.pk, "vote-no_motion": against.pk}
    refused = secretary.post(post, {**form, **ballots})
    assert refused.status_code == 200
    assert "Röst saknas för Gun Holm." in refused.content.decode()
    assert not Vote.objects.exists() and not Ballot.objects.exists()
    ballots[f"vote-vote_{held['gun'].pk}"] = "nej"
    assert secretary.post(post, {**form, **ballots}).status_code == 302
    shown = secretary.get(page).content.decode()
    assert "Med 4 ja-röster mot 4 nej-röster och 1 som avstår, och ordförandens" in shown
    # Hostile input: a form that does not exist, an id from nowhere.
    assert secretary.post(post, {"form": "nonsense"}).status_code == 404
    wrong = secretary.post(post, {"form": "acclamation", "acclamation-motion": 999999})
    assert wrong.status_code == 200 and Motion.objects.filter(adopted=True).count() == 1


def test_a_ballot_of_a_member_not_deciding_is_refused_by_name(held: dict[str, Any]) -> None:
    """A vote form opened before a conflict of interest was recorded still holds that
    member's row: the ballot is refused by name, not dropped, and nothing is saved."""
    paragraph = held["paragraph"]
    proposal, against = motions(held)
    post = f"/moten/paragraf/{paragraph.pk}/yrkanden/"
    form = {"form": "vote", "vote-yes_motion": proposal.pk, "vote-no_motion": against.pk}
    ballots = {f"vote-vote_{user.pk}": choice for user, choice in tie(held).items()}
    secretary = signed_in(held["secretary"])
    number = paragraph.number
    for who, said in [
        ("jan", f"Jan Jävig är jävig i § {number} och får inte rösta."),
        ("kim", f"Kim Borta tjänstgör inte vid § {number}."),
    ]:
        refused = secretary.post(post, {**form, **ballots, f"vote-vote_{held[who].pk}": "ja"})
        assert refused.status_code == 200 and said in refused.content.decode()
    assert not Vote.objects.exists() and not Ballot.objects.exists()


def test_others_get_404_for_the_page_and_the_form(held: dict[str, Any]) -> None:
    paragraph = held["paragraph"]
    actions.do_add_motion(paragraph, held["anna"], "bifall till förslaget", actor=None)
    for client in (signed_in(outsider()), signed_in(held["bo"]), Client()):
        page = client.get(f"/moten/paragraf/{paragraph.pk}/")
        assert page.status_code in (302, 404)  # the public is sent to log in
        posted = client.post(
            f"/moten/paragraf/{paragraph.pk}/yrkanden/",
            {"form": "motion", "motion-mover": held["bo"].pk, "motion-text": "avslag"},
        )
        assert posted.status_code in (302, 404)
    assert Motion.objects.count() == 1


def test_the_api_records_motions_and_votes_and_explains_refusals(held: dict[str, Any]) -> None:
    paragraph = held["paragraph"]
    base = f"/api/v1/paragraphs/{paragraph.pk}"
    api = api_client(held["secretary"])
    made = api.post(
        f"{base}/motions",
        {"mover_id": held["anna"].pk, "for_proposal": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["text"] == "bifall till förslaget"
    against = api.post(
        f"{base}/motions", {"mover_id": held["bo"].pk, "text": "avslag"}, "application/json"
    ).json()
    empty = api.post(f"{base}/motions", {"mover_id": held["gun"].pk}, "application/json")
    assert empty.status_code == 422 and "Skriv yrkandet" in empty.json()["detail"]
    stranger = api.post(
        f"{base}/motions", {"mover_id": outsider().pk, "text": "x"}, "application/json"
    )
    assert stranger.status_code == 422 and "finns i närvaron" in stranger.json()["detail"]
    ballots = [{"user_id": u.pk, "choice": c} for u, c in tie(held).items()]
    vote = {"yes_motion_id": made.json()["id"], "no_motion_id": against["id"]}
    missing = api.post(f"{base}/votes", {**vote, "ballots": ballots[:-1]}, "application/json")
    assert missing.status_code == 422 and "Röst saknas för Ida Sten" in missing.json()["detail"]
    jan = [*ballots, {"user_id": held["jan"].pk, "choice": "ja"}]
    assert (
        "jävig"
        in api.post(f"{base}/votes", {**vote, "ballots": jan}, "application/json").json()["detail"]
    )
    assert not Vote.objects.exists()
    done = api.post(f"{base}/votes", {**vote, "ballots": ballots}, "application/json")
    assert done.status_code == 201 and done.json()["casting_vote"] is True
    assert done.json()["winner_id"] == made.json()["id"]
    read = api.get(f"{base}/motions").json()
    assert [s["heading"] for s in read["minutes_text"]] == [
        "Yrkanden",
        "Propositionsordning",
        "Omröstningsresultat",
    ]
    dissent = api.post(
        f"{base}/dissents",
        {"user_id": held["bo"].pk, "motion_id": against["id"]},
        "application/json",
    )
    assert dissent.status_code == 201 and dissent.json()["motion_id"] == against["id"]
    reason = {"dissent_id": dissent.json()["id"], "text": "Planen tar jordbruksmark."}
    given = api.post(f"{base}/dissent-reasons", reason, "application/json")
    assert given.status_code == 200 and given.json()["reason"] == reason["text"]
    wrong = api.post(
        f"{base}/dissent-reasons", {**reason, "dissent_id": 999999}, "application/json"
    )
    assert wrong.status_code == 422 and "finns inte" in wrong.json()["detail"]
    assert api_client(outsider()).get(f"{base}/motions").status_code == 404
    assert api_client(held["bo"]).get(f"{base}/motions").status_code == 404


def test_a_secret_paragraph_shows_no_motions_in_public(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraph, secretary = held["paragraph"], held["secretary"]
    provision = make_provision("OSL 26 kap. 1 §")
    actions.do_set_item_secrecy(paragraph.item, provision, reason="Enskild.", actor=secretary)
    proposal, against = motions(held)
    actions.do_record_vote(paragraph, proposal, against, tie(held), actor=secretary)
    actions.do_record_dissent(paragraph, held["bo"], against, actor=secretary)
    public = minutes_text(held["minutes"])
    for hidden in ("Yrkanden", "yrkar avslag", "Omröstningsresultat", "reserverar sig"):
        assert hidden not in public
    assert "Bo Ny yrkar avslag." in minutes_text(held["minutes"], secret_part=True)
    meeting_over(monkeypatch, held["meeting"])
    for approver in (held["anna"], held["bo"]):
        actions.do_approve_minutes(held["minutes"], verified=True, actor=approver)
    notice = Minutes.objects.get(pk=held["minutes"].pk).notice
    page = Client().get(f"/anslagstavla/{notice.pk}/").content.decode()
    assert "avslag" not in page and "Bo Ny" not in page
