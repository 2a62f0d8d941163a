"""``core.rows.fetch_rows`` gives the rows ``values_list`` gives, in one call to the driver."""

import pytest
from django.db.models import FloatField
from django.db.models.functions import Cast

from core.rows import fetch_rows
from labelling.models import Answer
from tests import factories


@pytest.mark.django_db
def test_the_driver_rows_are_the_values_list_rows(framework):
    factories.AssessmentFactory.create_batch(2)
    queryset = Answer.objects.order_by("assessment_id", "indicator_id").values_list(
        "assessment_id", "indicator_id", Cast("declared_number", FloatField()), "declared_option"
    )
    rows = fetch_rows(queryset)
    assert len(rows) == 62 and rows == list(queryset)
    assert fetch_rows(queryset.filter(pk=-1)) == []
