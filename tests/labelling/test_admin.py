"""The Django admin: it shows the labelling records but cannot bypass the services (no audit event, declared or
validated values and decisions overwritten)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from labelling.models import Assessment, Decision, Label
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_django_admin_cannot_overwrite_declared_or_validated_values_nor_a_decision(rf, administrator):
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
