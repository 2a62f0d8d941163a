"""Defects found in review: each test failed before its fix."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from indicators.questionnaire import (
    INFORMATION_SHEET,
    read_questionnaire_json,
    read_questionnaire_xlsx,
    write_questionnaire_xlsx,
)
from indicators.spec import default_framework_spec
from tests.indicators.test_questionnaire import data as _data  # noqa: F401 - the sample questionnaire
from tests.indicators.test_questionnaire import frameworks

FORMULA = '=HYPERLINK("http://attacker.example/","Open")'


def test_a_cluster_name_that_looks_like_a_formula_stays_text_in_the_offline_workbook(_data):  # noqa: F811
    data = dict(_data, cluster={**_data["cluster"], "name": FORMULA})
    q = read_questionnaire_json(data, frameworks=frameworks)
    content = write_questionnaire_xlsx(q, default_framework_spec())
    sheet = load_workbook(io.BytesIO(content))[INFORMATION_SHEET]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "cluster.name"]
    assert [(c.value, c.data_type) for c in cells] == [(FORMULA, "s")]
    assert read_questionnaire_xlsx(content, frameworks=frameworks).cluster["name"] == FORMULA
