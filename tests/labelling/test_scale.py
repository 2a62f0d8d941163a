"""Bounded pages at any population size: every list page and endpoint runs the same number of queries for
3 and for 9 clusters (each with a decided assessment, a label and an assessment in review), pages are
paginated, and the lists never read the framework's source JSON. And the caches: a validation, a decision or
a revocation changes the benchmark and the statistics at once; a label change refreshes the registry filters."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from labelling.models import Answer, Assessment, Label
from labelling.selectors.anomalies import peer_ranges
from labelling.selectors.peers import benchmark_position_for, population_statistics
from labelling.services.answers import answer_save, assessment_submit
from labelling.services.workflow import answer_review, assessment_assign, assessment_request_changes
from tests import factories
from tests.expertise.helpers import visited_with_findings
from tests.labelling.workflow_helpers import accept_all, in_review, submitted

pytestmark = pytest.mark.django_db

REGIONS = ["24", "11", "84", "75"]


@pytest.fixture
def people(db):
    return {
        "admin": factories.AdministratorFactory(username="scale_admin"),
        "assessor": factories.AssessorFactory(username="scale_assessor"),
        "manager": factories.ManagerFactory(username="scale_manager"),
    }


def _grow(people, start: int, count: int) -> list[Assessment]:
    """``count`` more clusters, each with a decided assessment (label), and one in review, all assigned."""
    decided = []
    for i in range(start, start + count):
        cluster = factories.ClusterFactory(
            name=f"Scale Nekoé {i:03d}", region=REGIONS[i % len(REGIONS)], kind=["pole", "grappe"][i % 2]
        )
        cluster.managers.add(people["manager"])
        factories.MemberFactory.create_batch(2, cluster=cluster)
        assessment = factories.AssessmentFactory(
            cluster=cluster,
            status="decided",
            validated_on=datetime.date(2026, 3, 1),
            assessor=people["assessor"],
            submitted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
        )
        Answer.objects.filter(assessment=assessment, indicator__code="S1").update(validated_number=10 * i)
        factories.LabelFactory(assessment=assessment, level=["bronze", "silver", "gold"][i % 3])
        factories.AssessmentFactory(
            cluster=cluster, reference_year=2026, status="in_review", assessor=people["assessor"]
        )
        decided.append(assessment)
    return decided


def _pages(people, first: Assessment) -> list[tuple[str, object, str]]:
    """(what, user, url) of every list page and list endpoint."""
    admin, assessor, manager = people["admin"], people["assessor"], people["manager"]
    cluster_id = first.cluster_id
    return [
        ("registry page", None, reverse("labelling:registry")),
        ("registry search", None, reverse("labelling:registry") + "?q=nekoe&level=gold"),
        ("registry API", None, "/api/v1/registry/"),
        ("open data CSV", None, reverse("labelling:open_data_csv")),
        ("open data JSON", None, reverse("labelling:open_data_json")),
        ("export CSV", admin, reverse("labelling:registry_export")),
        ("export JSON", admin, reverse("labelling:registry_export_json")),
        ("export XLSX", admin, reverse("labelling:registry_export_xlsx")),
        ("administration dashboard", admin, reverse("labelling:admin_dashboard")),
        ("administration search", admin, reverse("labelling:admin_dashboard") + "?q=NEKOE"),
        ("assessor dashboard", assessor, reverse("labelling:assessor_dashboard")),
        ("clusters of an administrator", admin, reverse("clusters:dashboard")),
        ("clusters of a manager", manager, reverse("clusters:dashboard")),
        ("members", manager, reverse("clusters:members", args=[cluster_id])),
        ("statistics", admin, reverse("labelling:statistics")),
        ("benchmark", manager, reverse("labelling:assessment_benchmark", args=[first.pk])),
        ("clusters API", admin, "/api/v1/clusters/"),
        ("assessments API", admin, "/api/v1/assessments/"),
        ("labels API", admin, "/api/v1/labels/"),
        ("statistics API", admin, "/api/v1/statistics/"),
    ]


def _queries(user, url: str) -> int:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user) if url.startswith("/api/") else client.force_login(user)
    response = client.get(url)  # warm-up: caches, the framework spec, the session
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


def test_every_list_runs_the_same_number_of_queries_at_two_population_sizes(framework, people):
    first = _grow(people, 0, 3)[0]
    pages = _pages(people, first)
    small = {what: _queries(user, url) for what, user, url in pages}
    _grow(people, 3, 6)
    large = {what: _queries(user, url) for what, user, url in pages}
    assert large == small


def test_the_lists_never_read_the_framework_source(framework, people):
    first = _grow(people, 0, 2)[0]
    for what, user, url in _pages(people, first):
        if what in ("benchmark", "statistics", "statistics API"):
            continue  # one framework row for the whole page, not one per listed row
        client = APIClient()
        if user is not None:
            client.force_authenticate(user) if url.startswith("/api/") else client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        sources = [q["sql"] for q in captured if '"indicators_framework"."source"' in q["sql"]]
        assert not sources, (what, sources)


def test_the_dashboards_are_paginated(framework, people, client_for, settings):
    from clusters import views as cluster_views
    from labelling.views import workflow as workflow_views

    _grow(people, 0, 3)
    cluster_views.CLUSTERS_PER_PAGE, saved = 2, cluster_views.CLUSTERS_PER_PAGE
    try:
        response = client_for(people["admin"]).get(reverse("clusters:dashboard"))
        assert response.context["page"].paginator.num_pages == 2
        assert len(response.context["page"].object_list) == 2
        second = client_for(people["admin"]).get(reverse("clusters:dashboard"), {"page": 2})
        assert len(second.context["page"].object_list) == 1
    finally:
        cluster_views.CLUSTERS_PER_PAGE = saved
    response = client_for(people["admin"]).get(reverse("labelling:admin_dashboard"))
    assert response.context["page"].paginator.per_page == workflow_views.ADMIN_PAGE_SIZE
    # every assignment (the dashboard opens on the outstanding work only)
    mine = client_for(people["assessor"]).get(reverse("labelling:assessor_dashboard"), {"show": "all"})
    paginator = mine.context["page"].paginator
    assert paginator.per_page == workflow_views.ASSESSOR_PAGE_SIZE and paginator.count == 6


def test_the_list_orders_have_their_indexes(db):
    with connection.cursor() as cursor:
        names = {
            name
            for table in ("labelling_assessment", "labelling_answer", "labelling_label", "clusters_member")
            for name in connection.introspection.get_constraints(cursor, table)
        }
    assert {
        "assessment_recent",
        "assessment_assessor_work",
        "assessment_benchmarked_latest",
        "label_recent",
        "label_status_cluster",
        "member_cluster_name",
        "answer_changed_pending",
    } <= names


# --- caches ---------------------------------------------------------------------------------------------


def _s1(position) -> dict:
    return next(i for i in position.indicators if i.code == "S1").groups["all"]


def test_a_new_validation_changes_the_benchmark_and_the_statistics_at_once(framework, people):
    from labelling.services import workflow

    decided = _grow(people, 0, 4)
    mine = decided[0]
    before = benchmark_position_for(assessment=mine)
    statistics = population_statistics(framework=framework)
    assert (before.population, statistics.population) == (4, 4)
    assert benchmark_position_for(assessment=mine) == before  # from the cache

    # a fifth cluster's assessment is validated through the service
    cluster = factories.ClusterFactory(name="Late Cluster")
    late = factories.AssessmentFactory(cluster=cluster, status="in_review", assessor=people["assessor"])
    from labelling.models import Review

    Review.objects.update_or_create(
        assessment=late,
        assessor=people["assessor"],
        defaults={"no_conflict_declared_at": datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)},
    )
    late.answers.update(reviewed=True)
    late.answers.filter(indicator__code="S1").update(validated_number=95, justification="Counted again.")
    visited_with_findings(late, people["assessor"])
    workflow.assessment_validate(user=people["assessor"], assessment=late)

    after = benchmark_position_for(assessment=mine)
    assert after.population == 5 and _s1(after).count == 5
    assert population_statistics(framework=framework).population == 5

    # the decision awards a label: the statistics count it at once
    labels_before = population_statistics(framework=framework).labels_by_level
    decision = workflow.assessment_decide(user=people["admin"], assessment=Assessment.objects.get(pk=late.pk))
    labels_after = population_statistics(framework=framework).labels_by_level
    assert sum(labels_after.values()) == sum(labels_before.values()) + (decision.level != "none")


def test_a_revocation_changes_the_statistics_and_the_registry_filters_at_once(framework, people, client_for):
    from labelling.selectors import registry_choices
    from labelling.services.labels import label_revoke

    decided = _grow(people, 0, 3)
    label = Label.objects.get(assessment=decided[1])
    label.cluster.region = "93"
    label.cluster.save(update_fields=["region"])
    assert "93" in registry_choices()["region"]
    active = sum(population_statistics(framework=framework).labels_by_level.values())

    label_revoke(user=people["admin"], label=label, reason="Fraud.")

    assert sum(population_statistics(framework=framework).labels_by_level.values()) == active - 1
    assert "93" not in registry_choices()["region"]
    page = client_for(None).get(reverse("labelling:registry"))
    assert ("93", "93") not in page.context["form"].fields["region"].choices


def test_a_profile_edit_refreshes_the_registry_filters(framework, people):
    from clusters.services import cluster_update
    from labelling.selectors import registry_choices

    decided = _grow(people, 0, 1)
    cluster = decided[0].cluster
    assert "Tarn" not in registry_choices()["sector"]
    cluster_update(user=people["admin"], cluster=cluster, data={"sectors": ["Tarn"]}, expected_version=cluster.version)
    assert "Tarn" in registry_choices()["sector"]


def test_the_cache_key_carries_the_framework_and_the_population_version(framework, people):
    from django.core.cache import cache

    from core import caching

    mine = _grow(people, 0, 1)[0]
    benchmark_position_for(assessment=mine)
    (version,) = caching.versions(caching.POPULATION)
    key = f"benchmark:position:{framework.pk}:{framework.code}:{mine.pk}:{mine.status}"
    computed_under, position = cache.get(key)
    assert computed_under == [version] and position is not None
    caching.bump(caching.POPULATION)
    assert caching.versions(caching.POPULATION) != [version]
    benchmark_position_for(assessment=mine)  # computed again under the new version
    assert cache.get(key)[0] == caching.versions(caching.POPULATION)


def test_the_assessor_dashboard_figures_follow_each_step_of_the_review_at_once(framework, cluster, client_for):
    """The figures at the top of the assessor's dashboard are cached (``caching.assessor_work``): every review
    action, the change request and the resubmission show in them at the next view."""
    manager, administrator = factories.ManagerFactory(), factories.AdministratorFactory()
    assessor = factories.AssessorFactory()
    cluster.managers.add(manager)
    client = client_for(assessor)

    def figures():
        response = client.get(reverse("labelling:assessor_dashboard"), {"show": "all"})  # done work too
        [row] = response.context["page"]
        counts = response.context["counts"]
        return counts["in_review"], counts["answers_to_review"], counts["changed"], row.to_review, row.changed

    assessment = in_review(cluster, manager, administrator, assessor)
    assert figures() == (1, 31, 0, 31, 0)
    s3 = Answer.objects.select_related("indicator", "assessment").get(assessment=assessment, indicator__code="S3")
    answer_review(user=assessor, answer=s3, accept=True, expected_version=s3.version)
    assert figures() == (1, 30, 0, 30, 0)
    accept_all(assessment, assessor)
    assert figures() == (1, 0, 0, 0, 0)
    assessment_request_changes(user=assessor, assessment=assessment, requests={"S3": "Recount."})
    assert figures() == (0, 0, 0, 0, 0)
    s3 = Answer.objects.select_related("indicator", "assessment").get(pk=s3.pk)
    answer_save(user=manager, answer=s3, value="61", comment="Recounted.", expected_version=s3.version)
    current = Assessment.objects.get(pk=assessment.pk)
    assessment_submit(user=manager, assessment=current, expected_version=current.version)
    assert figures() == (1, 1, 1, 1, 1)
    s3 = Answer.objects.select_related("indicator", "assessment").get(pk=s3.pk)
    answer_review(user=assessor, answer=s3, accept=True, expected_version=s3.version)
    assert figures() == (1, 0, 0, 0, 0)


def test_the_anomaly_flags_read_the_peers_ranges_from_the_cache_until_the_population_changes(
    framework, people, django_assert_num_queries
):
    decided = _grow(people, 0, 6)
    mine = Assessment.objects.get(cluster=decided[0].cluster, status="in_review")
    low, high, count = peer_ranges(mine)["S1"]
    assert count == 5  # the five other clusters
    with django_assert_num_queries(0):
        assert peer_ranges(mine)["S1"] == (low, high, count)
    _grow(people, 6, 1)  # a seventh cluster's label: the population changed
    assert peer_ranges(mine)["S1"][2] == 6


def test_the_administrators_dashboard_counts_follow_a_submission_and_an_assignment_at_once(
    framework, cluster, client_for
):
    manager, administrator, assessor = (
        factories.ManagerFactory(),
        factories.AdministratorFactory(),
        factories.AssessorFactory(),
    )
    cluster.managers.add(manager)
    client = client_for(administrator)

    def figures(**params):
        response = client.get(reverse("labelling:admin_dashboard"), params)
        counts = {value: n for value, _label, n in response.context["counts"]}
        return counts["submitted"], counts["in_review"], response.context["page"].paginator.count

    assert figures() == (0, 0, 0)
    assessment = submitted(cluster, manager)
    assert figures() == (1, 0, 1) and figures(status="submitted")[2] == 1
    assessment_assign(user=administrator, assessment=assessment, assessor=assessor)
    # assigned, it is no longer the administrators' work (the dashboard opens on the work); its status lists it
    assert figures() == (0, 1, 0) and figures(status="submitted")[2] == 0 and figures(status="in_review")[2] == 1
