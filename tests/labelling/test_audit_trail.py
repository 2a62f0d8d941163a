"""The audit trail read as sentences, in the reader's language, paginated and filterable; the administrators'
CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from labelling.audit_sentences import event_sentence
from labelling.models import Answer
from labelling.services.workflow import answer_review, assessment_request_changes
from tests.labelling.workflow_helpers import in_review

pytestmark = pytest.mark.django_db


def _answer(assessment, code) -> Answer:
    return Answer.objects.select_related("indicator", "assessment").get(assessment=assessment, indicator__code=code)


@pytest.fixture
def reviewed(framework, cluster, manager, administrator, assessor):
    assessor.first_name, assessor.last_name = "Sophie", "Garnier"
    assessor.save()
    assessment = in_review(cluster, manager, administrator, assessor, values=None)
    answer = _answer(assessment, "S3")
    answer.declared_number = 285
    answer.save(update_fields=["declared_number"])
    s3 = _answer(assessment, "S3")
    answer_review(
        user=assessor, answer=s3, accept=False, value="280", justification="Five left.", expected_version=s3.version
    )
    assessment_request_changes(user=assessor, assessment=assessment, comment="Check G2.", requests={"G2": "FTE."})
    return assessment


def test_a_correction_reads_as_a_sentence_in_each_language(reviewed):
    event = AuditEvent.objects.get(assessment=reviewed, action="answer.corrected")
    with translation.override("fr"):
        assert event_sentence(event) == "Sophie Garnier a corrigé S3\u202f: 285 → 280 — justification\u202f: Five left."
    with translation.override("en"):
        assert event_sentence(event) == "Sophie Garnier corrected S3: 285 → 280 — justification: Five left."


def test_a_level_answer_reads_with_its_option_labels_and_a_retired_code_stays_a_code(
    reviewed, administrator, client_for
):
    for before, after in ((None, "audited"), ("audited", "budget_monitoring"), ("budget_monitoring", "retired")):
        AuditEvent.objects.create(
            assessment=reviewed, action="answer.declared", target="V4", before={"value": before}, after={"value": after}
        )
    AuditEvent.objects.create(
        assessment=reviewed,
        action="answer.corrected",
        target="V4",
        after={"declared": "audited", "validated": "none", "justification": "No auditor."},
    )
    url = reverse("labelling:assessment_audit", args=[reviewed.pk])
    french = client_for(administrator).get(url, {"kind": "answer"}, HTTP_ACCEPT_LANGUAGE="fr")
    sentences = [row["sentence"] for row in french.context["rows"][:4]]
    assert sentences == [
        "Grappe a corrigé V4\u202f: Comptes certifiés et suivi budgétaire → Ni l’un ni l’autre — "
        "justification\u202f: No auditor.",
        "Grappe a répondu à V4\u202f: Suivi budgétaire seulement → retired.",
        "Grappe a répondu à V4\u202f: Comptes certifiés et suivi budgétaire → Suivi budgétaire seulement.",
        "Grappe a répondu à V4\u202f: — → Comptes certifiés et suivi budgétaire.",
    ]
    english = client_for(administrator).get(url, {"kind": "answer"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.context["rows"][3]["sentence"] == "Grappe answered V4: — → Certified accounts and budget monitoring."
    everyone = client_for(administrator).get(reverse("labelling:audit_all"), {"kind": "answer"})
    assert everyone.context["rows"][1]["sentence"] == sentences[1]
    detail = client_for(administrator).get(reverse("labelling:assessment_detail", args=[reviewed.pk]))
    assert [row["sentence"] for row in detail.context["audit_rows"][:4]] == sentences
    export = client_for(administrator).get(reverse("labelling:audit_export"), {"kind": "answer"})
    rows = _csv_rows(export)
    assert [row[6] for row in rows[1:5]] == sentences


def test_every_recorded_action_has_its_own_sentence(reviewed):
    for event in AuditEvent.objects.filter(assessment=reviewed):
        with translation.override("en"):
            sentence = event_sentence(event)
        assert event.action not in sentence and "{" not in sentence, (event.action, sentence)


def test_the_managers_and_administrators_read_the_trail_paginated_and_filtered(
    reviewed, manager, other_manager, assessor, administrator, client_for
):
    url = reverse("labelling:assessment_audit", args=[reviewed.pk])
    for user in (other_manager, assessor):
        assert client_for(user).get(url).status_code == 404
    response = client_for(manager).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    total = AuditEvent.objects.filter(assessment=reviewed).count()
    assert response.context["page"].paginator.count == total > 31  # 31 answers declared, and the steps
    assert len(response.context["rows"]) == 50 if total > 50 else total
    page = response.content.decode()
    assert "corrected S3: 285 → 280" in page and "{&#x27;" not in page and "{'" not in page
    only_answers = client_for(manager).get(url, {"kind": "review"})
    assert {r["event"].action for r in only_answers.context["rows"]} == {"review.no_conflict_declared"}
    assert client_for(administrator).get(url).status_code == 200
    detail = client_for(manager).get(reverse("labelling:assessment_detail", args=[reviewed.pk]))
    assert len(detail.context["audit_rows"]) == 10 and 'id="audit-link"' in detail.content.decode()


def test_the_administrators_see_every_event_and_export_them_as_csv(
    reviewed, other_cluster, manager, administrator, client_for
):
    url = reverse("labelling:audit_all")
    assert client_for(manager).get(url).status_code == 404
    assert client_for(manager).get(reverse("labelling:audit_export")).status_code == 404
    response = client_for(administrator).get(url, {"q": "Cosmetic", "kind": "assessment"})
    assert response.status_code == 200
    assert {r["event"].action.split(".")[0] for r in response.context["rows"]} == {"assessment"}
    AuditEvent.objects.create(actor=None, action="member.create", cluster=other_cluster, target="=HYPERLINK(1)")
    export = client_for(administrator).get(reverse("labelling:audit_export"), {"kind": "member"})
    rows = _csv_rows(export)
    assert rows[0][:3] == ["Quand", "Qui", "Cluster"]  # in the reader's language (French by default)
    assert rows[1][1] == "Grappe" and rows[1][5] == "'=HYPERLINK(1)"  # no formula in a spreadsheet
    assert len(rows) == 2


def test_the_export_link_keeps_the_filters_and_drops_the_page(reviewed, administrator, client_for):
    url = reverse("labelling:audit_all")
    html = client_for(administrator).get(url, {"kind": "assessment", "page": "1"}).content.decode()
    assert f'href="{reverse("labelling:audit_export")}?kind=assessment"' in html
    assert f'href="{reverse("labelling:audit_export")}"' in client_for(administrator).get(url).content.decode()


def test_a_start_date_after_the_end_date_is_refused_on_its_field_with_what_was_typed(
    reviewed, administrator, client_for
):
    url = reverse("labelling:audit_all")
    query = {"since": "2026-03-10", "until": "2026-03-01", "who": "Garnier"}
    french = client_for(administrator).get(url, query, HTTP_ACCEPT_LANGUAGE="fr")
    form = french.context["form"]
    assert form.errors == {
        "since": [
            "Cette date est postérieure à la date de fin\u202f: "
            "choisissez une date de début antérieure ou égale à celle-ci."
        ]
    }
    html = french.content.decode()
    assert 'value="2026-03-10"' in html and 'value="2026-03-01"' in html and 'value="Garnier"' in html
    assert "postérieure à la date de fin" in html
    english = client_for(administrator).get(url, query, HTTP_ACCEPT_LANGUAGE="en").context["form"]
    assert english.errors["since"] == ["This date is after the end date: choose a start date on or before it."]
    trail = reverse("labelling:assessment_audit", args=[reviewed.pk])
    assert "since" in client_for(administrator).get(trail, query).context["form"].errors
    same_day = client_for(administrator).get(url, {"since": "2026-03-01", "until": "2026-03-01"})
    assert same_day.context["form"].is_valid()


def _csv_rows(export) -> list[list[str]]:
    """The export's rows, split on the reader's spreadsheet separator (";" in French, "," in English)."""
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.split("\n", 1)[0] else ","))
