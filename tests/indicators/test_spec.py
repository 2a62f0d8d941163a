"""The shipped framework file and the framework parser. Pure: no database."""

import copy
import json
from decimal import Decimal

import pytest
from django.utils import translation

from indicators.spec import (
    FRAMEWORKS_DIR,
    FrameworkFileError,
    default_framework_spec,
    guidance_from_source,
    guidance_text,
    load_framework_file,
    parse_framework,
)

SHIPPED = FRAMEWORKS_DIR / "ecei-31.json"

# The tables of indicators.md: code, ECEI number, type, weight, full, partial, baseline, from data.
TABLE = [
    ("S1", "1.1.0", "pct", 4, 75, 50, False, False),
    ("S2", "1.1.1", "pct", 4, 50, 35, False, True),
    ("S3", "1.1.2", "int", 6, 50, 30, True, True),
    ("S4", "1.2", "pct", 4, 70, 50, False, True),
    ("G1", "2.1", "int", 6, 3, 2, True, True),
    ("G2", "2.2.1", "dec", 6, 3, "1.5", True, True),
    ("G3", "2.2.2", "pct", 4, 75, 50, False, True),
    ("G4", "2.2.3", "dec", 4, 5, 2, False, False),
    ("G5", "2.2.4", "pct", 4, 60, 40, False, False),
    ("G6", "2.3", "pct", 4, 70, 50, False, True),
    ("G7", "2.4", "pct", 6, 50, 30, False, True),
    ("G8", "2.5", "pct", 4, 75, 50, False, False),
    ("G9", "2.6", "int", 4, 10, 4, False, False),
    ("G10", "2.7", "int", 4, 5, 2, False, False),
    ("F1", "3.1", "int", 6, 24, 12, True, False),
    ("F2", "3.2", "pct", 6, 30, 15, False, True),
    ("V1", "4.1.1", "level", 6, "co_built", "consulted", False, False),
    ("V2", "4.1.2", "level", 6, "current", "outdated", True, True),
    ("V3", "4.1.3", "level", 6, "complete", "partial", True, False),
    ("V4", "4.1.4", "level", 4, "audited", "budget_monitoring", False, False),
    ("V5", "4.1.5", "int", 6, 12, 24, False, False),
    ("V6", "4.1.6", "int", 6, 5, 2, False, False),
    ("V7", "4.2", "int", 4, 3, 1, False, False),
    ("V8", "4.3", "int", 4, 5, 3, False, False),
    ("V9", "4.4", "pct", 6, 50, 25, False, False),
    ("V10", "4.5", "int", 4, 4, 2, False, False),
    ("V11", "4.6.1", "int", 4, 12, 4, False, False),
    ("V12", "4.6.2", "level", 4, "bilingual", "national", False, False),
    ("R1", "5.1", "int", 4, 12, 4, False, False),
    ("R2", "5 (†)", "int", 4, 3, 1, False, False),
    ("R3", "5 (†)", "pct", 6, 75, 60, False, False),
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def raw():
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def test_the_shipped_framework_has_31_indicators_in_five_categories():
    spec = default_framework_spec()
    assert spec.code == "ecei-31"
    assert [category.code for category in spec.categories] == ["S", "G", "F", "V", "R"]
    assert [len(category.indicator_codes) for category in spec.categories] == [4, 10, 2, 12, 3]
    assert spec.codes == tuple(row[0] for row in TABLE)
    assert spec.total_weight == 150
    assert sum(1 for indicator in spec.indicators if indicator.weight == 6) == 13
    assert spec.category("F").name == {"fr": "Financement", "en": "Financing"}


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_each_indicator_follows_the_table_of_the_specification(row):
    code, ecei, value_type, weight, full, partial, baseline, from_data = row
    spec = default_framework_spec().indicator(code)
    assert (spec.ecei, spec.value_type, spec.weight, spec.baseline) == (ecei, value_type, weight, baseline)
    assert spec.from_data == (code.lower() if from_data else "")
    assert spec.category == code[0]
    assert spec.direction == ("lower" if code == "V5" else "higher")
    assert spec.name["fr"] and spec.name["en"] and spec.help["fr"] and spec.help["en"]
    if value_type == "level":
        assert [(option.code, option.result) for option in spec.options] == [
            (full, "full"),
            (partial, "partial"),
            ("none", "none"),
        ]
        assert all(option.label["fr"] and option.label["en"] for option in spec.options)
        assert spec.full is spec.partial is spec.max_value is None
    else:
        assert (spec.full, spec.partial) == (Decimal(str(full)), Decimal(str(partial)))
        assert spec.unit["fr"] and spec.unit["en"]
        assert spec.options == ()
    if value_type == "pct":
        assert spec.max_value == 100
    elif code == "V8":
        assert spec.max_value == 7
    elif value_type != "level":
        assert spec.max_value is None


def test_names_come_from_the_specification():
    spec = default_framework_spec()
    assert spec.indicator("S3").name == {"en": "Committed participants", "fr": "Nombre de membres engagés"}
    assert spec.indicator("G2").unit == {"en": "FTE", "fr": "ETP"}
    assert spec.indicator("F1").unit == {"en": "months", "fr": "mois"}


def test_an_unknown_indicator_code_raises_key_error():
    with pytest.raises(KeyError):
        default_framework_spec().indicator("Z9")


def test_the_file_round_trips_through_the_spec(raw):
    spec = parse_framework(raw)
    assert spec == default_framework_spec()
    assert parse_framework(spec.to_dict()) == spec
    assert spec.to_dict() == raw


def test_every_problem_of_a_framework_file_is_listed(raw):
    bad = copy.deepcopy(raw)
    bad["code"] = "ecei 31"
    bad["categories"][0]["indicators"][0]["weight"] = 0  # S1
    bad["categories"][0]["indicators"][1]["type"] = "ratio"  # S2
    bad["categories"][0]["indicators"][2]["partial"] = 60  # S3: above full (50)
    bad["categories"][1]["indicators"][0]["full"] = "three"  # G1
    del bad["categories"][1]["indicators"][1]["name"]["en"]  # G2
    bad["categories"][3]["indicators"][0]["options"][1]["result"] = "great"  # V1
    bad["categories"][3]["indicators"][4]["partial"] = 6  # V5: lower is better, partial below full
    bad["categories"][4]["indicators"][2]["max"] = 120  # R3
    bad["categories"][4]["indicators"][1]["code"] = "R1"  # duplicate
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(bad)
    assert caught.value.errors == [
        "code: may contain only letters, digits, hyphens and underscores.",
        "indicators.S1.weight: must be a whole number from 1 to 1000.",
        "indicators.S2.type: must be one of int, dec, pct, level.",
        "indicators.S3.partial: must not be above the full threshold (higher is better).",
        "indicators.G1.full: must be a number.",
        "indicators.G2.name.en: this field is required.",
        "indicators.V1.options[1].result: must be one of full, partial, none.",
        "indicators.V5.partial: must not be below the full threshold (lower is better).",
        "indicators.R1.code: duplicate indicator R1.",
        "indicators.R3.max: a percentage cannot exceed 100.",
    ]


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda d: d.pop("categories"), "categories: must be a non-empty list."),
        (lambda d: d.update(format="other/2"), 'format: must be "grappe-framework/1".'),
        (lambda d: d["categories"][1].update(code="S"), "categories[1].code: duplicate category S."),
        (lambda d: d["categories"][2].update(indicators=[]), "categories.F.indicators: must be a non-empty list."),
        (
            lambda d: d["categories"][3]["indicators"][0].update(full=3),
            "indicators.V1.full: a level indicator has options, not thresholds.",
        ),
        (
            lambda d: d["categories"][3]["indicators"][0].update(options=[]),
            "indicators.V1.options: a level indicator needs a non-empty list of options.",
        ),
        (
            lambda d: d["categories"][0]["indicators"][2].update(full=50.5),
            "indicators.S3.full: a whole-number indicator needs a whole-number threshold.",
        ),
        (
            lambda d: d["categories"][0]["indicators"][2].pop("partial"),
            "indicators.S3.partial: this field is required.",
        ),
        (
            lambda d: d["categories"][0]["indicators"][2].update(colour="red"),
            "indicators.S3: unknown field: colour.",
        ),
        (
            lambda d: d["categories"][0]["indicators"][2].update(baseline="yes"),
            "indicators.S3.baseline: must be true or false.",
        ),
        (
            lambda d: d["categories"][0]["indicators"][2].update(direction="up"),
            "indicators.S3.direction: must be one of higher, lower.",
        ),
        (lambda d: d["categories"][0]["indicators"][2].update(full=-5), "indicators.S3.full: must be 0 or more."),
        (
            lambda d: d["categories"][3]["indicators"][7].update(max=4),
            "indicators.V8.full: must not be above the maximum value.",
        ),
    ],
)
def test_a_framework_file_error_names_its_field(raw, change, error):
    change(raw)
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(raw)
    assert error in caught.value.errors


