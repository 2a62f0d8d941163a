"""An administrator creates a programme and enrols clusters in the administration."""

import pytest
from django.urls import reverse

from programmes.models import Enrolment, Programme
from tests import factories

pytestmark = pytest.mark.django_db


def _data(cluster, officer, **overrides):
    data = {
        "name_fr": "Programme régional",
        "name_en": "Regional programme",
        "funder": "Région Centre-Val de Loire",
        "funder_kind": "region",
        "starts_on": "2023-01-01",
        "ends_on": "2026-12-31",
        "indicator_set": "region-clusters",
        "report_due_month": "3",
        "report_due_day": "31",
        "s3_domains": '[{"code": "bio", "fr": "Bio", "en": "Bio"}]',
        "officers": [officer.pk],
        "enrolments-TOTAL_FORMS": "1",
        "enrolments-INITIAL_FORMS": "0",
        "enrolments-MIN_NUM_FORMS": "0",
        "enrolments-MAX_NUM_FORMS": "1000",
        "enrolments-0-cluster": cluster.pk,
        "enrolments-0-joined_on": "2023-01-01",
        "enrolments-0-left_on": "",
    }
    data.update(overrides)
    return data


def test_an_administrator_creates_a_programme_and_enrols_a_cluster(client):
    client.force_login(factories.AdministratorFactory(username="root", is_staff=True, is_superuser=True))
    officer = factories.OfficerFactory(username="o")
    cluster = factories.ClusterFactory(name="Nekoé")
    url = reverse("admin:programmes_programme_add")
    assert client.get(url).status_code == 200
    refused = client.post(url, _data(cluster, officer, s3_domains='[{"code": "bio"}]', indicator_set="nope"))
    assert refused.status_code == 200 and not Programme.objects.exists()
    errors = refused.context["adminform"].form.errors
    assert {"s3_domains", "indicator_set"} <= set(errors)
    response = client.post(url, _data(cluster, officer))
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme = Programme.objects.get()
    assert list(programme.officers.all()) == [officer]
    assert Enrolment.objects.get(programme=programme).cluster == cluster
