"""The e-diary's table rows (kansli.public.table) are written in Python, not by the
template engine: every value a registrar or a sender typed must be escaped as `{{ }}`
escapes it, and the row must say what the template said."""

from __future__ import annotations

import dataclasses
import datetime

from django.test import override_settings
from django.utils import translation

from kansli.public.record import PublicEntry
from kansli.public.table import rows

ENTRY = PublicEntry(
    document_id=7, case_id=3, document_number="K<S> 2026/12-3", case_number="K&S 2026/12",
    case_series="KS", case_year=2026, case_serial=12, case_title="Bygglov <Kanotbrygga> & \"A\"",
    authority_code="KS", authority_name="Kommunstyrelsen", direction="inkommen",
    direction_label="inkommen <i>", document_date=datetime.date(2026, 3, 4),
    registered_on=datetime.date(2026, 3, 5), counterpart="<script>alert(1)</script>",
    description="Ansökan 'om' <b>bygglov</b>", document_type="Skrivelse & bilaga",
    secret=False, voided=False,
)  # fmt: skip


def test_every_typed_value_is_escaped() -> None:
    drawn = str(rows([ENTRY]))
    assert "<script>" not in drawn and "<b>" not in drawn and "<Kanotbrygga>" not in drawn
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawn
    assert "Ansökan &#x27;om&#x27; &lt;b&gt;bygglov&lt;/b&gt;" in drawn
    assert '<span class="muted">(Skrivelse &amp; bilaga)</span>' in drawn
    title = "Bygglov &lt;Kanotbrygga&gt; &amp; &quot;A&quot;"
    assert f'<a href="/diarium/KS/2026/12/">K&amp;S 2026/12 {title}</a>' in drawn
    assert '<td class="nowrap">2026-03-04</td><td>Inkommen &lt;i&gt;</td>' in drawn
    assert '<th scope="row" class="nowrap">K&lt;S&gt; 2026/12-3</th>' in drawn
    assert "<i>" not in drawn and "<S>" not in drawn


def test_voided_no_counterpart_and_no_type() -> None:
    entry = dataclasses.replace(ENTRY, counterpart="", document_type="", voided=True)
    with translation.override("sv"):
        drawn = str(rows([entry]))
    badge = '<span class="badge voided">Makulerad</span>'
    assert f'<th scope="row" class="nowrap">K&lt;S&gt; 2026/12-3 {badge}</th>' in drawn
    assert "<td>–</td>" in drawn
    assert "muted" not in drawn
    with translation.override("en"):
        assert '<span class="badge voided">Voided</span>' in str(rows([entry]))
    assert str(rows([])) == ""


@override_settings(FORCE_SCRIPT_NAME="/kommun/")
def test_links_follow_the_script_prefix() -> None:
    from django.urls import set_script_prefix

    set_script_prefix("/kommun/")
    try:
        assert 'href="/kommun/diarium/KS/2026/12/"' in str(rows([ENTRY]))
    finally:
        set_script_prefix("/")
    assert 'href="/diarium/KS/2026/12/"' in str(rows([ENTRY]))
