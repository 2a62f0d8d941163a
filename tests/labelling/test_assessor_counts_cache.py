"""The figures at the top of an assessor's dashboard are cached under that assessor's own work: a manager's
autosave on one cluster renews the versions of that assessment's assessors, and leaves every other assessor's
figures in the cache."""

from __future__ import annotations

import pytest

from core import caching
from labelling.selectors import assessor_counts
from labelling.services.answers import answer_save
from labelling.services.workflow import assessment_assign, assessment_request_changes, review_declare_conflict
from tests import factories
from tests.labelling.workflow_helpers import accept_all, answer_of, in_review, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _version(user) -> str:
    return caching.versions(caching.assessor_work(user.pk))[0]


@pytest.fixture
def two_assessors(framework, cluster, other_cluster, manager, other_manager, administrator):
    x, y = factories.AssessorFactory(username="assessor_x"), factories.AssessorFactory(username="assessor_y")
    on_x = in_review(cluster, manager, administrator, x)
    accept_all(on_x, x)
    assessment_request_changes(user=x, assessment=on_x, requests={"S3": "Recount."})  # the manager edits again
    in_review(other_cluster, other_manager, administrator, y)
    return x, y, on_x


def test_an_autosave_on_one_cluster_renews_its_assessors_figures_only(
    two_assessors, manager, django_assert_num_queries
):
    x, y, on_x = two_assessors
    assessor_counts(user=x), assessor_counts(user=y)  # both cached
    x_before, y_before = _version(x), _version(y)

    s3 = answer_of(on_x, "S3")
    answer_save(user=manager, answer=s3, value="61", comment="Recounted.", expected_version=s3.version)

    assert _version(x) != x_before  # the assigned assessor's figures are computed again
    assert _version(y) == y_before  # the other assessor's are not touched
    with django_assert_num_queries(0):
        assert assessor_counts(user=y)["in_review"] == 1  # served from the cache


def test_a_submission_and_an_unassignment_renew_the_assessors_concerned(
    framework, cluster, manager, administrator, other_assessor
):
    assessor = factories.AssessorFactory(username="assessor_z")
    assessment = submitted(cluster, manager)
    before = _version(assessor), _version(other_assessor)
    assessment_assign(user=administrator, assessment=assessment, assessor=assessor)
    assert _version(assessor) != before[0] and _version(other_assessor) == before[1]
    assert assessor_counts(user=assessor)["in_review"] == 1

    # The assessor declares a conflict: unassigned, the assessment's row no longer names them, yet their
    # figures are renewed (the assessors the row was read with count).
    cached = _version(assessor)
    assessment.refresh_from_db()
    review_declare_conflict(user=assessor, assessment=assessment, reason="My brother chairs it.")
    assert _version(assessor) != cached
    assert assessor_counts(user=assessor)["in_review"] == 0