def test_a_framework_file_must_be_an_object():
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework([1, 2])
    assert caught.value.errors == ["file: must be a JSON object."]


def test_a_malformed_framework_file_is_reported(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"code": "x",\n  oops}', encoding="utf-8")
    with pytest.raises(FrameworkFileError) as caught:
        load_framework_file(path)
    assert caught.value.errors == ["file: not valid JSON (line 2, column 3)."]


def test_a_missing_framework_file_is_reported(tmp_path):
    with pytest.raises(FrameworkFileError) as caught:
        load_framework_file(tmp_path / "absent.json")
    assert caught.value.errors[0].startswith("file: cannot be read")


def test_specs_can_be_used_as_cache_keys(raw):
    spec, again = default_framework_spec(), parse_framework(raw)
    assert {spec: 1}[again] == 1
    assert len({*spec.indicators, *again.indicators}) == 31


# --- the guidance, one text a threshold -------------------------------------------------------------------------


def test_every_shipped_indicator_has_guidance_for_each_threshold_in_both_languages():
    for indicator in default_framework_spec().indicators:
        assert set(indicator.guidance) == {"partial", "full"}, indicator.code
        for language in ("fr", "en"):
            partial, full = indicator.guidance["partial"][language], indicator.guidance["full"][language]
            assert partial and full and partial != full, (indicator.code, language)
        for threshold in ("partial", "full"):
            french = indicator.guidance[threshold]["fr"]
            assert " :" not in french and " ;" not in french and "'" not in french, (indicator.code, threshold)


