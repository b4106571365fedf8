"""The survey pages: the rounds a person is asked to answer, answering, the results per
round with the trend, and the follow-up actions. A survey the user may not read, and a
round the user is not asked to, answer 404 like what does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.meetings.charts import chart
from kansli.org.models import Authority, User
from kansli.registry.views.common import current_user, run_action
from kansli.surveys import actions
from kansli.surveys.forms import AnswerForm, FollowUpForm, StatusForm, SurveyForm
from kansli.surveys.models import FollowUp, Response, Round, Survey
from kansli.surveys.results import results, threshold
from kansli.surveys.rules import managed_surveys, may_manage, visible_surveys
from kansli.surveys.statements import default_statements
from kansli.web.csvfile import csv_download


def _visible(request: HttpRequest, pk: int) -> Survey:
    return get_object_or_404(
        visible_surveys(current_user(request)).select_related("authority"), pk=pk
    )


def _managed(request: HttpRequest, pk: int) -> Survey:
    return get_object_or_404(managed_surveys(current_user(request)), pk=pk)


def _authorities(user: User) -> list[tuple[str, str]]:
    return [
        (str(a.pk), str(a)) for a in Authority.objects.valid_on() if may_manage(user, authority=a)
    ]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "surveys/index.html",
        {
            "to_answer": actions.open_rounds_for(user),
            "surveys": visible_surveys(user).select_related("authority"),
            "may_create": bool(_authorities(user)),
            "follow_ups": FollowUp.objects.filter(owner=user)
            .exclude(status=FollowUp.Status.DONE)
            .select_related("survey"),
        },
    )


def _initial(survey: Survey) -> dict[str, object]:
    fields = ["title", "to_officers", "to_members", "anonymous", "with_comment",
              "results_to_respondents", "recurrence", "window_days"]  # fmt: skip
    initial: dict[str, object] = {name: getattr(survey, name) for name in fields}
    if survey.pk:
        initial["statements"] = "\n".join(s.text for s in survey.current_statements())
    return initial


@login_required
def new_survey(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    authorities = _authorities(user)
    if not authorities:
        raise Http404
    initial = _initial(Survey(title="", to_members=True))
    initial["statements"] = "\n".join(default_statements(True, True))
    form = SurveyForm(request.POST or None, initial=initial, authorities=authorities)
    made: list[Survey] = []
    if request.method == "POST":

        def run() -> str:
            authority = Authority.objects.get(pk=form.cleaned_data["authority"])
            made.append(actions.do_create_survey(
                authority, form.cleaned_data["title"], statements=form.statement_texts(),
                actor=user, **form.options(),
            ))  # fmt: skip
            return _("The survey is created.")

        done = run_action(request, form, run, reverse("surveys:index"))
        if done is not None:
            return redirect("surveys:survey", made[0].pk)
    return render(request, "surveys/form.html", {"form": form, "survey": None})


@login_required
def edit_survey(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    form = SurveyForm(request.POST or None, initial=_initial(survey))
    if Response.objects.filter(round__survey=survey).exists():
        # Answered: whether it is anonymous stays as the respondents were told (the
        # action refuses a change; the field shows why instead of failing the form).
        form.fields["anonymous"].disabled = True
        form.fields["anonymous"].help_text = _("The survey has answers: this cannot change.")
    if request.method == "POST":

        def run() -> str:
            actions.do_change_survey(
                survey, statements=form.statement_texts(), actor=current_user(request),
                title=form.cleaned_data["title"], **form.options(),
            )  # fmt: skip
            return _("The survey is changed; changed statements are asked from the next round.")

        done = run_action(request, form, run, reverse("surveys:survey", args=[pk]))
        if done is not None:
            return done
    return render(request, "surveys/form.html", {"form": form, "survey": survey})


@login_required
@require_POST
def open_round(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    try:
        round_ = actions.do_open_round(survey, actor=current_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Round %(period)s is open.") % {"period": round_.period})
    return redirect("surveys:survey", pk)


def _follow_up_form(survey: Survey, data: object = None) -> FollowUpForm:
    owners = User.objects.filter(
        is_active=True, roles__in=survey.authority.role_assignments.valid_on()
    ).distinct()
    return FollowUpForm(
        data,
        owners=[(str(u.pk), str(u)) for u in owners],
        statements=[(str(s.pk), s.text) for s in survey.statements.all()],
    )


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _visible(request, pk)
    user = current_user(request)
    found = results(survey)
    periods = [head.round.period for head in found.rounds]
    charts = [
        chart(row.statement.text, _("average 1–5"),
              [(period, cell.average) for period, cell in zip(periods, row.cells, strict=True)], 5)
        for row in found.rows
    ]  # fmt: skip
    manage = may_manage(user, survey)
    return render(
        request,
        "surveys/survey.html",
        {
            "survey": survey,
            "results": found,
            "rows": [(row, chart_) for row, chart_ in zip(found.rows, charts, strict=True)],
            "threshold": threshold(),
            "manage": manage,
            "follow_ups": survey.follow_ups.select_related("owner").prefetch_related("statements"),
            "follow_up_form": _follow_up_form(survey) if manage else None,
            "status_choices": FollowUp.Status.choices,
        },
    )


@login_required
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The same figures as the page: nothing below the threshold, never a person."""
    survey = _visible(request, pk)
    found = results(survey)
    header = [_("Statement")]
    for head in found.rounds:
        header += [head.round.period, _("Change")]
    rows: list[list[object]] = [
        [_("Response rate (%)"), *[v for head in found.rounds for v in (head.rate, "")]],
        [_("Answered"), *[v for head in found.rounds for v in (head.answered, "")]],
        [_("Invited"), *[v for head in found.rounds for v in (head.invited, "")]],
    ]
    for row in found.rows:
        line: list[object] = [row.statement.text]
        for cell in row.cells:
            line += ["" if cell.average is None else cell.average,
                     "" if cell.change is None else cell.change]  # fmt: skip
        rows.append(line)
    return csv_download(f"enkat-{survey.pk}", header, rows)


