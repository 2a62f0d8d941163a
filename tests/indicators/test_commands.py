"""manage.py load_framework and manage.py score."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from indicators.models import Framework
from indicators.questionnaire import questionnaire_for, read_questionnaire_json, write_questionnaire_xlsx
from indicators.spec import FRAMEWORKS_DIR, default_framework_spec
from labelling.models import Assessment

pytestmark = pytest.mark.django_db

ECEI = default_framework_spec()
SHIPPED = json.loads((FRAMEWORKS_DIR / "ecei-31.json").read_text(encoding="utf-8"))

ANSWERS = {
    "S1": 80, "S2": 72.5, "S3": 110, "S4": 70, "G1": 12, "G2": 3.5, "G3": 80, "G4": 3, "G5": 60, "G6": 75,
    "G7": 55, "G8": 80, "G9": 12, "G10": 6, "F1": 24, "F2": 31, "V1": "co_built", "V2": "current",
    "V3": "complete", "V4": "audited", "V5": 12, "V6": 6, "V7": 3, "V8": 5, "V9": 50, "V10": 4, "V11": 12,
    "V12": "national", "R1": 2, "R2": 3, "R3": 40,
}  # fmt: skip
QUESTIONNAIRE = {
    "format": "grappe-questionnaire/1",
    "framework": "ecei-31",
    "cluster": {"name": "Elastopole", "country": "FR", "region": "24"},
    "reference_year": 2025,
    "validated_on": "2026-03-15",
    "eligibility": {"legal_entity": True, "public_profile": True},
    "answers": ANSWERS,
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args):
    """Run a command; returns (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write_json(tmp_path, data, name="questionnaire.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# --- score ------------------------------------------------------------------------------------------------------


def test_score_prints_the_json_result(tmp_path):
    status, out, err = run("score", write_json(tmp_path, QUESTIONNAIRE), "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    # 150 − G4 partial (2) − V12 partial (2) − R1 none (4) − R3 none (6) = 136
    assert {key: data[key] for key in ("framework", "level", "score", "points", "eligible", "baseline_met")} == {
        "framework": "ecei-31",
        "level": "gold",
        "score": 90.7,
        "points": 136,
        "eligible": True,
        "baseline_met": True,
    }
    assert data["improved"] == []
    assert data["categories"] == {"S": 100.0, "G": 95.7, "F": 100.0, "V": 96.7, "R": 28.6}
    assert data["indicators"]["S3"] == {"value": 110, "result": "full", "points": 6}
    assert data["indicators"]["V12"] == {"value": "national", "result": "partial", "points": 2}


def test_score_prints_a_human_summary(tmp_path):
    status, out, err = run("score", write_json(tmp_path, QUESTIONNAIRE))
    assert (status, err) == (0, "")
    assert "Elastopole — reference year 2025 — framework ecei-31" in out
    assert "Level: GOLD" in out
    assert "Excellence score: 90.7 % (136 of 150 points; Gold needs 80 %)" in out
    assert "Eligible: yes · Baseline met: yes" in out
    assert "R3" in out.splitlines()[-1]


def test_score_shows_the_improvements_when_there_is_a_previous_assessment(tmp_path):
    data = copy.deepcopy(QUESTIONNAIRE)
    data["previous"] = {"validated_on": "2024-04-02", "answers": {"S3": 25, "G1": 1, "F1": 6}}
    status, out, _ = run("score", write_json(tmp_path, data))
    assert status == 0
    assert "Improved indicators: 3 (S3, G1, F1) · previous validation 12 to 36 months before: yes" in out


def test_score_reads_an_xlsx_questionnaire(tmp_path):
    questionnaire = read_questionnaire_json(QUESTIONNAIRE, frameworks=lambda code: ECEI)
    path = tmp_path / "questionnaire.xlsx"
    path.write_bytes(write_questionnaire_xlsx(questionnaire, ECEI))
    status, out, err = run("score", str(path), "--json")
    assert (status, err) == (0, "")
    assert (json.loads(out)["points"], json.loads(out)["level"]) == (136, "gold")


def test_score_refuses_a_bad_file_with_one_line_per_error_and_nothing_on_stdout(tmp_path):
    data = copy.deepcopy(QUESTIONNAIRE)
    data["validated_on"] = "2026-02-30"
    data["answers"] = dict(ANSWERS, S3="many", R3=101, Q7=1)
    del data["answers"]["S1"]
    status, out, err = run("score", write_json(tmp_path, data), "--json")
    assert status == 2
    assert out == ""
    assert err.splitlines() == [
        "validated_on: not a valid date: 2026-02-30 (expected YYYY-MM-DD).",
        "Q7: unknown indicator for the framework ecei-31.",
        "S1: missing answer.",
        'S3: must be a whole number (given: "many")',
        "R3: must be a percentage from 0 to 100 (given: 101)",
    ]


def test_score_refuses_an_unknown_framework(tmp_path):
    status, out, err = run("score", write_json(tmp_path, dict(QUESTIONNAIRE, framework="ecei-99")))
    assert (status, out, err) == (2, "", "framework: unknown framework: ecei-99.\n")


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("q.csv", b"S1;80", "file: unknown file type .csv: use .json or .xlsx."),
        ("q.json", b"{oops", "file: not valid JSON (line 1, column 2)."),
        ("q.xlsx", b"not a workbook", "file: not a readable XLSX workbook."),
    ],
)
def test_score_refuses_a_malformed_file(tmp_path, name, content, error):
    path = tmp_path / name
    path.write_bytes(content)
    assert run("score", str(path)) == (2, "", error + "\n")


def test_score_refuses_a_missing_file(tmp_path):
    status, out, err = run("score", str(tmp_path / "absent.json"))
    assert (status, out) == (2, "")
    assert err.startswith("file: cannot be read: No such file or directory")


def test_score_uses_the_framework_in_the_database(tmp_path):
    changed = copy.deepcopy(SHIPPED)
    changed["categories"][0]["indicators"][2]["full"] = 200  # S3: 110 is now only partial
    status, *_ = run("load_framework", write_json(tmp_path, changed, "framework.json"))
    assert status == 0
    status, out, _ = run("score", write_json(tmp_path, QUESTIONNAIRE), "--json")
    assert json.loads(out)["indicators"]["S3"] == {"value": 110, "result": "partial", "points": 3}


def test_score_falls_back_on_the_shipped_file_when_the_database_has_no_framework(tmp_path):
    Framework.objects.all().delete()
    status, out, _ = run("score", write_json(tmp_path, QUESTIONNAIRE), "--json")
    assert (status, json.loads(out)["points"]) == (0, 136)


def test_a_blank_questionnaire_scores_no_label(tmp_path):
    blank = questionnaire_for(framework=ECEI, reference_year=2025)
    path = tmp_path / "blank.xlsx"
    path.write_bytes(write_questionnaire_xlsx(blank, ECEI))
    status, out, _ = run("score", str(path), "--json")
    assert (status, json.loads(out)["level"], json.loads(out)["points"]) == (0, "none", 0)


# --- load_framework ---------------------------------------------------------------------------------------------


def test_load_framework_loads_a_new_code_and_makes_it_the_default(tmp_path):
    new = copy.deepcopy(SHIPPED)
    new["code"] = "ecei-31-2027"
    new["categories"][1]["indicators"][8]["full"] = 12  # G9
    status, out, err = run("load_framework", write_json(tmp_path, new, "framework.json"), "--default")
    assert (status, err) == (0, "")
    assert out == (
        "Loaded framework ecei-31-2027: 5 categories, 31 indicators, 150 points, default for new assessments.\n"
    )
    framework = Framework.objects.get(code="ecei-31-2027")
    assert framework.is_default
    assert framework.indicators.get(code="G9").full_threshold == 12
    assert not Framework.objects.get(code="ecei-31").is_default


def test_load_framework_refuses_an_invalid_file_and_lists_every_error(tmp_path):
    bad = copy.deepcopy(SHIPPED)
    bad["code"] = "ecei-bad"
    bad["categories"][0]["indicators"][0]["weight"] = -4
    bad["categories"][3]["indicators"][1]["options"] = "current"
    path = write_json(tmp_path, bad, "framework.json")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_framework", path, stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "indicators.S1.weight: must be a whole number from 1 to 1000.",
        "indicators.V2.options: a level indicator needs a non-empty list of options.",
    ]
    assert str(caught.value) == f"{path} is not a valid framework file (2 errors); nothing was loaded."
    assert not Framework.objects.filter(code="ecei-bad").exists()


def test_load_framework_refuses_to_change_a_version_in_use(tmp_path, cluster):
    framework = Framework.objects.get(code="ecei-31")
    Assessment.objects.create(cluster=cluster, framework=framework, reference_year=2025)
    changed = copy.deepcopy(SHIPPED)
    changed["categories"][1]["indicators"][8]["full"] = 12  # G9
    with pytest.raises(CommandError) as caught:
        call_command("load_framework", write_json(tmp_path, changed, "f.json"), stdout=StringIO(), stderr=StringIO())
    assert str(caught.value) == (
        "ecei-31: This framework version is already used by an assessment and cannot be changed. "
        "Give the new version a new code."
    )
    assert framework.indicators.get(code="G9").full_threshold == 10


def test_load_framework_updates_a_version_nobody_uses(tmp_path):
    changed = copy.deepcopy(SHIPPED)
    changed["categories"][1]["indicators"][8]["full"] = 12  # G9
    status, out, _ = run("load_framework", write_json(tmp_path, changed, "f.json"))
    assert status == 0
    assert out.startswith("Updated framework ecei-31: ")
    assert Framework.objects.get(code="ecei-31").indicators.get(code="G9").full_threshold == 12
