"""What the registration form asks while the registrar types (htmx): earlier senders,
the case a number names, and possible duplicates. Every answer comes only from what the
user may see."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST

from kansli.access.protected import Hide, hide_for
from kansli.registry import personal_numbers
from kansli.registry.forms import EXISTING_CASE, PERSONAL_TEXT_FIELDS, RegistrationForm, find_case
from kansli.registry.models import Document, Party
from kansli.registry.naming import breaks_rule, rule_for, title_warnings
from kansli.registry.permissions import REGISTERING_ROLES
from kansli.registry.views.common import authorities_with, current_user, may_register, require

DUPLICATE_DAYS = 30
SUGGESTIONS = 10
_WORDS = re.compile(r"\w+")


def counterpart_names(user: Any, text: str, limit: int = SUGGESTIONS) -> list[str]:
    """Earlier senders and recipients, and parties, whose name contains the text; never
    one withheld from the record or with protected identity."""
    text = text.strip()
    if len(text) < 2:
        return []
    documents = Document.objects.visible_to(user)
    protected = Party.objects.filter(
        case=OuterRef("case"), protected_identity=True, name__iexact=OuterRef("counterpart")
    )
    written = (
        documents.filter(counterpart__icontains=text, withhold_counterpart=False)
        .filter(voided_at__isnull=True)
        .exclude(Exists(protected))
    )
    found = list(
        written.order_by("counterpart").values_list("counterpart", flat=True).distinct()[:limit]
    )
    # A protected name written otherwise ("Hemlig, Anna", an address after it) is no
    # suggestion either: for anyone, the registrar who may read it included.
    cases = written.filter(counterpart__in=found).values("case")
    hidden = Party.objects.filter(case__in=cases, protected_identity=True).values_list(
        "name", flat=True
    )
    hide = Hide(hidden)
    counterparts = [name for name in found if hide(name) == name]
    parties = (
        Party.objects.filter(case__in=documents.values("case"), protected_identity=False)
        .filter(name__icontains=text)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:limit]
    )
    names = {name.casefold(): name for name in [*parties, *counterparts]}
    return sorted(names.values(), key=str.casefold)[:limit]


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def similar(first: str, second: str) -> bool:
    """Whether two descriptions probably name the same thing."""
    a, b = _words(first), _words(second)
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    if a == b or (len(shorter) >= 8 and shorter in longer):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.75


@dataclass
class Duplicate:
    document: Document
    matched: str


def possible_duplicates(user: Any, counterpart: str, texts: list[str]) -> list[Duplicate]:
    """Documents registered in the last 30 days from the same sender whose description,
    or whose case title, is like one of the texts."""
    counterpart, texts = counterpart.strip(), [t for t in texts if t.strip()]
    if not counterpart or not texts:
        return []
    since = timezone.now() - datetime.timedelta(days=DUPLICATE_DAYS)
    candidates = (
        Document.objects.visible_to(user)
        .filter(counterpart__iexact=counterpart, registered_at__gte=since, voided_at__isnull=True)
        .select_related("case__authority__municipality")
        .order_by("-registered_at")[:200]
    )
    found = []
    for document in candidates:
        for earlier in (document.description, document.case.title):
            if any(similar(earlier, text) for text in texts):
                # Shown as the case page shows it: a protected name hidden (OSL 21 kap. 3 §).
                found.append(Duplicate(document, hide_for(user, document.case)(earlier)))
                break
    return found[:5]


def _personal_numbers(data: Any) -> str:
    """The warning for personal identity numbers typed into the registration's text
    fields while no secrecy provision is chosen, or ""."""
    if data.get("secrecy"):
        return ""
    found = personal_numbers.find(" ".join(data.get(name, "") for name in PERSONAL_TEXT_FIELDS))
    return personal_numbers.warning(len(found)) if found else ""


def _naming_warnings(data: Any) -> list[str]:
    """The naming warnings for the new case's title and the document's description."""
    warnings = []
    if data.get("mode") != EXISTING_CASE:
        warnings += title_warnings("Ärendemeningen", data.get("title", ""))
    return warnings + title_warnings("Beskrivningen", data.get("description", ""))


@login_required
@require_POST
def file_checks(request: HttpRequest) -> HttpResponse:
    """Personal identity numbers in the files chosen for upload, read before anything is
    saved; the files themselves are not kept."""
    require(may_register(current_user(request)))
    found: list[str] = []
    try:
        for upload in request.FILES.getlist("uploads"):
            found += personal_numbers.in_file(upload)
    except ValidationError as error:  # not read through (NOT_CHECKED): asked again on saving
        return HttpResponse(f'<p class="check-warning">{escape(error.messages[0])}</p>')
    count = len(dict.fromkeys(found))
    message = personal_numbers.warning(count) if count else ""
    return HttpResponse(f'<p class="check-warning">{escape(message)}</p>' if message else "")


@login_required
@require_GET
def counterpart_suggestions(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(may_register(user))
    names = counterpart_names(user, request.GET.get("counterpart", ""))
    return render(request, "registry/includes/counterpart_datalist.html", {"names": names})


@login_required
@require_POST
def registration_checks(request: HttpRequest) -> HttpResponse:
    """The case a number names, possible duplicates, personal identity numbers and the
    naming rules (kansli.registry.naming), for the live region above the register
    button."""
    user = current_user(request)
    require(may_register(user))
    data = request.POST
    case = None
    if data.get("mode") == EXISTING_CASE and data.get("case_number", "").strip():
        case = find_case(user, data["case_number"])
    duplicates = possible_duplicates(
        user,
        data.get("counterpart", ""),
        [data.get("description", ""), "" if case else data.get("title", "")],
    )
    rule = rule_for(data.get("document_type", ""))
    context = {
        "personal_numbers": _personal_numbers(data),
        "naming": _naming_warnings(data),
        "rule": rule,
        "breaks_rule": rule is not None and breaks_rule(rule, data.get("description", "")),
        "checked_case": case,
        "case_number": data.get("case_number", "").strip() if data.get("mode") else "",
        "existing": data.get("mode") == EXISTING_CASE,
        "duplicates": duplicates,
    }
    return render(request, "registry/includes/registration_checks.html", context)


@login_required
@require_POST
def document_type_field(request: HttpRequest) -> HttpResponse:
    """The document type field for the case the form names now: the plan's types for its
    process, or free text (kansli.registry.document_types)."""
    user = current_user(request)
    authorities = authorities_with(user, REGISTERING_ROLES)
    require(authorities.exists())
    form = RegistrationForm(user, authorities, data=request.POST)
    # From the inbox's page, which has no authority field: the item's, kept for next time.
    fixed = request.POST.get("fixed") and form.planned_case()
    context = {"form": form, "authority": fixed.authority if fixed else None}
    return render(request, "registry/includes/document_type_field.html", context)
