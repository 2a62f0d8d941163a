"""The demo's funders: two programmes with their officers, the pôles enrolled in both with contracts, targets and
two years of reports in different states, Nekoé in the regional one only; the managers see them on landing."""

import pytest
from django.urls import reverse

from demo.programmes import REGION, STATE
from demo.services import demo_load
from programmes.models import Contract, Programme, Target, YearlyReport
from tests.conftest import module_transaction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            summary = demo_load()
        yield summary


@pytest.fixture
def demo(demo_once, db):
    return demo_once


def test_two_programmes_with_their_officers_and_enrolments():
    state = Programme.objects.get(name_fr=STATE["name_fr"])
    region = Programme.objects.get(name_fr=REGION["name_fr"])
    assert state.funder_kind == "state" and region.funder_kind == "region"
    assert [u.username for u in state.officers.all()] == ["officer.state"]
    assert [u.username for u in region.officers.all()] == ["officer.region"]
    assert sorted(state.clusters.values_list("name", flat=True)) == ["Cosmetic Valley", "DREAM", "Elastopole", "S2E2"]
    assert "Nekoé" in region.clusters.values_list("name", flat=True)
    assert len(region.s3_domains) >= 4
    assert Contract.objects.filter(programme=state).count() == 4 and Target.objects.filter(contract__programme=state)
    states = set(YearlyReport.objects.filter(programme=state, year=2024).values_list("status", flat=True))
    assert {"approved", "returned", "submitted"} <= states
    assert not YearlyReport.objects.filter(programme=state, cluster__name="DREAM", year=2024).exists()  # late
    assert "Démonstration" in state.description_fr or "démonstration" in state.description_fr


def test_loading_again_creates_no_second_programme():
    assert demo_load().programmes == []
    assert Programme.objects.filter(name_fr=STATE["name_fr"]).count() == 1


def test_the_officer_and_the_manager_see_them(client):
    from accounts.models import User

    client.force_login(User.objects.get(username="officer.region"))
    region = Programme.objects.get(name_fr=REGION["name_fr"])
    page = client.get(reverse("programmes:dashboard", args=[region.pk]) + "?year=2024", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200 and "Nekoé" in page.content.decode()
    client.force_login(User.objects.get(username="manager.nekoe"))
    landing = client.get(reverse("clusters:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Centre-Val de Loire" in landing and "Pôles de compétitivité" not in landing
