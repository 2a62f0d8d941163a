"""Defects found in review: each test failed before its fix."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.labelling.workflow_helpers import submitted

pytestmark = pytest.mark.django_db


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_admin_dashboard_does_not_query_the_assessors_once_per_submitted_assessment(
    framework, administrator, assessor, client_for
):
    client = client_for(administrator)
    url = reverse("labelling:admin_dashboard")
    first = factories.ClusterFactory(name="Elastopole")
    first.managers.add(factories.ManagerFactory(username="m0"))
    submitted(first, first.managers.get())
    before = _queries(client, url)
    for i in range(1, 4):
        extra = factories.ClusterFactory(name=f"Cluster {i}")
        manager = factories.ManagerFactory(username=f"m{i}")
        extra.managers.add(manager)
        submitted(extra, manager)
    page = client.get(url)
    assert page.content.decode().count(f'<option value="{assessor.pk}"') == 4  # every row offers the assessor
    assert _queries(client, url) == before


def test_the_cluster_assessments_list_does_not_query_once_per_renewal(framework, cluster, manager, client_for):
    from labelling.services.answers import assessment_create

    client = client_for(manager)
    url = reverse("labelling:cluster_assessments", args=[cluster.pk])
    first = assessment_create(user=manager, cluster=cluster, reference_year=2020)
    assessment_create(user=manager, cluster=cluster, reference_year=2021, previous=first)
    before = _queries(client, url)
    for year in (2022, 2023, 2024):
        assessment_create(user=manager, cluster=cluster, reference_year=year, previous=first)
    assert _queries(client, url) == before


def test_the_registry_export_gives_the_revocation_date_in_local_time(framework, cluster):
    """Revoked at 00:30 in Paris on 15 March (23:30 UTC on the 14th): the export says 15 March."""
    import datetime

    from labelling.exporters import registry_rows
    from labelling.models import Label

    label = factories.LabelFactory(assessment__cluster=cluster, cluster=cluster)
    revoked_at = datetime.datetime(2027, 3, 14, 23, 30, tzinfo=datetime.UTC)
    Label.objects.filter(pk=label.pk).update(status="revoked", revoked_at=revoked_at, revoked_reason="Fraud.")
    (row,) = registry_rows(Label.objects.filter(pk=label.pk))
    assert row["revoked_at"] == "2027-03-15"


def test_the_label_history_of_a_cluster_that_withdrew_from_the_registry_is_not_public(framework, cluster, client_for):
    label = factories.LabelFactory(assessment__cluster=cluster, cluster=cluster)
    history = reverse("labelling:registry_cluster", args=[cluster.pk])
    assert client_for(None).get(history).status_code == 200
    cluster.public_profile = False
    cluster.save(update_fields=["public_profile"])
    assert client_for(None).get(history).status_code == 404
    # the certificate itself can still be verified, without a link to the hidden history
    page = client_for(None).get(reverse("labelling:certificate", args=[label.certificate_number]))
    assert page.status_code == 200 and history not in page.content.decode()


def test_the_django_admin_cannot_overwrite_declared_or_validated_values_nor_a_decision(rf, administrator):
    """The admin would bypass the services: no audit event, declared/validated values and decisions overwritten."""
    from django.contrib import admin

    from labelling.models import Assessment, Decision, Label

    request = rf.get("/admin/")
    request.user = factories.AdministratorFactory(username="root", is_staff=True, is_superuser=True)
    assessment_admin = admin.site._registry[Assessment]
    (inline,) = [i for i in assessment_admin.get_inline_instances(request, None) if i.model.__name__ == "Answer"]
    editable = set(inline.get_formset(request, None).form.base_fields)
    assert not editable & {
        "declared_number",
        "declared_option",
        "validated_number",
        "validated_option",
        "reviewed",
        "indicator",
    }
    assert not inline.has_add_permission(request, None) and not inline.has_delete_permission(request, None)
    workflow_fields = {"status", "assessor", "validated_on", "submitted_at", "recommended_level"}
    assert not workflow_fields & set(assessment_admin.get_form(request, None).base_fields)
    assert not admin.site._registry[Decision].has_change_permission(request)
    assert not admin.site._registry[Decision].has_delete_permission(request)
    label_fields = set(admin.site._registry[Label].get_form(request, None).base_fields)
    assert not label_fields & {"level", "status", "awarded_on", "expires_on", "certificate_number", "revoked_reason"}


def test_the_django_admin_still_shows_an_assessment_and_a_label(framework, cluster, client_for):
    label = factories.LabelFactory(assessment__cluster=cluster, cluster=cluster)
    root = factories.AdministratorFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    for name, pk in (("assessment", label.assessment_id), ("label", label.pk)):
        page = client.get(reverse(f"admin:labelling_{name}_change", args=[pk]))
        assert page.status_code == 200, name


def test_a_renewal_stores_copied_evidence_under_a_random_name_not_the_uploaded_one(framework, cluster, manager):
    import datetime

    from labelling.models import Evidence
    from labelling.services.answers import assessment_create
    from labelling.services.evidence import evidence_add
    from tests.labelling import samples

    first = assessment_create(user=manager, cluster=cluster, reference_year=2023)
    answer = first.answers.get(indicator__code="F1")
    upload = samples.upload("board minutes.html.pdf", samples.pdf_bytes())
    evidence_add(user=manager, answer=answer, upload=upload, document_date=datetime.date(2023, 5, 2))
    renewal = assessment_create(user=manager, cluster=cluster, reference_year=2024, previous=first)
    copied = Evidence.objects.get(answer__assessment=renewal)
    stored = copied.file.name.rsplit("/", 1)[-1]
    assert "board" not in stored and stored.endswith(".pdf")
    assert copied.original_name == "board minutes.html.pdf"


def test_the_registry_filters_do_not_reveal_the_sectors_of_a_cluster_that_withdrew(framework, cluster, client_for):
    cluster.sectors = ["Parfumerie secrète"]
    cluster.region = "99"
    cluster.public_profile = False
    cluster.save(update_fields=["sectors", "region", "public_profile"])
    factories.LabelFactory(assessment__cluster=cluster, cluster=cluster)
    page = client_for(None).get(reverse("labelling:registry")).content.decode()
    assert "Parfumerie secrète" not in page and 'value="99"' not in page
