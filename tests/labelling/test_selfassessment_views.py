import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from labelling.models import Assessment, AssessmentStatus, Evidence
from labelling.services.answers import answer_save, assessment_create
from tests import factories
from tests.labelling.samples import FULL, fill


@pytest.fixture
def client_en(client_for):
    """A logged-in client whose pages are in English (the messages asserted are the source strings)."""

    def make(user):
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def _answer(assessment, code):
    return assessment.answers.select_related("indicator").get(indicator__code=code)


def _fill_url(assessment, category="S"):
    return reverse("labelling:assessment_fill", args=[assessment.pk, category])


def _category_post(assessment, category, values, comments=None):
    """The POST of a category page: every indicator's value, comment and version as loaded."""
    data = {}
    for answer in assessment.answers.select_related("indicator").filter(indicator__category__code=category):
        code = answer.indicator.code
        data[f"{code}-value"] = values.get(code, "")
        data[f"{code}-comment"] = (comments or {}).get(code, answer.comment)
        data[f"{code}-version"] = answer.version
    return data


def _all_pages(assessment, evidence=None):
    pk = assessment.pk
    urls = [
        reverse("labelling:assessment_fill_first", args=[pk]),
        _fill_url(assessment),
        reverse("labelling:assessment_summary", args=[pk]),
        reverse("labelling:assessment_offline", args=[pk]),
        reverse("labelling:assessment_offline_xlsx", args=[pk]),
        reverse("labelling:assessment_offline_json", args=[pk]),
        reverse("labelling:evidence_upload", args=[_answer(assessment, "S1").pk]),
    ]
    posts = [
        reverse("labelling:assessment_autosave", args=[pk]),
        reverse("labelling:assessment_submit", args=[pk]),
        reverse("labelling:assessment_eligibility", args=[pk]),
        reverse("labelling:assessment_offline_confirm", args=[pk]),
        _fill_url(assessment),
    ]
    return urls, posts


# --- list and create ---------------------------------------------------------------------------


def test_the_cluster_page_lists_its_assessments_and_offers_the_creation_form(assessment, cluster, manager, client_for):
    response = client_for(manager).get(reverse("labelling:cluster_assessments", args=[cluster.pk]))
    assert response.status_code == 200
    assert list(response.context["assessments"]) == [assessment]
    assert response.context["form"] is not None


def test_a_manager_creates_an_assessment_and_lands_on_the_first_category(framework, cluster, manager, client_for):
    response = client_for(manager).post(
        reverse("labelling:cluster_assessments", args=[cluster.pk]),
        {"reference_year": "2025", "legal_entity": "on", "public_profile": "on"},
    )
    assessment = Assessment.objects.get(cluster=cluster)
    assert response.status_code == 302
    assert response["Location"] == reverse("labelling:assessment_fill_first", args=[assessment.pk])
    assert assessment.reference_year == 2025 and assessment.answers.count() == 31
    assert assessment.created_by == manager


def test_unticked_eligibility_boxes_are_recorded(framework, cluster, manager, client_for):
    client_for(manager).post(reverse("labelling:cluster_assessments", args=[cluster.pk]), {"reference_year": "2025"})
    assessment = Assessment.objects.get(cluster=cluster)
    assert (assessment.legal_entity, assessment.public_profile) == (False, False)


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1999", "Enter a year between 2000 and"),
        ("next year", "Enter a whole number."),
        ("", "This field is required."),
    ],
)
def test_a_bad_reference_year_re_renders_the_form_with_what_was_typed(
    framework, cluster, manager, client_for, year, message, client_en
):
    with translation.override("en"):  # the client sends Accept-Language: en; lazy messages render in English
        response = client_en(manager).post(
            reverse("labelling:cluster_assessments", args=[cluster.pk]), {"reference_year": year}
        )
        assert response.context["form"].errors["reference_year"][0].startswith(message)
    assert response.status_code == 400
    if year:
        assert f'value="{year}"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_second_open_assessment_for_the_same_year_is_refused_on_the_form(
    assessment, cluster, manager, client_for, client_en
):
    with translation.override("en"):  # the client sends Accept-Language: en
        response = client_en(manager).post(
            reverse("labelling:cluster_assessments", args=[cluster.pk]), {"reference_year": "2025"}
        )
    assert response.status_code == 400
    assert response.context["form"].errors["reference_year"] == [
        "This cluster already has an assessment for 2025: open it from the list, or withdraw it if it is a draft."
    ]
    assert Assessment.objects.count() == 1


