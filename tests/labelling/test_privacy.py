"""What the public certificate check and registry reveal about a cluster that is not (or no longer) listed, and
why certificate numbers cannot be enumerated. docs/operations/security.md, "Privacy"."""

import datetime
import re

import pytest
from django.test import Client

from labelling.services.labels import label_award
from tests import factories
from tests.throttling import fresh_address

pytestmark = pytest.mark.django_db

IDENTIFYING = ("cluster", "acronym", "kind", "country", "region", "sectors")


@pytest.fixture
def withdrawn(framework):
    cluster = factories.ClusterFactory(name="Discreet Valley", acronym="DSCV", region="Bretagne", public_profile=True)
    assessment = factories.AssessmentFactory(cluster=cluster, status="decided")
    label = label_award(user=None, assessment=assessment, level="silver", awarded_on=datetime.date(2026, 3, 15))
    cluster.public_profile = False  # the cluster withdraws from the public registry
    cluster.save(update_fields=["public_profile"])
    return label


def test_the_certificate_api_does_not_identify_a_withdrawn_cluster(withdrawn):
    response = Client(REMOTE_ADDR=fresh_address()).get(f"/api/v1/certificates/{withdrawn.certificate_number}/")

    assert response.status_code == 200
    body = response.json()
    assert body["listed"] is False
    assert {field: body[field] for field in IDENTIFYING} == dict.fromkeys(IDENTIFYING)
    assert body["certificate_number"] == withdrawn.certificate_number
    assert (body["level"], body["state"]) == ("silver", "valid")
    assert "Discreet" not in response.content.decode() and "DSCV" not in response.content.decode()


def test_the_certificate_page_does_not_identify_a_withdrawn_cluster(withdrawn):
    response = Client(REMOTE_ADDR=fresh_address(), HTTP_ACCEPT_LANGUAGE="en").get(
        f"/verify/{withdrawn.certificate_number}/"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Discreet" not in page and "DSCV" not in page and "Bretagne" not in page
    assert f"/registry/clusters/{withdrawn.cluster_id}/" not in page
    assert 'id="unlisted"' in page and "not listed in the public registry" in page
    assert 'id="validity"' in page  # the holder's certificate can still be checked


def test_a_listed_cluster_is_named_by_its_certificate(framework):
    label = factories.LabelFactory(cluster=factories.ClusterFactory(name="Open Valley", public_profile=True))

    body = Client(REMOTE_ADDR=fresh_address()).get(f"/api/v1/certificates/{label.certificate_number}/").json()

    assert body["listed"] is True and body["cluster"] == "Open Valley"


def test_the_registry_lists_no_withdrawn_cluster(withdrawn):
    visitor = Client(REMOTE_ADDR=fresh_address())

    assert "Discreet" not in visitor.get("/api/v1/registry/").content.decode()
    assert "Discreet" not in visitor.get("/registry/").content.decode()
    assert visitor.get(f"/registry/clusters/{withdrawn.cluster_id}/").status_code == 404


def test_certificate_numbers_carry_a_random_code_and_cannot_be_enumerated(withdrawn, framework):
    number = withdrawn.certificate_number
    match = re.fullmatch(r"GRP-2026-(\d{6})-([0-9A-HJKMNP-TV-Z]{8})", number)
    assert match and int(match.group(1)) == withdrawn.pk
    visitor = Client(REMOTE_ADDR=fresh_address())

    # The sequence alone, or with another code, finds nothing: probing GRP-2026-000001… learns nothing.
    prefix = number.rsplit("-", 1)[0]
    assert visitor.get(f"/api/v1/certificates/{prefix}/").status_code == 404
    assert visitor.get(f"/api/v1/certificates/{prefix}-{'2' * 8}/").status_code == 404
    assert visitor.get(f"/verify/{prefix}/").status_code == 404
    assert visitor.get("/verify/", {"number": prefix}).status_code == 200  # the form's "no certificate" message
    # Two labels awarded one after the other get unrelated codes.
    other = label_award(
        user=None,
        assessment=factories.AssessmentFactory(status="decided"),
        level="bronze",
        awarded_on=datetime.date(2026, 3, 16),
    )
    assert other.certificate_number.rsplit("-", 1)[1] != match.group(2)
    assert visitor.get(f"/api/v1/certificates/{number.lower()}/").status_code == 200  # typed in lower case


def test_the_migration_gives_the_old_enumerable_numbers_a_code(framework):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("labelling.migrations.0002_certificate_verification_code")
    old = factories.LabelFactory(certificate_number="GRP-2025-000042")
    new = factories.LabelFactory(certificate_number="GRP-2026-000043-7KQ4M9XD")

    migration.add_codes(apps, None)

    old.refresh_from_db()
    new.refresh_from_db()
    assert re.fullmatch(r"GRP-2025-000042-[0-9A-HJKMNP-TV-Z]{8}", old.certificate_number)
    assert new.certificate_number == "GRP-2026-000043-7KQ4M9XD"