def test_guidance_from_the_source_reads_each_threshold_and_the_first_format(raw):
    guidance = guidance_from_source(raw)
    assert len(guidance) == 31
    s1 = raw["categories"][0]["indicators"][0]["guidance"]
    assert guidance["S1"] == s1
    assert guidance_text(guidance, "S1", "partial", "en") == s1["partial"]["en"]
    assert guidance_text(guidance, "S1", "full", "fr") == s1["full"]["fr"]
    assert guidance_text(guidance, "Z9", "full", "fr") == ""
    raw["categories"][0]["indicators"][0]["guidance"] = {"fr": "Un texte.", "en": "One text."}  # the first format
    old = guidance_from_source(raw)["S1"]
    assert old == {"partial": {"fr": "Un texte.", "en": "One text."}, "full": {"fr": "Un texte.", "en": "One text."}}
    assert parse_framework(raw).indicator("S1").guidance == old


def test_a_threshold_may_have_no_guidance(raw):
    raw["categories"][0]["indicators"][0]["guidance"] = {"full": {"fr": "Plein.", "en": "Full."}}
    spec = parse_framework(raw)
    assert spec.indicator("S1").guidance == {"full": {"fr": "Plein.", "en": "Full."}}
    assert parse_framework(spec.to_dict()).indicator("S1").guidance == spec.indicator("S1").guidance


@pytest.mark.parametrize(
    ("guidance", "error"),
    [
        (
            {"partial": {"fr": "a", "en": "b"}, "best": {"fr": "c", "en": "d"}},
            "indicators.S1.guidance.best: unknown threshold",
        ),
        ("Do more.", 'indicators.S1.guidance: must be an object with a "partial" and a "full" text.'),
        ({"partial": {"fr": "a"}}, "indicators.S1.guidance.partial.en"),
        ({"full": "Do more."}, 'indicators.S1.guidance.full: must be an object with "fr" and "en" texts.'),
    ],
)
def test_bad_guidance_is_reported_on_its_field(raw, guidance, error):
    raw["categories"][0]["indicators"][0]["guidance"] = guidance
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(raw)
    assert any(message.startswith(error) for message in caught.value.errors), caught.value.errors