def test_a_renewal_from_the_form_copies_answers_and_shows_last_time(assessment, cluster, manager, client_for):
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=66, expected_version=s1.version)
    client = client_for(manager)
    client.post(
        reverse("labelling:cluster_assessments", args=[cluster.pk]),
        {"reference_year": "2024", "previous": assessment.pk, "legal_entity": "on", "public_profile": "on"},
    )
    renewal = Assessment.objects.get(cluster=cluster, reference_year=2024)
    assert renewal.previous == assessment
    assert _answer(renewal, "S1").declared_number == 66
    page = client.get(_fill_url(renewal)).content.decode()
    assert "sa-last" in page


def test_a_previous_assessment_of_another_cluster_cannot_be_chosen(
    framework, cluster, other_cluster, manager, client_for
):
    foreign = assessment_create(user=None, cluster=other_cluster, reference_year=2024)
    response = client_for(manager).post(
        reverse("labelling:cluster_assessments", args=[cluster.pk]), {"reference_year": "2025", "previous": foreign.pk}
    )
    assert response.status_code == 400
    assert "previous" in response.context["form"].errors
    assert not Assessment.objects.filter(cluster=cluster).exists()


def test_administrators_see_the_list_but_do_not_create(assessment, cluster, administrator, client_for):
    client = client_for(administrator)
    response = client.get(reverse("labelling:cluster_assessments", args=[cluster.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    assert (
        client.post(reverse("labelling:cluster_assessments", args=[cluster.pk]), {"reference_year": "2024"}).status_code
        == 404
    )


def test_other_managers_and_assessors_get_404_on_the_cluster_list(cluster, other_manager, assessor, client_for):
    for user in (other_manager, assessor):
        client = client_for(user)
        url = reverse("labelling:cluster_assessments", args=[cluster.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reference_year": "2025"}).status_code == 404
    assert not Assessment.objects.exists()


def test_every_page_answers_404_to_another_clusters_manager(assessment, other_manager, assessor, client_for):
    urls, posts = _all_pages(assessment)
    for user in (other_manager, assessor):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {"code": "S1", "value": "1", "version": "1"}).status_code == 404, (user, url)
    assert _answer(assessment, "S1").declared_number is None


def test_a_visitor_is_sent_to_the_login_page(assessment, client_for):
    response = client_for(None).get(_fill_url(assessment))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- fill --------------------------------------------------------------------------------------


def test_the_category_page_shows_each_indicator_with_its_criteria_and_proposal(
    framework, cluster, manager, client_for, client_en
):
    factories.MemberFactory.create_batch(3, cluster=cluster)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    with translation.override("en"):  # the client sends Accept-Language: en
        response = client_en(manager).get(_fill_url(assessment), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    codes = [row["code"] for row in response.context["rows"]]
    assert codes == ["S1", "S2", "S3", "S4"]
    s3 = next(row for row in response.context["rows"] if row["code"] == "S3")
    assert s3["proposed"] == "3\xa0members"  # the value with its unit
    assert s3["thresholds"] == ["Full points (6): ≥ 50\xa0members", "Half points (3): ≥ 30\xa0members"]
    page = response.content.decode()
    assert re.search(r'name="use_proposal"\s+value="S3"', page)
    assert 'data-autosave-url="{}"'.format(reverse("labelling:assessment_autosave", args=[assessment.pk])) in page
    assert "autosave.js" in page


def test_a_level_indicator_is_a_select_with_its_options(assessment, manager, client_for):
    response = client_for(manager).get(_fill_url(assessment, "V"))
    v1 = response.context["form"]["V1-value"]
    assert [choice[0] for choice in v1.field.choices] == ["", "co_built", "consulted", "none"]


def test_an_unknown_category_is_404(assessment, manager, client_for):
    assert client_for(manager).get(_fill_url(assessment, "Z")).status_code == 404


def test_the_page_saves_a_category_without_javascript(assessment, manager, client_for):
    data = _category_post(assessment, "S", {"S1": "80", "S2": "60,5", "S3": "120", "S4": ""})
    response = client_for(manager).post(_fill_url(assessment), data)
    assert response.status_code == 302
    assert str(_answer(assessment, "S2").declared_number) == "60.500"
    assert _answer(assessment, "S4").declared_number is None


def test_save_and_continue_goes_to_the_next_category(assessment, manager, client_for):
    data = _category_post(assessment, "S", {"S1": "80"})
    data["next_category"] = "G"
    response = client_for(manager).post(_fill_url(assessment), data)
    assert response["Location"] == _fill_url(assessment, "G")


def test_bad_values_re_render_the_page_with_what_was_typed_and_save_nothing(assessment, manager, client_for, client_en):
    data = _category_post(assessment, "S", {"S1": "80", "S2": "150", "S3": "twelve"})
    with translation.override("en"):  # the client sends Accept-Language: en
        response = client_en(manager).post(_fill_url(assessment), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["S2-value"] == ["The value cannot be more than 100."]
    assert errors["S3-value"] == ["Enter a number."]
    page = response.content.decode()
    assert 'value="twelve"' in page and 'value="150"' in page
    assert not assessment.answers.filter(declared_number__isnull=False).exists()


def test_an_override_without_a_comment_is_refused_on_the_page(framework, cluster, manager, client_for):
    factories.MemberFactory.create_batch(3, cluster=cluster)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    client = client_for(manager)
    response = client.post(_fill_url(assessment), _category_post(assessment, "S", {"S3": "40"}))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["S3-comment"]
    response = client.post(
        _fill_url(assessment), _category_post(assessment, "S", {"S3": "40"}, {"S3": "Members of our sub-networks."})
    )
    assert response.status_code == 302
    assert _answer(assessment, "S3").declared_number == 40


def test_use_this_value_without_javascript_takes_the_proposal(framework, cluster, manager, client_for):
    factories.MemberFactory.create_batch(3, cluster=cluster)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    data = _category_post(assessment, "S", {})
    data["use_proposal"] = "S3"
    response = client_for(manager).post(_fill_url(assessment), data)
    assert response.status_code == 302 and response["Location"].endswith("#answer-S3")
    assert _answer(assessment, "S3").declared_number == 3


def test_a_stale_page_is_refused_with_a_conflict_and_keeps_what_was_typed(assessment, manager, client_for, client_en):
    data = _category_post(assessment, "S", {"S1": "70"})
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=55, expected_version=s1.version)  # another tab
    with translation.override("en"):  # the client sends Accept-Language: en
        response = client_en(manager).post(_fill_url(assessment), data)
    assert response.status_code == 409
    form = response.context["form"]
    assert form.non_field_errors()[0].startswith("Someone else has changed this record")
    assert form.errors["S1-value"] == ["Someone else saved this answer meanwhile; it is now: 55%."]
    assert 'value="70"' in response.content.decode()
    assert _answer(assessment, "S1").declared_number == 55


# --- autosave ----------------------------------------------------------------------------------


def _autosave(client, assessment, code, value, version, comment=""):
    return client.post(
        reverse("labelling:assessment_autosave", args=[assessment.pk]),
        {"code": code, "value": value, "comment": comment, "version": version},
    )


def test_autosave_saves_one_answer_and_returns_its_new_version(assessment, manager, client_for):
    response = _autosave(client_for(manager), assessment, "G2", "3.5", 1, "from payroll")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["version"] == 2
    assert body["progress"]["answered"] == 1
    answer = _answer(assessment, "G2")
    assert str(answer.declared_number) == "3.500" and answer.comment == "from payroll"


def test_autosave_reports_a_bad_value_without_saving(assessment, manager, client_for, client_en):
    with translation.override("en"):  # the client sends Accept-Language: en
        response = _autosave(client_en(manager), assessment, "S3", "-4", 1)
    assert response.status_code == 400
    assert response.json()["errors"] == {"value": ["The value cannot be negative."]}
    assert _answer(assessment, "S3").declared_number is None


def test_autosave_with_a_stale_version_reports_the_conflict(assessment, manager, client_for):
    client = client_for(manager)
    _autosave(client, assessment, "S1", "50", 1)
    response = _autosave(client, assessment, "S1", "60", 1)
    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert _answer(assessment, "S1").declared_number == 50


def test_autosave_refuses_an_unknown_indicator_and_a_missing_version(assessment, manager, client_for):
    client = client_for(manager)
    assert _autosave(client, assessment, "Z9", "1", 1).status_code == 404
    assert _autosave(client, assessment, "S1", "1", "").status_code == 400


def test_autosave_warns_when_an_override_needs_a_comment(framework, cluster, manager, client_for, client_en):
    factories.MemberFactory.create_batch(3, cluster=cluster)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    with translation.override("en"):  # the client sends Accept-Language: en
        response = _autosave(client_en(manager), assessment, "S3", "40", 1)
    assert response.json()["warning"].startswith("The value differs from the one proposed")


# --- summary and submission --------------------------------------------------------------------


def test_the_summary_previews_the_level_and_lists_what_is_missing(assessment, manager, client_for):
    s3 = _answer(assessment, "S3")
    answer_save(user=manager, answer=s3, value=120, expected_version=s3.version)
    response = client_for(manager).get(reverse("labelling:assessment_summary", args=[assessment.pk]))
    assert response.status_code == 200
    assert response.context["preview"].points == 6
    assert len(response.context["missing"]) == 30
    assert response.context["by_category"][0]["category"].code == "S"


def test_submitting_an_incomplete_assessment_lists_what_is_missing(
    assessment, manager, prerequisites_met, client_for, client_en
):
    with translation.override("en"):  # the client sends Accept-Language: en
        response = client_en(manager).post(
            reverse("labelling:assessment_submit", args=[assessment.pk]), {"version": assessment.version}
        )
    assert response.status_code == 400
    errors = response.context["submit_errors"]
    assert errors[0] == "The assessment cannot be submitted yet: some answers are missing."
    assert len(errors) == 32
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_a_submitted_assessment_is_frozen_for_the_manager(assessment, manager, prerequisites_met, client_for):
    fill(assessment, manager)
    client = client_for(manager)
    response = client.post(
        reverse("labelling:assessment_submit", args=[assessment.pk]), {"version": assessment.version}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    page = client.get(_fill_url(assessment))
    assert page.status_code == 200 and page.context["editable"] is False
    assert 'name="S1-value"' not in page.content.decode()
    # the page says why, not the workflow's generic "not possible in the current state"
    with translation.override("fr"):  # the manager's language
        why = gettext(
            "This assessment has been submitted: it can no longer be changed unless the assessor requests changes."
        )
    assert page.context["frozen_message"] == why and why in page.content.decode()
    summary = reverse("labelling:assessment_summary", args=[assessment.pk])
    refused = client.post(_fill_url(assessment), _category_post(assessment, "S", {"S1": "1"}), follow=True)
    assert refused.redirect_chain[0][0] == summary
    assert why in [str(message) for message in refused.context["messages"]]
    assert _autosave(client, assessment, "S1", "1", _answer(assessment, "S1").version).status_code == 409
    upload = reverse("labelling:evidence_upload", args=[_answer(assessment, "S1").pk])
    assert client.get(upload)["Location"] == summary
    assert _answer(assessment, "S1").declared_number == FULL["S1"]
    assert not Evidence.objects.exists()


def test_submitting_a_stale_summary_is_a_conflict(assessment, manager, prerequisites_met, client_for):
    fill(assessment, manager)
    response = client_for(manager).post(
        reverse("labelling:assessment_submit", args=[assessment.pk]), {"version": assessment.version + 5}
    )
    assert response.status_code == 409
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


@pytest.mark.parametrize("body", [{}, {"version": ""}, {"version": "abc"}])
def test_submitting_without_a_version_is_refused_not_unchecked(assessment, manager, client_for, body):
    """The lock check is mandatory: a form without its version never submits (it used to skip the check)."""
    fill(assessment, manager)
    response = client_for(manager).post(reverse("labelling:assessment_submit", args=[assessment.pk]), body)
    assert response.status_code == 409
    with translation.override("fr"):
        assert response.context["submit_errors"] == [translation.gettext("The page is out of date: reload it.")]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_the_eligibility_form_saves_with_the_version(assessment, manager, client_for):
    client = client_for(manager)
    url = reverse("labelling:assessment_eligibility", args=[assessment.pk])
    response = client.post(url, {"legal_entity": "on", "version": assessment.version})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.legal_entity, assessment.public_profile) == (True, False)
    stale = client.post(url, {"public_profile": "on", "version": 1})
    assert stale.status_code == 400
    assessment.refresh_from_db()
    assert assessment.public_profile is False


def test_the_cluster_assessments_list_does_not_query_once_per_renewal(
    framework, cluster, manager, client_for, count_queries
):
    client = client_for(manager)
    url = reverse("labelling:cluster_assessments", args=[cluster.pk])
    first = assessment_create(user=manager, cluster=cluster, reference_year=2020)
    assessment_create(user=manager, cluster=cluster, reference_year=2021, previous=first)
    before = count_queries(client, url)
    for year in (2022, 2023, 2024):
        assessment_create(user=manager, cluster=cluster, reference_year=year, previous=first)
    assert count_queries(client, url) == before
