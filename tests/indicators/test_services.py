"""Installing framework versions in the database (indicators.services) and the data migration."""

import dataclasses
from decimal import Decimal

import pytest
from django.utils import translation

from indicators.models import Category, Framework, Indicator
from indicators.services import (
    FrameworkInUse,
    framework_ensure_default,
    framework_install,
    framework_spec_by_code,
    framework_spec_for,
)
from indicators.spec import default_framework_spec
from labelling.models import Assessment

pytestmark = pytest.mark.django_db

ECEI = default_framework_spec()


def with_threshold(spec, code, *, full, code_of_framework=None):
    indicators = tuple(
        dataclasses.replace(item, full=Decimal(full)) if item.code == code else item for item in spec.indicators
    )
    return dataclasses.replace(spec, code=code_of_framework or spec.code, indicators=indicators)


def test_the_migration_installs_ecei_31_as_the_default_framework():
    framework = Framework.objects.get(is_default=True)
    assert framework.code == "ecei-31"
    assert list(framework.categories.values_list("code", flat=True)) == ["S", "G", "F", "V", "R"]
    assert framework.indicators.count() == 31
    s3 = framework.indicators.get(code="S3")
    assert (s3.category.code, s3.value_type, s3.weight, s3.baseline, s3.from_data) == ("S", "int", 6, True, "s3")
    assert (s3.full_threshold, s3.partial_threshold, s3.max_value) == (50, 30, None)
    assert framework.indicators.get(code="V5").direction == "lower"
    assert framework.indicators.get(code="V1").options[0] == {
        "code": "co_built",
        "result": "full",
        "label": {"fr": "Co-construite avec les membres (ateliers, groupes de travail)",
                  "en": "Co-built with the members (workshops, working groups)"},
    }  # fmt: skip
    assert framework.source["code"] == "ecei-31"


def test_the_models_show_the_texts_in_the_active_language():
    s3 = Indicator.objects.get(framework__code="ecei-31", code="S3")
    with translation.override("en"):
        assert (s3.name, s3.unit) == ("Committed participants", "members")
    with translation.override("fr"):
        assert (s3.name, s3.unit) == ("Nombre de membres engagés", "membres")
        assert s3.framework.indicators.get(code="V2").option_label("current") == (
            "Stratégie écrite adoptée il y a 3 ans ou moins"
        )


def test_the_spec_built_from_the_database_equals_the_shipped_file():
    framework = Framework.objects.get(code="ecei-31")
    assert framework_spec_for(framework) == ECEI
    assert framework_spec_by_code("ecei-31") == ECEI
    assert framework_spec_by_code("nope") is None


def test_installing_a_new_version_creates_its_rows_and_can_make_it_the_default():
    spec = with_threshold(ECEI, "S3", full=60, code_of_framework="ecei-31-2027")
    framework = framework_install(spec=spec, make_default=True)
    assert framework.is_default
    assert Framework.objects.filter(is_default=True).get() == framework
    assert framework.indicators.get(code="S3").full_threshold == 60
    assert Category.objects.filter(framework=framework).count() == 5
    assert framework_spec_for(framework) == spec
    assert Framework.objects.get(code="ecei-31").indicators.get(code="S3").full_threshold == 50


def test_installing_without_default_leaves_the_default_alone():
    framework_install(spec=dataclasses.replace(ECEI, code="trial"))
    assert Framework.objects.get(is_default=True).code == "ecei-31"


def test_a_version_no_assessment_uses_can_be_corrected():
    framework = Framework.objects.get(code="ecei-31")
    framework_spec_for(framework)  # cached
    changed = with_threshold(ECEI, "G9", full=12)
    installed = framework_install(spec=changed)
    assert installed.pk == framework.pk
    assert installed.indicators.get(code="G9").full_threshold == 12
    assert Indicator.objects.filter(framework=installed).count() == 31
    assert framework_spec_for(Framework.objects.get(pk=framework.pk)) == changed


def test_a_version_in_use_cannot_be_changed(cluster):
    framework = Framework.objects.get(code="ecei-31")
    Assessment.objects.create(cluster=cluster, framework=framework, reference_year=2025)
    with pytest.raises(FrameworkInUse):
        framework_install(spec=with_threshold(ECEI, "G9", full=12))
    assert framework.indicators.get(code="G9").full_threshold == 10
    assert framework_spec_for(Framework.objects.get(pk=framework.pk)) == ECEI


def test_installing_the_same_content_again_is_allowed_when_in_use(cluster):
    framework = Framework.objects.get(code="ecei-31")
    Assessment.objects.create(cluster=cluster, framework=framework, reference_year=2025)
    ids = list(framework.indicators.values_list("pk", flat=True))
    assert framework_install(spec=ECEI, make_default=True).pk == framework.pk
    assert list(framework.indicators.values_list("pk", flat=True)) == ids


def test_ensure_default_is_idempotent():
    first = framework_ensure_default()
    second = framework_ensure_default()
    assert first == second
    assert first.code == "ecei-31"
    assert Framework.objects.count() == 1


def test_ensure_default_reinstalls_ecei_31_on_an_empty_catalogue():
    Framework.objects.all().delete()
    framework = framework_ensure_default()
    assert (framework.code, framework.is_default, framework.indicators.count()) == ("ecei-31", True, 31)


def test_ensure_default_keeps_another_default():
    other = framework_install(spec=dataclasses.replace(ECEI, code="regional"), make_default=True)
    assert framework_ensure_default() == other
