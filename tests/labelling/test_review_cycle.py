"""A labelling season without dead ends: change requests per indicator, resubmission straight back to the same
assessor, conflicts of interest, the second assessor's countersignature for Gold, accepting a category, anomaly
flags, draft withdrawal, one assessment per cluster and year, superseded labels and renewal links.

Each rule is checked through the service, and through the page or the API where it has one, with its refusals
and what they leave unchanged.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from core.exceptions import DomainError, InvalidTransition, NotFound
from labelling import selectors
from labelling.models import Answer, Assessment, AssessmentStatus, Decision, Evidence, Label, Review
from labelling.services.answers import answer_save, assessment_create, assessment_submit, assessment_withdraw
from labelling.services.evidence import evidence_add
from labelling.services.workflow import (
    answer_review,
    answers_accept_remaining,
    assessment_assign,
    assessment_assign_second,
    assessment_decide,
    assessment_request_changes,
    review_countersign,
    review_declare_conflict,
    review_declare_no_conflict,
    review_disagree,
)
from tests import factories
from tests.expertise.helpers import visited_with_findings
from tests.labelling.samples import pdf_bytes
from tests.labelling.workflow_helpers import (
    accept_all,
    answer_of,
    countersigned,
    events_of,
    in_review,
    submitted,
    validated,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class _Upload:
    name = "members.pdf"

    def __init__(self):
        self._data = pdf_bytes()

    def read(self, size=-1):
        data, self._data = (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
        return data


# --- change requests and resubmission ----------------------------------------------------------------------


def test_changes_requested_on_two_indicators_are_kept_beside_their_answers(
    framework, cluster, manager, administrator, assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    assessment_request_changes(
        user=assessor,
        assessment=assessment,
        comment="",
        requests={"S3": "Send the member list.", "G2": "Count the staff in FTE.", "F1": "  "},
    )
    assert answer_of(assessment, "S3").change_request == "Send the member list."
    assert answer_of(assessment, "G2").change_request == "Count the staff in FTE."
    assert answer_of(assessment, "F1").change_request == ""
    [event] = events_of(assessment, "assessment.changes_requested")
    assert event.after["requests"] == {"S3": "Send the member list.", "G2": "Count the staff in FTE."}


@pytest.mark.parametrize(
    "comment, requests, field",
    [("", {}, "comment"), ("", {"S3": "   "}, "comment"), ("Fine", {"ZZ9": "What?"}, "requests")],
)
def test_a_change_request_needs_a_text_on_known_indicators_and_changes_nothing_otherwise(
    framework, cluster, manager, administrator, assessor, comment, requests, field
):
    assessment = in_review(cluster, manager, administrator, assessor)
    with pytest.raises(DomainError) as exc:
        assessment_request_changes(user=assessor, assessment=assessment, comment=comment, requests=requests)
    assert list(exc.value.errors) == [field]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_REVIEW
    assert not Answer.objects.filter(assessment=assessment).exclude(change_request="").exists()


def test_resubmission_goes_straight_back_to_the_same_assessor_who_reviews_only_what_changed(
    framework, cluster, manager, administrator, assessor, eager_celery, django_capture_on_commit_callbacks
):
    assessor.language = "en"
    assessor.save()
    manager.language = "fr"
    manager.save()
    assessment = in_review(cluster, manager, administrator, assessor)
    accept_all(assessment, assessor)
    assessment_request_changes(user=assessor, assessment=assessment, requests={"S3": "Recount.", "G2": "FTE, please."})
    assessment.refresh_from_db()  # the manager opens it again: changes requested
    s3 = answer_of(assessment, "S3")
    answer_save(user=manager, answer=s3, value="61", comment="Recounted.", expected_version=s3.version)
    evidence_add(
        user=manager, answer=answer_of(assessment, "G2"), upload=_Upload(), document_date=datetime.date(2025, 6, 1)
    )
    assert answer_of(assessment, "S3").changed_since_request and answer_of(assessment, "G2").changed_since_request
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.assessor) == (AssessmentStatus.IN_REVIEW, assessor)
    needs = {
        a.indicator.code
        for a in Answer.objects.filter(assessment=assessment, reviewed=False).select_related("indicator")
    }
    assert needs == {"S3", "G2"}  # the 29 others keep their review
    [event] = events_of(assessment, "assessment.resubmitted")
    assert event.after == {"status": "in_review", "changed": ["S3", "G2"]}
    [message] = mail.outbox
    assert message.to == [assessor.email]
    assert "back for your review" in message.subject  # in the assessor's language
    assert "S3" in message.body and "G2" in message.body
    # the assessor's dashboard counts them first
    work = {a.pk: a for a in selectors.with_review_figures(selectors.assessments_for_assessor(user=assessor))}
    assert (work[assessment.pk].to_review, work[assessment.pk].changed) == (2, 2)


@pytest.mark.parametrize(
    "name, subject, greeting",
    [
        ("Cosmetic Valley", "Grappe\u202f: l’évaluation de Cosmetic Valley revient pour votre examen", "Bonjour"),
        (
            "Elastopole",
            "Grappe\u202f: l’évaluation d\u2019Elastopole revient pour votre examen",
            "Le gestionnaire d\u2019Elastopole a répondu",
        ),
    ],
    ids=["de", "elided"],
)
def test_the_resubmission_e_mail_is_in_french_for_a_french_assessor_and_elides_de(
    framework,
    cluster,
    manager,
    administrator,
    assessor,
    eager_celery,
    django_capture_on_commit_callbacks,
    name,
    subject,
    greeting,
):
    assessor.language = "fr"
    assessor.save()
    cluster.name = name
    cluster.save()
    assessment = in_review(cluster, manager, administrator, assessor)
    assessment_request_changes(user=assessor, assessment=assessment, requests={"S3": "Recomptez."})
    assessment.refresh_from_db()  # the manager opens it again: changes requested
    s3 = answer_of(assessment, "S3")
    answer_save(user=manager, answer=s3, value="61", comment="Recompté.", expected_version=s3.version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    [message] = mail.outbox
    assert message.subject == subject
    assert "S3" in message.body and greeting in message.body


# --- conflict of interest ------------------------------------------------------------------------------------


def test_a_declared_conflict_unassigns_the_assessor_tells_the_administrators_and_is_audited(
    framework,
    cluster,
    manager,
    administrator,
    assessor,
    other_assessor,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    administrator.language = "fr"
    administrator.save()
    english_admin = factories.AdministratorFactory(username="admin-en", language="en")
    assessment = in_review(cluster, manager, administrator, assessor)
    s1 = answer_of(assessment, "S1")
    answer_review(user=assessor, answer=s1, accept=True, expected_version=s1.version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_declare_conflict(user=assessor, assessment=assessment, reason="I sat on its board.")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.assessor) == (AssessmentStatus.SUBMITTED, None)
    assert not Answer.objects.filter(assessment=assessment, reviewed=True).exists()  # a new assessor starts afresh
    review = Review.objects.get(assessment=assessment, assessor=assessor)
    assert review.conflict_declared and review.conflict_details == "I sat on its board."
    [event] = events_of(assessment, "review.conflict_declared")
    assert event.after["reason"] == "I sat on its board."
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {administrator.email, english_admin.email}
    assert by_address[english_admin.email].subject.startswith("Grappe: conflict of interest declared")
    assert by_address[administrator.email].subject.startswith("Grappe\u202f: conflit d’intérêts déclaré")
    assert "I sat on its board." in by_address[administrator.email].body
    # they lose access at once, and are not offered again for this cluster
    s2 = answer_of(assessment, "S2")
    with pytest.raises(NotFound):
        answer_review(user=assessor, answer=s2, accept=True, expected_version=s2.version)
    with pytest.raises(DomainError) as exc:
        assessment_assign(user=administrator, assessment=assessment, assessor=assessor)
    assert exc.value.errors == {"assessor": ["This assessor declared a conflict of interest with this cluster."]}
    assessment.refresh_from_db()
    assert assessment.assessor is None
    assessment_assign(user=administrator, assessment=assessment, assessor=other_assessor)  # another one is fine


def test_a_conflict_needs_a_reason_and_only_the_assigned_assessor_declares_it(
    framework, cluster, manager, administrator, assessor, other_assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    with pytest.raises(DomainError) as exc:
        review_declare_conflict(user=assessor, assessment=assessment, reason="  ")
    assert exc.value.errors == {"reason": ["Say what the conflict of interest is."]}
    with pytest.raises(NotFound):
        review_declare_conflict(user=other_assessor, assessment=assessment, reason="Me too.")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.assessor) == (AssessmentStatus.IN_REVIEW, assessor)
    assert not events_of(assessment, "review.conflict_declared")


def test_declaring_a_conflict_through_the_api_and_the_page(
    framework, cluster, manager, administrator, assessor, other_assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    url = f"/api/v1/assessments/{assessment.pk}/declare-conflict/"
    assert api(assessor).post(url, {}, format="json").status_code == 400
    assert api(other_assessor).post(url, {"reason": "x"}, format="json").status_code == 404
    assert api(assessor).post(url, {"reason": "Consultancy in 2024."}, format="json").status_code == 200
    assert api(assessor).get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404
    # the page form, on another assessment
    other = in_review(cluster, manager, administrator, other_assessor, reference_year=2024)
    response = client_for(other_assessor).post(
        reverse("labelling:assessment_declare_conflict", args=[other.pk]), {"reason": ""}
    )
    assert response.status_code == 400 and response.context["conflict_form"].errors["reason"]
    response = client_for(other_assessor).post(
        reverse("labelling:assessment_declare_conflict", args=[other.pk]), {"reason": "Family tie."}
    )
    assert response.status_code == 302 and response["Location"] == reverse("labelling:assessor_dashboard")
    assert client_for(other_assessor).get(reverse("labelling:assessment_detail", args=[other.pk])).status_code == 404


# --- two experts for Gold ------------------------------------------------------------------------------------


def test_gold_is_refused_until_the_second_assessor_countersigns(framework, cluster, manager, administrator, assessor):
    assessment = validated(cluster, manager, administrator, assessor)
    with pytest.raises(InvalidTransition) as exc:
        assessment_decide(user=administrator, assessment=assessment)
    assert "assign a second assessor" in exc.value.errors["level"][0]
    second = factories.AssessorFactory(username="second")
    with pytest.raises(DomainError):
        assessment_assign_second(user=administrator, assessment=assessment, assessor=assessor)  # not the first one
    assessment = assessment_assign_second(user=administrator, assessment=assessment, assessor=second)
    with pytest.raises(InvalidTransition):  # no conflict declaration yet
        review_countersign(user=second, assessment=assessment)
    review_declare_no_conflict(user=second, assessment=assessment)
    with pytest.raises(InvalidTransition) as exc:
        assessment_decide(user=administrator, assessment=assessment)
    assert exc.value.errors["level"] == [
        "A Gold label needs the second assessor's countersignature: it has not been given yet."
    ]
    review_disagree(user=second, assessment=assessment, reason="G2 counts interns.")
    with pytest.raises(InvalidTransition) as exc:
        assessment_decide(user=administrator, assessment=assessment)
    assert "G2 counts interns." in exc.value.errors["level"][0]
    assessment.refresh_from_db()
    assert (
        assessment.status == AssessmentStatus.VALIDATED and not Decision.objects.filter(assessment=assessment).exists()
    )
    review_countersign(user=second, assessment=assessment)
    assert assessment_decide(user=administrator, assessment=assessment).level == "gold"
    actions = [e.action for e in AuditEvent.objects.filter(assessment=assessment).order_by("id")]
    assert {"assessment.second_assigned", "review.disagreed", "review.countersigned"} <= set(actions)


def test_a_lower_level_needs_no_countersignature_and_the_setting_can_be_off(
    framework, cluster, other_cluster, manager, other_manager, administrator, assessor
):
    assessment = validated(cluster, manager, administrator, assessor)
    decision = assessment_decide(user=administrator, assessment=assessment, level="silver", reason="Board advice.")
    assert decision.level == "silver"
    framework.gold_countersignature = False
    framework.save(update_fields=["gold_countersignature"])
    other = validated(other_cluster, other_manager, administrator, assessor)
    assert assessment_decide(user=administrator, assessment=other).level == "gold"


def test_only_the_second_assessor_countersigns_and_only_a_validated_review(
    framework, cluster, manager, administrator, assessor, other_assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    assessment = assessment_assign_second(user=administrator, assessment=assessment, assessor=other_assessor)
    review_declare_no_conflict(user=other_assessor, assessment=assessment)
    with pytest.raises(InvalidTransition):
        review_countersign(user=other_assessor, assessment=assessment)  # still in review
    with pytest.raises(NotFound):
        review_countersign(user=assessor, assessment=assessment)
    s1 = answer_of(assessment, "S1")
    with pytest.raises(NotFound):  # the second assessor reads, never reviews
        answer_review(user=other_assessor, answer=s1, accept=True, expected_version=s1.version)
    with pytest.raises(DomainError) as exc:
        review_disagree(user=other_assessor, assessment=assessment, reason="")
    assert exc.value.errors == {"reason": ["Give the reason for your disagreement."]}


def test_the_framework_file_carries_the_countersignature_setting():
    from indicators.spec import FrameworkFileError, default_framework_spec, parse_framework

    spec = default_framework_spec()
    assert spec.gold_countersignature is True
    data = spec.to_dict()
    assert parse_framework(data) == spec
    with pytest.raises(FrameworkFileError) as exc:
        parse_framework({**data, "gold_countersignature": "yes"})
    assert any(e.startswith("gold_countersignature") for e in exc.value.errors)
    assert (
        parse_framework({k: v for k, v in data.items() if k != "gold_countersignature"}).gold_countersignature is False
    )


def test_the_second_assessor_sees_the_review_read_only_and_countersigns_on_the_page(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = validated(cluster, manager, administrator, assessor)
    second = factories.AssessorFactory(username="second")
    response = client_for(administrator).post(
        reverse("labelling:assessment_assign_second", args=[assessment.pk]), {"assessor": second.pk}
    )
    assert response.status_code == 302
    as_second = client_for(second)
    page = as_second.get(reverse("labelling:assessment_detail", args=[assessment.pk]))
    assert page.context["can_declare_second"] and not page.context["can_review"]
    as_second.post(reverse("labelling:assessment_declare_no_conflict", args=[assessment.pk]))
    page = as_second.get(reverse("labelling:assessment_detail", args=[assessment.pk]))
    assert page.context["can_countersign"] and 'id="countersign-button"' in page.content.decode()
    response = as_second.post(reverse("labelling:assessment_disagree", args=[assessment.pk]), {"reason": ""})
    assert response.status_code == 400 and response.context["disagree_form"].errors["reason"]
    assert as_second.post(reverse("labelling:assessment_countersign", args=[assessment.pk])).status_code == 302
    admin_page = client_for(administrator).get(reverse("labelling:assessment_detail", args=[assessment.pk]))
    assert not admin_page.context["gold_blocked"]


# --- the assessor's productivity ----------------------------------------------------------------------------


def test_accept_all_remaining_answers_of_a_category_audits_each_one(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    s1 = answer_of(assessment, "S1")
    answer_review(
        user=assessor, answer=s1, accept=False, value="50", justification="Fewer.", expected_version=s1.version
    )
    response = client_for(assessor).post(reverse("labelling:answers_accept_category", args=[assessment.pk, "S"]))
    assert response.status_code == 302
    s_codes = list(assessment.framework.indicators.filter(category__code="S").values_list("code", flat=True))
    accepted = [e.target for e in events_of(assessment, "answer.accepted")]
    assert sorted(accepted) == sorted(c for c in s_codes if c != "S1")  # the correction stands
    assert answer_of(assessment, "S1").validated_number == Decimal(50)
    assert not Answer.objects.filter(assessment=assessment, indicator__category__code="G", reviewed=True).exists()
    with pytest.raises(InvalidTransition):  # nothing left
        answers_accept_remaining(user=assessor, assessment=assessment, category_code="S")
    response = api(assessor).post(
        f"/api/v1/assessments/{assessment.pk}/accept-remaining/", {"category": "G"}, format="json"
    )
    assert response.status_code == 200 and response.json()["accepted"][0].startswith("G")
    assert (
        api(assessor)
        .post(f"/api/v1/assessments/{assessment.pk}/accept-remaining/", {"category": "Q"}, format="json")
        .status_code
        == 400
    )


def test_the_assessor_dashboard_puts_outstanding_work_first_and_is_paginated(
    framework, manager, administrator, assessor, client_for
):
    clusters = [factories.ClusterFactory(name=f"Pôle {i:02d}") for i in range(27)]
    for c in clusters:
        c.managers.add(manager)
    # One validated through the services; the other 25 in the same state straight from the factory (assigned to
    # the assessor, validated, every answer reviewed): the dashboard reads only that, and 25 reviews of 31
    # answers each through the services took seconds.
    done = [validated(clusters[0], manager, administrator, assessor)]
    done += [
        factories.AssessmentFactory(
            cluster=c, status=AssessmentStatus.VALIDATED, assessor=assessor, submitted_at=done[0].submitted_at
        )
        for c in clusters[1:26]
    ]
    Answer.objects.filter(assessment__in=done[1:]).update(reviewed=True)
    waiting = in_review(clusters[26], manager, administrator, assessor)
    client = client_for(assessor)
    work = client.get(reverse("labelling:assessor_dashboard"))  # the work only (issue 22, item 9)
    assert [a.pk for a in work.context["page"]] == [waiting.pk]
    first = client.get(reverse("labelling:assessor_dashboard") + "?show=all")
    rows = list(first.context["page"])
    assert rows[0].pk == waiting.pk and rows[0].to_review == 31 and len(rows) == 25
    assert first.context["counts"] == {"in_review": 1, "answers_to_review": 31, "changed": 0, "to_countersign": 0}
    second = client.get(reverse("labelling:assessor_dashboard") + "?show=all&page=2")
    assert len(second.context["page"]) == 2 and {a.pk for a in second.context["page"]} <= {a.pk for a in done}


def test_anomalies_flag_answers_far_from_the_records_or_outside_the_peers_range(
    framework, cluster, manager, administrator, assessor, client_for
):
    from labelling.selectors.anomalies import answer_anomalies

    # S3 is proposed: 15 members (the prerequisites to apply ask for 15, companies and research among them)
    factories.MemberFactory.create_batch(14, cluster=cluster)
    factories.MemberFactory(cluster=cluster, member_type="research")
    peers = []
    for i in range(6):
        peer = factories.ClusterFactory(name=f"Pair {i}")
        peers.append(validated(peer, manager, administrator, assessor, reference_year=2025))
    for peer in peers:
        Answer.objects.filter(assessment=peer, indicator__code="G2").update(validated_number=Decimal(4 + peer.pk % 3))
    assessment = in_review(cluster, manager, administrator, assessor, reference_year=2025)
    answer_list = list(assessment.answers.select_related("indicator"))
    flags = answer_anomalies(assessment=assessment, answers=answer_list)
    s3 = answer_of(assessment, "S3")
    assert s3.proposed_number == 15 and s3.declared_number != 15
    assert [f.kind for f in flags["S3"]][0] == "records"
    g2 = answer_of(assessment, "G2")
    if g2.declared_number > 6:
        assert "peers" in [f.kind for f in flags["G2"]]
    page = client_for(assessor).get(reverse("labelling:assessment_detail", args=[assessment.pk]))
    assert "S3" in page.context["flagged"] and 'data-flag="S3"' in page.content.decode()


# --- lifecycle safety ---------------------------------------------------------------------------------------


def test_one_assessment_per_cluster_and_year_even_once_decided(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = validated(cluster, manager, administrator, assessor)
    assessment_decide(user=administrator, assessment=assessment, level="bronze", reason="Test.")
    with pytest.raises(DomainError) as exc:
        assessment_create(user=manager, cluster=cluster, reference_year=2025)
    assert list(exc.value.errors) == ["reference_year"]
    response = api(manager).post("/api/v1/assessments/", {"cluster": cluster.pk, "reference_year": 2025}, format="json")
    assert response.status_code == 400 and "reference_year" in response.json()["errors"]
    response = client_for(manager).post(
        reverse("labelling:cluster_assessments", args=[cluster.pk]), {"reference_year": "2025"}
    )
    assert response.status_code == 400 and response.context["form"].errors["reference_year"]
    assert Assessment.objects.filter(cluster=cluster).count() == 1


def test_a_manager_withdraws_a_draft_and_nothing_else(
    framework, cluster, manager, other_manager, administrator, assessor, client_for
):
    draft = assessment_create(user=manager, cluster=cluster, reference_year=2024)
    evidence = evidence_add(
        user=manager, answer=answer_of(draft, "S1"), upload=_Upload(), document_date=datetime.date(2025, 1, 1)
    )
    name, storage = evidence.file.name, evidence.file.storage
    with pytest.raises(NotFound):
        assessment_withdraw(user=other_manager, assessment=draft)
    page = client_for(manager).get(reverse("labelling:assessment_withdraw", args=[draft.pk]))
    assert page.status_code == 200 and 'id="confirm-withdraw"' in page.content.decode()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(manager).post(reverse("labelling:assessment_withdraw", args=[draft.pk]))
    assert response.status_code == 302
    assert not Assessment.objects.filter(pk=draft.pk).exists() and not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not storage.exists(name)
    [event] = AuditEvent.objects.filter(cluster=cluster, action="assessment.withdrawn")
    assert event.actor == manager and event.before["reference_year"] == 2024
    sent = submitted(cluster, manager)
    response = api(manager).delete(f"/api/v1/assessments/{sent.pk}/")
    assert response.status_code == 409
    assert Assessment.objects.filter(pk=sent.pk, status=AssessmentStatus.SUBMITTED).exists()
    assert api(other_manager).delete(f"/api/v1/assessments/{sent.pk}/").status_code == 404
    again = assessment_create(user=manager, cluster=cluster, reference_year=2024)  # the year is free again
    assert api(manager).delete(f"/api/v1/assessments/{again.pk}/").status_code == 204


def test_submit_decide_and_revoke_ask_for_confirmation(
    settings, framework, cluster, manager, administrator, assessor, client_for
):
    settings.LABELLING_COMMITTEE = False  # the direct decision's form (with the committee, its sessions decide)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    summary = client_for(manager).get(reverse("labelling:assessment_summary", args=[assessment.pk])).content.decode()
    assert re.search(r'id="submit-form"\s+data-confirm="', summary)
    done = countersigned(validated(cluster, manager, administrator, assessor, reference_year=2024), administrator)
    page = client_for(administrator).get(reverse("labelling:assessment_detail", args=[done.pk])).content.decode()
    assert re.search(r'id="decide-form"\s+data-confirm="', page)
    assessment_decide(user=administrator, assessment=done)
    page = client_for(administrator).get(reverse("labelling:assessment_detail", args=[done.pk])).content.decode()
    assert re.search(r'id="revoke-form"\s+data-confirm="', page)


def test_a_superseded_label_says_which_label_replaced_it_and_the_history_lists_every_label(
    framework, cluster, manager, administrator, assessor, client_for
):
    from labelling.services.labels import label_revoke

    first = assessment_decide(
        user=administrator,
        assessment=countersigned(
            validated(cluster, manager, administrator, assessor, reference_year=2023), administrator
        ),
    )
    second = assessment_decide(
        user=administrator,
        assessment=countersigned(
            validated(cluster, manager, administrator, assessor, reference_year=2024), administrator
        ),
    )
    old, new = Label.objects.get(assessment=first.assessment), Label.objects.get(assessment=second.assessment)
    assert old.superseded_by == new
    page = client_for(None).get(reverse("labelling:certificate", args=[old.certificate_number])).content.decode()
    assert 'id="superseded"' in page and new.certificate_number in page
    label_revoke(user=administrator, label=new, reason="Fraudulent member list.")
    history = client_for(None).get(reverse("labelling:registry_cluster", args=[cluster.pk])).content.decode()
    assert old.certificate_number in history and new.certificate_number in history
    assert "Fraudulent member list." in history and f"Replaced by {new.certificate_number}" in history


def test_the_reminder_links_to_the_renewal_which_opens_from_the_last_assessment(
    framework, cluster, manager, administrator, assessor, client_for, eager_celery, django_capture_on_commit_callbacks
):
    from labelling.services.labels import labels_expire

    decision = assessment_decide(
        user=administrator,
        assessment=countersigned(
            validated(cluster, manager, administrator, assessor, reference_year=2023), administrator
        ),
    )
    label = Label.objects.get(assessment=decision.assessment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        labels_expire(today=label.expires_on - datetime.timedelta(days=80))
    [message] = mail.outbox
    link = reverse("labelling:cluster_assessments", args=[cluster.pk]) + f"?renew={decision.assessment.pk}"
    assert link in message.body
    form = client_for(manager).get(link).context["form"]
    assert form.initial["previous"] == decision.assessment.pk and form.initial["reference_year"] >= 2024


# --- where the manager works --------------------------------------------------------------------------------


def test_the_manager_sees_each_request_where_they_edit_and_what_is_still_asked(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    assessment_request_changes(
        user=assessor, assessment=assessment, comment="Two things.", requests={"S3": "Send the list.", "G2": "FTE."}
    )
    client = client_for(manager)
    home = client.get(reverse("clusters:dashboard")).content.decode()
    assert 'id="action-needed"' in home
    assert 'id="action-needed"' in client.get(reverse("clusters:profile", args=[cluster.pk])).content.decode()
    fill = client.get(reverse("labelling:assessment_fill", args=[assessment.pk, "S"])).content.decode()
    assert 'data-request="S3"' in fill and "Send the list." in fill and 'data-request="G2"' not in fill
    s3 = answer_of(assessment, "S3")
    answer_save(user=manager, answer=s3, value="61", comment="Recounted.", expected_version=s3.version)
    summary = client.get(reverse("labelling:assessment_summary", args=[assessment.pk]))
    items = {i["answer"].indicator.code: i["answer"].changed_since_request for i in summary.context["requested"]}
    assert items == {"S3": True, "G2": False} and summary.context["changes_comment"] == "Two things."
    assert "still asked" in summary.content.decode()


def test_after_validation_the_manager_sees_the_corrected_value_and_its_justification(
    framework, cluster, manager, administrator, assessor, client_for
):
    from labelling.services.workflow import assessment_validate

    assessment = in_review(cluster, manager, administrator, assessor)
    accept_all(assessment, assessor)
    s3 = answer_of(assessment, "S3")
    answer_review(
        user=assessor, answer=s3, accept=False, value="40", justification="Two left.", expected_version=s3.version
    )
    visited_with_findings(assessment, assessor)
    assessment_validate(user=assessor, assessment=assessment)
    fill = client_for(manager).get(reverse("labelling:assessment_fill", args=[assessment.pk, "S"])).content.decode()
    assert 'data-validated="S3"' in fill and "Two left." in fill


def test_a_refused_submission_shows_an_error_summary_at_the_top_linking_to_each_field(
    framework, cluster, manager, client_for
):
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    response = client_for(manager).post(
        reverse("labelling:assessment_submit", args=[assessment.pk]), {"version": assessment.version}
    )
    page = response.content.decode()
    assert response.status_code == 400
    summary_at = page.index("data-error-summary")
    assert summary_at < page.index('id="preview-title"')  # before the long preview, not 3,500 px below
    assert 'tabindex="-1"' in page[summary_at - 200 : summary_at + 50]
    assert f'href="/assessments/{assessment.pk}/fill/S/#id_S1-value"' in page


def test_a_refused_form_lists_its_errors_with_links_to_the_fields(framework, cluster, manager, client_for):
    response = client_for(manager).post(reverse("clusters:member_add", args=[cluster.pk]), {"name": ""})
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "data-error-summary" in page and 'href="#id_name"' in page


def test_the_second_assessors_dashboard_says_to_countersign_then_countersigned(
    framework, cluster, manager, administrator, assessor, client_for
):
    second = factories.AssessorFactory(username="second-dashboard")
    assessment = validated(cluster, manager, administrator, assessor)
    assessment = assessment_assign_second(user=administrator, assessment=assessment, assessor=second)
    review_declare_no_conflict(user=second, assessment=assessment)
    client = client_for(second)

    def row():
        response = client.get(reverse("labelling:assessor_dashboard") + "?show=all")
        [mine] = response.context["page"]
        return mine.outstanding, mine.countersigned, response.context["counts"]["to_countersign"]

    assert row() == (1, False, 1)
    assert "<strong>to countersign</strong>" in client.get(reverse("labelling:assessor_dashboard")).content.decode()
    review_countersign(user=second, assessment=Assessment.objects.get(pk=assessment.pk))
    assert row() == (0, True, 0)
    page = client.get(reverse("labelling:assessor_dashboard") + "?show=all").content.decode()
    assert "· countersigned" in page and "<strong>to countersign</strong>" not in page
    # Countersigned, it is no longer work: the default view leaves it out.
    assert list(client.get(reverse("labelling:assessor_dashboard")).context["page"]) == []
