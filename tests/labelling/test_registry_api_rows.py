"""The registry's page and API read their rows as values and their count from a cache: the rows say what the
serializer says of the same labels, and the count follows every change of the labels and clusters at once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from labelling.api.serializers.workflow import PublicLabelSerializer, public_label_row
from labelling.models import Label
from labelling.selectors import RegistryFilters, registry_count, registry_labels
from labelling.services.labels import label_revoke
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def labels(framework):
    plain = factories.LabelFactory(
        assessment__cluster=factories.ClusterFactory(name="Pôle Nekoé", acronym="", sectors=[])
    )
    rich = factories.LabelFactory(
        level="gold",
        assessment__cluster=factories.ClusterFactory(
            name="Grappe Œnologie", acronym="GŒ", sectors=["Vins et spiritueux", "Écoconception"], region="75"
        ),
    )
    revoked = factories.LabelFactory(level="silver")
    Label.objects.filter(pk=revoked.pk).update(
        status="revoked", revoked_at=datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC), revoked_reason="Test."
    )
    return [plain, rich, Label.objects.get(pk=revoked.pk)]


def test_a_row_read_as_values_is_what_the_serializer_gives_for_the_label(labels):
    rows = {row["certificate_number"]: row for row in registry_labels(filters=RegistryFilters(status=""))}
    for label in Label.objects.select_related("cluster"):
        assert public_label_row(rows[label.certificate_number]) == PublicLabelSerializer(label).data
    assert list(public_label_row(rows[labels[2].certificate_number])) == list(PublicLabelSerializer.Meta.fields)


def test_the_api_and_the_page_count_what_they_list(labels):
    body = APIClient().get("/api/v1/registry/").json()
    assert body["count"] == 2 and [r["cluster"] for r in body["results"]] == ["Grappe Œnologie", "Pôle Nekoé"]
    assert APIClient().get("/api/v1/registry/?level=gold").json()["count"] == 1
    page = APIClient().get(reverse("labelling:registry"))
    assert page.context["page"].paginator.count == 2 and len(page.context["rows"]) == 2


def test_the_cached_count_follows_a_revocation_a_new_label_and_a_withdrawal_at_once(labels, administrator):
    everything, gold = RegistryFilters(public_only=True), RegistryFilters(public_only=True, level="gold")
    assert (registry_count(filters=everything), registry_count(filters=gold)) == (2, 1)
    label_revoke(user=administrator, label=labels[1], reason="Test.")
    assert (registry_count(filters=everything), registry_count(filters=gold)) == (1, 0)
    factories.LabelFactory(level="gold")
    assert (registry_count(filters=everything), registry_count(filters=gold)) == (2, 1)
    cluster = labels[0].cluster
    cluster.public_profile = False
    cluster.save()
    assert registry_count(filters=everything) == 1
    assert APIClient().get("/api/v1/registry/").json()["count"] == 1


def test_a_name_search_is_counted_each_time(labels):
    search = RegistryFilters(public_only=True, q="nekoe")
    assert registry_count(filters=search) == 1
    Label.objects.filter(pk=labels[0].pk).update(status="expired", updated_at=timezone.now())  # no signal
    assert registry_count(filters=search) == 0
