"""Accent- and case-insensitive search (core/search.py): "nekoe" finds Nekoé, on PostgreSQL (the unaccent
extension) and on SQLite (a Python function registered on each connection, as ``make run`` uses)."""

from __future__ import annotations

import pytest
from django.db import connections
from django.urls import reverse

from clusters.models import Cluster
from core.search import fold, search
from tests import factories

NAMES = ["Nekoé", "Pôle Énergie Centre", "ÉLASTOPOLE", "Cosmetic Valley"]
CASES = [
    ("nekoe", ["Nekoé"]),
    ("NEKOÉ", ["Nekoé"]),
    ("energie", ["Pôle Énergie Centre"]),
    ("pole e", ["Pôle Énergie Centre"]),
    ("pole", ["Pôle Énergie Centre", "ÉLASTOPOLE"]),
    ("elastopole", ["ÉLASTOPOLE"]),
    ("Élasto", ["ÉLASTOPOLE"]),
    ("valley", ["Cosmetic Valley"]),
    ("100%", []),  # LIKE wildcards are searched as text
    ("o_e", []),
]


def test_fold():
    assert fold("Nekoé ÉLASTOPOLE Pôle") == "nekoe elastopole pole"


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), CASES)
def test_search_on_postgresql(text, expected):
    assert connections["default"].vendor == "postgresql"
    for name in NAMES:
        factories.ClusterFactory(name=name, acronym="")
    assert sorted(search(Cluster.objects.all(), text, "name", "acronym").values_list("name", flat=True)) == expected


@pytest.fixture
def sqlite():
    """A connection to an in-memory SQLite database (not one of the project's), with the clusters table: the
    search's SQL is compiled for it and run there, as on ``make run``."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper(
        {**connections["default"].settings_dict, "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
        alias="search_sqlite",
    )
    with wrapper.schema_editor(atomic=False) as editor:
        editor.create_model(Cluster)
    yield wrapper
    wrapper.close()


def _sqlite_names(wrapper, queryset) -> list[str]:
    sql, params = queryset.values_list("name").query.get_compiler(connection=wrapper).as_sql()
    with wrapper.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_search_on_sqlite(sqlite):
    assert sqlite.vendor == "sqlite"
    with sqlite.cursor() as cursor:
        for i, name in enumerate(NAMES):
            cursor.execute(
                "INSERT INTO clusters_cluster (name, acronym, kind, legal_form, legal_entity, public_profile, country,"
                " region, city, website, eccp_url, sectors, s3_domains, description_fr, description_en, logo, version,"
                " created_at, updated_at) VALUES (%s, %s, 'pole', '', 1, 1, 'FR', '', '', '', '', '[]', '[]', '', '',"
                " '', 1, '2026-01-01', '2026-01-01')",
                [name, f"A{i}"],
            )
    for text, expected in CASES:
        assert _sqlite_names(sqlite, search(Cluster.objects.all(), text, "name", "acronym")) == expected, text


@pytest.mark.django_db
def test_the_registry_and_its_api_search_without_accents(framework, client_for):
    from rest_framework.test import APIClient

    for name in NAMES:
        factories.LabelFactory(assessment__cluster=factories.ClusterFactory(name=name, acronym=""))
    page = client_for(None).get(reverse("labelling:registry"), {"q": "nekoe"})
    assert [row["cluster__name"] for row in page.context["page"]] == ["Nekoé"]
    api = APIClient().get("/api/v1/registry/", {"q": "ELASTOPOLE"}).json()
    assert [item["cluster"] for item in api["results"]] == ["ÉLASTOPOLE"]


@pytest.mark.django_db
def test_the_administrators_dashboard_searches_without_accents(framework, client_for):
    admin = factories.AdministratorFactory(username="search_admin")
    for name in NAMES:
        factories.AssessmentFactory(cluster=factories.ClusterFactory(name=name, acronym=""))
    page = client_for(admin).get(reverse("labelling:admin_dashboard"), {"q": "energie"})
    assert [a.cluster.name for a in page.context["page"]] == ["Pôle Énergie Centre"]


@pytest.mark.django_db
def test_a_name_search_can_use_the_trigram_indexes_of_the_folded_names():
    """The search's expression is the one the indexes of migration clusters/0003 hold (with sequential and plain
    index scans switched off, the planner takes them: a change of the expression would leave them unused)."""
    from django.db import connection

    factories.ClusterFactory(name="Nekoé", acronym="NKO")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # and no whole-index walk of the names' unique index
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = search(Cluster.objects.all(), "nekoe", "name", "acronym").explain()
    assert "cluster_name_folded_trgm" in plan and "cluster_acronym_folded_trgm" in plan
    assert [c.name for c in search(Cluster.objects.all(), "NEKOE", "name", "acronym")] == ["Nekoé"]
