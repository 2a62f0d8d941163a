"""indicators.values: one parser and one formatter for indicator values, in both languages. Pure: no database."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import values
from indicators.computations import InvalidValue, clean_value
from indicators.spec import default_framework_spec

ECEI = default_framework_spec()
SPECS = {spec.code: spec for spec in ECEI.indicators}
NNBSP = "\u202f"

# Numbers the answer fields hold: up to 11 integer digits and 3 decimals, either sign.
stored_numbers = st.decimals(
    min_value=Decimal("-99999999999.999"), max_value=Decimal("99999999999.999"), places=3, allow_nan=False
).map(values.normalise)
languages = st.sampled_from(["fr", "en"])
bounded = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("80,5", Decimal("80.5")),
        ("80.5", Decimal("80.5")),
        (" 80,50 ", Decimal("80.5")),
        ("1 234,5", Decimal("1234.5")),
        (f"1{NNBSP}234,5", Decimal("1234.5")),
        ("1\xa0234.5", Decimal("1234.5")),
        ("12 345 678", Decimal("12345678")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        (",5", Decimal("0.5")),
        ("-0", Decimal("0")),
        ("-0,0", Decimal("0")),
        ("\u22123,5", Decimal("-3.5")),
        ("+7", Decimal("7")),
        ("100.000", Decimal("100")),
        (Decimal("1E+2"), Decimal("100")),
        (0.1, Decimal("0.1")),
        (12, Decimal("12")),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_parse_number_reads_both_conventions_in_either_language(raw, expected, language):
    number = values.parse_number(raw, language=language)
    assert number == expected
    assert "E" not in str(number)


@pytest.mark.parametrize(
    "raw",
    [
        "1e3",
        "1E-2",
        "2.5e1",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "abc",
        "1,2,3",
        "1.2.3",
        "12 5",
        "1 2345",
        "1 234.567,8",
        "",
        " ",
        "-",
        ",",
        "1,,5",
        True,
        None,
        [80],
        1e-05,
        float("inf"),
    ],
)
def test_parse_number_refuses_exponents_and_what_is_not_a_plain_number(raw):
    assert values.parse_number(raw, language="fr") is None
    assert values.parse_number(raw, language="en") is None


def test_a_comma_before_three_digits_groups_thousands_only_in_english():
    assert values.parse_number("1,500", language="en") == 1500
    assert values.parse_number("1,500", language="fr") == Decimal("1.5")
    assert values.parse_number("0,125", language="en") == Decimal("0.125")
    assert values.parse_number("80,5", language="en") == Decimal("80.5")


@pytest.mark.parametrize(
    "number, french, english",
    [
        (Decimal("14.5"), "14,5", "14.5"),
        (Decimal("1234.5"), f"1{NNBSP}234,5", "1,234.5"),
        (Decimal("1234567"), f"1{NNBSP}234{NNBSP}567", "1,234,567"),
        (Decimal("-0"), "0", "0"),
        (Decimal("12.500"), "12,5", "12.5"),
        (Decimal("1E+2"), "100", "100"),
        (Decimal("-3.25"), "-3,25", "-3.25"),
        (0.1, "0,1", "0.1"),
        (None, "", ""),
    ],
)
def test_format_number_writes_the_readers_convention(number, french, english):
    assert values.format_number(number, language="fr") == french
    assert values.format_number(number, language="en") == english


def test_format_number_follows_the_active_language_and_rounds_when_asked():
    with translation.override("fr"):
        assert values.format_number(Decimal("44.65"), places=1) == "44,7"
        assert values.format_percent(Decimal("44.7")) == f"44,7{NNBSP}%"
    with translation.override("en-gb"):
        assert values.format_number(Decimal("44.65"), places=1) == "44.7"
        assert values.format_percent(Decimal("44.7")) == "44.7%"
    assert values.format_number(Decimal("-0.04"), places=1, language="fr") == "0,0"


@bounded
@given(stored_numbers, languages)
def test_parse_reads_back_what_format_wrote(number, language):
    assert values.parse_number(values.format_number(number, language=language), language=language) == number
    assert values.parse_number(values.input_number(number, language=language), language=language) == number


@bounded
@given(stored_numbers, languages, languages)
def test_plain_text_reads_back_in_either_language(number, writer, reader):
    text = values.plain(number)
    assert "E" not in text and "e" not in text
    assert values.parse_number(text, language=reader) == number
    # the form's text, written in one language, reads the same in the other when it has no grouping
    assert values.parse_number(values.input_number(number, language=writer), language="fr") == number


@bounded
@given(stored_numbers)
def test_normalise_is_idempotent_and_keeps_the_value(number):
    once = values.normalise(number)
    assert once == number
    assert values.normalise(once) == once
    assert once.as_tuple().exponent <= 0


@bounded
@given(st.sampled_from(sorted(SPECS)), st.one_of(stored_numbers, st.text(max_size=8)), languages)
def test_forms_and_engine_agree_on_every_value(code, raw, language):
    """The engine's clean_value and the form's check accept and refuse the same values, with the same result."""
    spec = SPECS[code]
    if isinstance(raw, Decimal):
        raw = values.format_number(raw, language=language)
    with translation.override(language):
        value, problems = values.check(spec, raw, language=language)
        try:
            cleaned = clean_value(spec, raw)
        except InvalidValue as exc:
            assert problems
            assert exc.message == problems[0].fragment
        else:
            assert not problems
            assert cleaned == value


@pytest.mark.parametrize(
    "code, raw, message, fragment",
    [
        ("S3", "12,5", "Enter a whole number.", "must be a whole number."),
        ("S3", "-1", "The value cannot be negative.", "must be 0 or more."),
        ("S1", "101", "The value cannot be more than 100.", "must be a percentage from 0 to 100."),
        ("G2", "1,2345", "Use at most 3 decimal places.", "must have at most 3 decimal places."),
        ("G2", "0.0001", "Use at most 3 decimal places.", "must have at most 3 decimal places."),
        ("G2", "1e3", "Enter a number.", "must be a number."),
        ("V8", "8", "The value cannot be more than 7.", "must be at most 7."),
        ("G2", 10**30, "The value is too large.", "is too large."),
        ("G2", "1" + "0" * 40, "The value is too large.", "is too large."),
        ("S3", 10**30, "The value is too large.", "is too large."),
    ],
)
def test_check_names_each_problem_in_both_wordings(code, raw, message, fragment):
    with translation.override("en"):
        _value, problems = values.check(SPECS[code], raw)
    assert problems[0].message == message
    assert problems[0].fragment == fragment


def test_clean_gives_whole_numbers_as_int_and_accepts_grouped_french_input():
    assert values.clean(SPECS["S3"], f"1{NNBSP}234") == 1234
    assert values.clean(SPECS["G2"], "1 234,5") == Decimal("1234.5")
    assert values.clean(SPECS["S1"], "80,5") == Decimal("80.5")
    assert values.clean(SPECS["S1"], "") is None


def test_thresholds_and_values_are_written_for_the_reader():
    s1 = SPECS["S1"]  # a percentage, higher is better
    assert values.format_threshold(s1, "full", language="fr").endswith(f"{NNBSP}%")
    assert values.format_threshold(s1, "full", language="fr").startswith("≥\xa0")
    assert values.format_value(s1, Decimal("80.5"), language="fr") == f"80,5{NNBSP}%"
    assert values.format_value(s1, Decimal("80.5"), language="en") == "80.5%"
    v1 = SPECS["V1"]
    assert values.format_value(v1, "co_built", language="en") == v1.option("co_built").label["en"]
    assert values.format_value(v1, "co_built", language="fr") == v1.option("co_built").label["fr"]


@pytest.mark.parametrize(
    "code, number, french, english",
    [
        ("V7", 1, "1\xa0objectif", "1\xa0objective"),
        ("V7", 0, "0\xa0objectif", "0\xa0objectives"),  # 0 takes the singular in French only
        ("V7", 2, "2\xa0objectifs", "2\xa0objectives"),
        ("S3", 1, "1\xa0membre", "1\xa0member"),
        ("S3", 1234, f"1{NNBSP}234\xa0membres", "1,234\xa0members"),
        ("G1", 1, "1\xa0an", "1\xa0year"),
        ("F1", 1, "1\xa0mois", "1\xa0month"),
        ("R1", 1, "1\xa0retombée", "1\xa0article"),
        ("V8", 1, "1\xa0catégorie sur 7", "1\xa0category of 7"),
        ("G4", Decimal("1.5"), "1,5\xa0jour par salarié", "1.5\xa0days per staff member"),
        ("G4", Decimal("2.5"), "2,5\xa0jours par salarié", "2.5\xa0days per staff member"),
        ("G2", 1, "1\xa0ETP", "1\xa0FTE"),  # an abbreviation: invariable
    ],
)
def test_a_unit_takes_the_singular_or_the_plural_of_its_number(code, number, french, english):
    assert values.format_value(SPECS[code], number, language="fr") == french
    assert values.format_value(SPECS[code], number, language="en") == english


def test_a_threshold_of_one_is_in_the_singular():
    assert values.format_threshold(SPECS["V7"], "partial", language="fr") == "≥\xa01\xa0objectif"
    assert values.format_threshold(SPECS["V7"], "full", language="en") == "≥\xa03\xa0objectives"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_catalogue_knows_every_countable_unit_of_the_shipped_framework(language):
    """A unit the catalogue writes otherwise than the framework would stay in the plural after 1."""
    for spec in ECEI.indicators:
        unit = spec.unit[language]
        if spec.value_type in ("int", "dec") and unit and spec.unit["en"] not in ("FTE",):
            assert values.unit_for(spec, 2, language=language) == unit, spec.code
            assert values.unit_for(spec, 1, language=language) != unit or unit in ("mois",), spec.code


def test_json_number_and_plain_never_use_exponents():
    assert values.json_number(Decimal("1E+2")) == 100
    assert isinstance(values.json_number(Decimal("100.000")), int)
    assert values.json_number(Decimal("12.50")) == 12.5
    assert values.plain(Decimal("1E+2")) == "100"
    assert values.plain(Decimal("0.000100")) == "0.0001"