@login_required
def new_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    form = _follow_up_form(survey, request.POST or None)
    if request.method == "POST":

        def run() -> str:
            data = form.cleaned_data
            actions.do_add_follow_up(
                survey, data["text"], owner=User.objects.get(pk=data["owner"]), due=data["due"],
                statements=survey.statements.filter(pk__in=data["statements"]),
                actor=current_user(request),
            )  # fmt: skip
            return _("The follow-up action is recorded.")

        done = run_action(request, form, run, reverse("surveys:survey", args=[pk]))
        if done is not None:
            return done
    return render(request, "surveys/follow_up.html", {"form": form, "survey": survey})


@login_required
@require_POST
def follow_up_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    follow_up = get_object_or_404(FollowUp.objects.select_related("survey"), pk=pk)
    if follow_up.owner_id != user.pk and not may_manage(user, follow_up.survey):
        raise Http404
    form = StatusForm(request.POST)
    if form.is_valid():
        actions.do_set_follow_up_status(follow_up, form.cleaned_data["status"], actor=user)
        messages.success(request, _("The status is changed."))
    else:
        messages.error(request, _("Choose a status."))
    if may_manage(user, follow_up.survey) or visible_surveys(user).filter(pk=follow_up.survey_id):
        return redirect("surveys:survey", follow_up.survey_id)
    return redirect("surveys:index")


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a round the user is asked to, once, while it is open."""
    user = current_user(request)
    round_ = get_object_or_404(
        Round.objects.filter(invitations__user=user).select_related("survey"), pk=pk
    )
    invitation = round_.invitations.get(user=user)
    today = timezone.localdate()
    is_open = round_.opens_on <= today <= round_.closes_on
    if invitation.answered or not is_open:
        return render(request, "surveys/answered.html",
                      {"round": round_, "answered": invitation.answered})  # fmt: skip
    form = AnswerForm(
        request.POST or None,
        statements=list(round_.statements.order_by("position", "pk")),
        comment=round_.survey.with_comment,
    )
    if request.method == "POST":

        def run() -> str:
            actions.do_answer(round_, form.values(), actor=user,
                              comment=form.cleaned_data.get("comment", ""))  # fmt: skip
            return _("Thank you for your answers.")

        done = run_action(request, form, run, reverse("surveys:index"))
        if done is not None:
            return done
    return render(request, "surveys/answer.html", {"form": form, "round": round_})
