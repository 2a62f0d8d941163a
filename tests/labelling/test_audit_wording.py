"""Issue 22, item 13: the audit trail in the reader's language, naming people, in whole sentences.

No English key on a French page (« created : — → 1 », « member_fees »: the model's field names and proper
plurals instead), a person's name instead of a user name (« affecté l'évaluation à assessor2 »), and no truncated
sentence (« a demandé des modifications : — Sur V12. »)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.selectors import people_names
from labelling.audit_sentences import audit_rows, event_sentence, names_needed
from tests import factories
from tests.labelling.workflow_helpers import in_review

pytestmark = [pytest.mark.django_db]


def _event(action, *, target="", before=None, after=None, actor=None):
    return SimpleNamespace(
        action=action, target=target, before=before or {}, after=after or {}, actor=actor, assessment_id=None
    )


def test_a_members_import_is_written_with_french_plurals_not_keys():
    event = _event("members.import", target="membres.xlsx", after={"created": 1, "updated": 0, "unchanged": 2})
    with translation.override("fr"):
        sentence = event_sentence(event)
    assert "created" not in sentence and "unchanged" not in sentence
    assert "1 créé, 0 mis à jour, 2 inchangés" in sentence
    with translation.override("en"):
        assert "1 created, 0 updated, 2 unchanged" in event_sentence(event)


def test_changed_fields_are_named_as_the_forms_name_them():
    event = _event(
        "financing_year.update", target="2025", before={"member_fees": "1000"}, after={"member_fees": "1200"}
    )
    with translation.override("fr"):
        sentence = event_sentence(event)
    assert "member_fees" not in sentence and "cotisations des membres" in sentence.lower()
    eligibility = _event("assessment.eligibility", before={"legal_entity": True}, after={"legal_entity": False})
    with translation.override("en"):
        assert "legal entity: yes → no" in event_sentence(eligibility)


def test_an_assignment_names_the_person_not_the_user_name(framework):
    second = factories.AssessorFactory(username="assessor2", first_name="Isabelle", last_name="Langlois")
    events = [_event("assessment.assigned", target="assessor2"), _event("assessment.second_assigned", target="x")]
    assert names_needed(events) == {"assessor2", "x"}
    names = people_names(usernames=names_needed(events))
    assert names == {"assessor2": "Isabelle Langlois"}  # an unknown user name stays as recorded
    with translation.override("fr"):
        rows = audit_rows(events, {}, names)
    assert "Isabelle Langlois" in rows[0]["sentence"] and "assessor2" not in rows[0]["sentence"]
    assert second.username == "assessor2"


@pytest.mark.parametrize(
    ("after", "english"),
    [
        ({"comment": "", "requests": {"V12": "Joignez le budget."}}, "Grappe requested changes on V12."),
        ({"comment": "Voir le budget.", "requests": {}}, "Grappe requested changes. Comment: Voir le budget."),
        ({}, "Grappe requested changes."),
    ],
)
def test_a_change_request_is_a_whole_sentence(after, english):
    event = _event("assessment.changes_requested", after=after)
    with translation.override("en"):
        assert event_sentence(event) == english
    with translation.override("fr"):
        assert "—" not in event_sentence(event)


def test_the_assessment_page_names_the_assessor(framework, cluster, manager, administrator, client_for):
    assessor = factories.AssessorFactory(username="sophie.g", first_name="Sophie", last_name="Garnier")
    assessment = in_review(cluster, manager, administrator, assessor)
    client = client_for(administrator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    for url in (
        reverse("labelling:assessment_detail", args=[assessment.pk]),
        reverse("labelling:assessment_audit", args=[assessment.pk]),
    ):
        page = client.get(url).content.decode()
        assert "évaluation à Sophie Garnier" in page, url
        assert "à sophie.g" not in page
