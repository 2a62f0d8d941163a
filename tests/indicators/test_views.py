"""The public methodology page."""

import pytest
from django.urls import reverse

from indicators.models import Framework
from indicators.services import framework_install
from indicators.spec import default_framework_spec, parse_framework

URL = "/methodology/"


def _get(client, language=None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(URL, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_methodology_url_is_named_in_the_indicators_namespace():
    assert reverse("indicators:methodology") == URL


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "manager", "assessor", "administrator"])
def test_every_role_and_a_visitor_can_read_the_methodology(role, request, client_for, framework):
    user = request.getfixturevalue(role) if role else None
    html = _get(client_for(user))
    assert "ecei-31" in html
    for indicator in framework.indicators.all():
        assert f'id="indicator-{indicator.code}"' in html
    assert html.count('<tr id="indicator-') == 31


@pytest.mark.django_db
def test_the_page_is_in_french_by_default(client, framework):
    html = _get(client)
    assert '<html lang="fr">' in html
    assert "Structure du cluster" in html
    assert "Engagement des membres\u202f: part cotisante ou liée par un engagement écrit" in html
    assert "Co-construite avec les membres (ateliers, groupes de travail)" in html
    # Thresholds are written the French way: decimal comma, no trailing zeros.
    assert "≥ 1,5" in html
    assert "≥ 75" in html and "75,000" not in html


@pytest.mark.django_db
def test_the_page_is_in_english_when_asked(client, framework):
    html = _get(client, language="en")
    assert '<html lang="en">' in html
    assert "Structure of the cluster" in html
    assert "Commitment of participants: share paying a fee or bound by a written commitment" in html
    assert "Engagement des membres" not in html
    assert "≥ 1.5" in html


@pytest.mark.django_db
def test_lower_is_better_thresholds_are_shown_with_at_most(client, framework):
    html = _get(client, language="en")
    row = html.split('id="indicator-V5"')[1].split("</tr>")[0]
    assert "≤ 12" in row and "≤ 24" in row
    assert "≥" not in row
    s1 = html.split('id="indicator-S1"')[1].split("</tr>")[0]
    assert "≥ 75" in s1 and "≥ 50" in s1 and "%" in s1


@pytest.mark.django_db
def test_baseline_indicators_carry_a_star_and_the_others_do_not(client, framework):
    html = _get(client, language="en")
    baseline = set(framework.indicators.filter(baseline=True).values_list("code", flat=True))
    assert baseline == {"S3", "G1", "G2", "F1", "V2", "V3"}
    for indicator in framework.indicators.all():
        header = html.split(f'id="indicator-{indicator.code}"')[1].split("</th>")[0]
        assert ("★" in header) is indicator.baseline, indicator.code


@pytest.mark.django_db
def test_level_indicators_list_their_options_with_the_result_they_give(client, framework):
    html = _get(client, language="en")
    v12 = framework.indicators.get(code="V12")
    row = html.split('id="indicator-V12"')[1].split("</tr>")[0]
    for option in v12.options:
        assert option["label"]["en"] in row
    assert "full criterion" in row and "partial criterion" in row and "not met" in row


@pytest.mark.django_db
def test_the_label_rules_use_the_framework_figures(client, framework):
    html = _get(client, language="en")
    assert "The maximum is 150 points." in html
    assert "at least 80% (120 points of 150)" in html  # English writes 80%, French « 80 % »
    assert "between 12 and 36 months" in html
    assert "at least 3 indicators earn more points" in html
    assert "at least 10 committed participants" in html


@pytest.mark.django_db
def test_the_page_reads_the_catalogue_in_three_queries(client, framework, django_assert_num_queries):
    with django_assert_num_queries(3):
        _get(client)


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_number_of_indicators(client, framework, django_assert_num_queries):
    data = default_framework_spec().to_dict()
    data["code"] = "ecei-31-bis"
    extra = dict(data["categories"][0]["indicators"][0])
    for n in range(10):
        data["categories"][0]["indicators"].append({**extra, "code": f"X{n}"})
    framework_install(spec=parse_framework(data), make_default=True)
    with django_assert_num_queries(3):
        html = _get(client)
    assert html.count('<tr id="indicator-') == 41


@pytest.mark.django_db
def test_the_page_shows_the_default_framework_only(client, framework):
    data = default_framework_spec().to_dict()
    data["code"] = "ecei-31-next"
    data["name"] = {"fr": "Version suivante", "en": "Next version"}
    framework_install(spec=parse_framework(data), make_default=False)
    html = _get(client, language="en")
    assert "Next version" not in html and "ecei-31-next" not in html


@pytest.mark.django_db
def test_without_any_framework_the_page_answers_not_found(client):
    Framework.objects.all().delete()
    assert client.get(URL).status_code == 404
