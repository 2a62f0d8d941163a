"""Names may be 200 characters long (members, clusters): every write that audits them keeps the whole name."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "Société coopérative d'intérêt collectif " + "A" * 150  # 190 characters


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("length", [101, 150, 200])
def test_a_member_with_a_long_name_is_added_through_the_api(manager, cluster, length):
    name = ("M" * length)[:length]
    response = _api(manager).post(
        f"/api/v1/clusters/{cluster.pk}/members/", {"name": name, "member_type": "sme"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(action="member.create", target=name).exists()


def test_a_member_with_a_long_name_is_added_on_the_page(manager, cluster, client_for):
    client = client_for(manager)
    response = client.post(f"/clusters/{cluster.pk}/members/add/", {"name": LONG, "member_type": "sme"})

    assert response.status_code == 302, response.content.decode()[:500]
    assert cluster.members.filter(name=LONG).exists()
    assert AuditEvent.objects.get(action="member.create").target == LONG


def test_a_cluster_renamed_to_200_characters_is_audited_with_its_whole_name(manager, cluster):
    name = "C" * 200
    response = _api(manager).patch(
        f"/api/v1/clusters/{cluster.pk}/", {"name": name, "version": cluster.version}, format="json"
    )

    assert response.status_code == 200, response.content
    assert AuditEvent.objects.get(action="cluster.update").target == name


def test_a_name_of_201_characters_is_refused_with_a_field_error(manager, cluster):
    response = _api(manager).post(
        f"/api/v1/clusters/{cluster.pk}/members/", {"name": "M" * 201, "member_type": "sme"}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()
    assert not factories.MemberFactory._meta.model.objects.filter(cluster=cluster).exists()
