"""Scoring and peer statistics for whole populations of assessments, vectorised (pandas + numpy, no ORM).

``indicators.computations.score_assessment`` scores one assessment with exact ``Decimal`` arithmetic; this
module gives the same results for thousands of assessments at once, for the benchmarking pages, the
administrators' statistics and the reports' peer positions. ``bench/scoring.py`` checks that both agree
and measures the difference.

Input frames
------------
``answers``: one row per assessment (any index), one column per indicator code. Numeric indicators hold
numbers (float, int or ``Decimal``), ``level`` indicators hold option codes; ``None``/``NaN`` means
unanswered. A missing column means the indicator is unanswered everywhere; other columns are ignored.

Numbers are compared with the thresholds as doubles. That is exact for every value and threshold with at
most 15 significant digits (rounding to the nearest double is monotone and keeps such decimals apart), which
covers every answer Grappe can store (decimal fields with 3 decimals).

``score_frame`` columns (one row per assessment, same index as ``answers``)
--------------------------------------------------------------------------
- ``result:<code>``   ordered categorical ``none < partial < full``
- ``points:<code>``   float, the indicator's points (weight, weight / 2 or 0)
- ``improved:<code>`` bool, more points than in the previous assessment (False without a previous one)
- ``points``          float, Σ points
- ``max_points``      int, Σ weights
- ``score``           float, the excellence score 100 × points ÷ max_points, exact (not rounded)
- ``score_display``   float, the score with one decimal, rounded half up like the per-assessment path
- ``category:<code>`` float, the category score with one decimal (same rounding)
- ``baseline_met``    bool, every ★ indicator reaches at least its partial threshold
- ``eligible``        bool, legal entity, public profile, and enough committed members
- ``has_previous``    bool, a previous validated assessment was given
- ``in_silver_window`` bool, p + 12 months ≤ d ≤ p + 36 months (``add_months`` semantics)
- ``improved``        int, the number of improved indicators
- ``level``           ordered categorical ``none < bronze < silver < gold``
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.computations import (
    ELIGIBILITY_INDICATOR,
    ELIGIBILITY_MINIMUM,
    GOLD_PERCENT,
    SILVER_MIN_IMPROVED,
    SILVER_WINDOW_MONTHS,
)
from indicators.spec import FrameworkSpec, IndicatorSpec
from indicators.values import DECIMAL_PLACES, parse_number

RESULTS = ("none", "partial", "full")
LEVELS = ("none", "bronze", "silver", "gold")
RESULT_DTYPE = pd.CategoricalDtype(list(RESULTS), ordered=True)
LEVEL_DTYPE = pd.CategoricalDtype(list(LEVELS), ordered=True)

PEER_GROUPS = ("all", "kind", "region", "sector")


class InvalidFrame(ValueError):
    """Some answers are not valid values of their indicator: ``errors`` lists (row, code, message)."""

    def __init__(self, errors: list[tuple[Hashable, str, str]]):
        self.errors = errors
        shown = "; ".join(f"{row}/{code}: {message}" for row, code, message in errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__(shown + more)


# --- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """The framework as arrays, computed once per framework spec."""

    codes: tuple[str, ...]
    numeric: tuple[int, ...]  # positions of numeric indicators
    level: tuple[int, ...]  # positions of level indicators
    weights: np.ndarray  # int64 (k,)
    sign: np.ndarray  # +1 higher is better, -1 lower is better, for the numeric indicators
    full: np.ndarray  # signed thresholds of the numeric indicators (NaN: never reached)
    partial: np.ndarray
    whole: np.ndarray  # bool, numeric indicators that take whole numbers
    maximum: np.ndarray  # the largest value allowed (inf: none)
    baseline: np.ndarray  # bool (k,)
    categories: tuple[tuple[str, np.ndarray], ...]  # (code, positions)
    options: tuple[tuple[pd.Index, np.ndarray], ...]  # per level indicator: option codes, their result codes


_LAYOUTS: dict[int, tuple[FrameworkSpec, _Layout]] = {}
_RESULT_CODE = {"none": 0, "partial": 1, "full": 2}


def _number(value, default: float) -> float:
    return default if value is None else float(value)


def _maximum(spec: IndicatorSpec) -> float:
    bound = _number(spec.max_value, np.inf)
    return min(bound, 100.0) if spec.value_type == "pct" else bound


def _layout(framework: FrameworkSpec) -> _Layout:
    cached = _LAYOUTS.get(id(framework))
    if cached is not None and cached[0] is framework:
        return cached[1]
    indicators = framework.indicators
    codes = tuple(i.code for i in indicators)
    position = {code: n for n, code in enumerate(codes)}
    numeric = tuple(n for n, i in enumerate(indicators) if i.value_type != "level")
    level = tuple(n for n, i in enumerate(indicators) if i.value_type == "level")
    sign = np.array([-1.0 if indicators[n].direction == "lower" else 1.0 for n in numeric])
    layout = _Layout(
        codes=codes,
        numeric=numeric,
        level=level,
        weights=np.array([i.weight for i in indicators], dtype=np.int64),
        sign=sign,
        full=sign * np.array([_number(indicators[n].full, np.nan) for n in numeric]),
        partial=sign * np.array([_number(indicators[n].partial, np.nan) for n in numeric]),
        whole=np.array([indicators[n].value_type == "int" for n in numeric], dtype=bool),
        maximum=np.array([_maximum(indicators[n]) for n in numeric]),
        baseline=np.array([i.baseline for i in indicators], dtype=bool),
        categories=tuple(
            (c.code, np.array([position[code] for code in c.indicator_codes], dtype=np.intp))
            for c in framework.categories
        ),
        options=tuple(
            (
                pd.Index([o.code for o in indicators[n].options], dtype=object),
                np.array([_RESULT_CODE[o.result] for o in indicators[n].options] + [0], dtype=np.int8),
            )
            for n in level
        ),
    )
    _LAYOUTS[id(framework)] = (framework, layout)
    return layout


def _numeric_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values as float64 with NaN for unanswered, mask of the cells that are not numbers)."""
    if column.dtype.kind in "fiu":
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.zeros(len(values), dtype=bool)
    if column.dtype.kind == "b":  # True/False is not a number
        return np.full(len(column), np.nan), column.notna().to_numpy()
    try:  # Decimal, int, float, None in an object column
        converted = pd.to_numeric(column, errors="raise")
        if converted.dtype.kind in "fiu":
            return converted.to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(column), dtype=bool)
    except (ValueError, TypeError):
        pass
    # Text as people type it ("12,5", "1 234,5"): read by values.parse_number like every form; blank is unanswered.
    is_text = column.map(type).eq(str).to_numpy()
    is_bool = column.map(type).eq(bool).to_numpy()
    parsed = [
        (np.nan if not cell.strip() else _as_float(parse_number(cell))) if text else np.nan
        for cell, text in zip(column.tolist(), is_text, strict=True)
    ]
    others = pd.to_numeric(column.where(~is_text & ~is_bool), errors="coerce")
    numbers = np.where(is_text, np.array(parsed, dtype=np.float64), others.to_numpy(np.float64))
    blank = np.array([text and not cell.strip() for cell, text in zip(column.tolist(), is_text, strict=True)], bool)
    invalid = column.notna().to_numpy() & np.isnan(numbers) & ~blank
    return np.where(is_bool, np.nan, numbers), invalid | is_bool


def _as_float(number) -> float:
    return np.nan if number is None else float(number)


def _numeric_matrix(answers: pd.DataFrame, codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    n_rows = len(answers)
    values = np.full((n_rows, len(codes)), np.nan)
    bad = np.zeros((n_rows, len(codes)), dtype=bool)
    for n, code in enumerate(codes):
        if code in answers.columns:
            values[:, n], bad[:, n] = _numeric_column(answers[code])
    return values, bad


def _level_column(column: pd.Series, options: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """(position of the option, -1 when unanswered or unknown; mask of the unknown options)."""
    positions = options.get_indexer(column)
    missing = positions == -1
    if not missing.any():
        return positions, missing
    unknown = missing & column.notna().to_numpy()
    if unknown.any():  # rare: surrounding spaces, blank text
        stripped = column.where(column.map(type).eq(str)).str.strip()
        positions = np.where(unknown, options.get_indexer(stripped), positions)
        blank = stripped.eq("").fillna(False).to_numpy()
        unknown = (positions == -1) & column.notna().to_numpy() & ~blank
    return positions, unknown


def _invalid_numbers(layout: _Layout, values: np.ndarray) -> np.ndarray:
    """Cells that values.check refuses: negative, not whole, above the maximum, infinite, > 3 decimal places."""
    with np.errstate(invalid="ignore"):
        bad = (values < 0) | (values > layout.maximum) | np.isinf(values)
        bad |= layout.whole & (values != np.floor(values))
        bad |= np.round(values, DECIMAL_PLACES) != values
    return bad & ~np.isnan(values)


def result_codes(framework: FrameworkSpec, answers: pd.DataFrame, *, strict: bool = True) -> np.ndarray:
    """Result of every indicator as an int8 matrix (rows × indicators): 0 none, 1 partial, 2 full.

    ``strict``: an invalid value raises InvalidFrame listing every bad cell (like ``score_assessment``);
    otherwise it counts as "none" (like the previous assessment's values in ``score_assessment``).
    """
    layout = _layout(framework)
    n_rows = len(answers)
    out = np.zeros((n_rows, len(layout.codes)), dtype=np.int8)
    errors: list[tuple[Hashable, str, str]] = []
    if layout.numeric:
        numeric_codes = [layout.codes[n] for n in layout.numeric]
        values, not_number = _numeric_matrix(answers, numeric_codes)
        out_of_range = _invalid_numbers(layout, values)
        bad = not_number | out_of_range
        if bad.any():
            if strict:
                rows, cols = np.nonzero(bad)
                errors.extend(
                    (answers.index[r], numeric_codes[c], "not a number" if not_number[r, c] else "out of range")
                    for r, c in zip(rows, cols, strict=True)
                )
            values = np.where(bad, np.nan, values)
        values = values * layout.sign
        # NaN (unanswered, or a missing threshold) compares False: "none".
        with np.errstate(invalid="ignore"):
            partial = (values >= layout.partial).view(np.int8)
            out[:, layout.numeric] = np.where(values >= layout.full, np.int8(2), partial)
    for n, (options, results) in zip(layout.level, layout.options, strict=True):
        code = layout.codes[n]
        if code not in answers.columns:
            continue
        positions, unknown = _level_column(answers[code], options)
        if strict and unknown.any():
            errors.extend((answers.index[r], code, "unknown option") for r in np.nonzero(unknown)[0])
        out[:, n] = results[positions]  # -1 (unanswered or unknown) picks the appended 0, "none"
    if errors:
        raise InvalidFrame(errors)
    return out


def _half_points(layout: _Layout, codes: np.ndarray) -> np.ndarray:
    # Points are counted in halves so that every sum and comparison stays in exact integers.
    return codes.astype(np.int64) * layout.weights


def _as_datetime64(values, index: pd.Index) -> np.ndarray:
    """Dates (date, datetime, string, NaT or None) aligned on ``index``, as datetime64[D]."""
    if values is None:
        return np.full(len(index), np.datetime64("NaT"), dtype="datetime64[D]")
    if isinstance(values, pd.Series):
        values = values.reindex(index)
    else:
        values = pd.Series(values, index=index)
    return pd.to_datetime(values, errors="raise").to_numpy().astype("datetime64[D]")


def add_months_array(dates: np.ndarray, months: int) -> np.ndarray:
    """``computations.add_months`` on an array of datetime64[D]: keep the day, else the month's last day."""
    month = dates.astype("datetime64[M]")
    day = (dates - month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of the month
    target = month + np.timedelta64(months, "M")
    first = target.astype("datetime64[D]")
    days_in_target = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    result = first + np.minimum(day, days_in_target - 1)
    return np.where(np.isnat(dates), np.datetime64("NaT"), result).astype("datetime64[D]")


def _round_half_up_tenths(numerator: np.ndarray, denominator: np.ndarray | int) -> np.ndarray:
    """100 × numerator ÷ denominator with one decimal, rounded half up, computed in integers."""
    num = 1000 * numerator
    return ((2 * num + denominator) // (2 * denominator)) / 10


def score_frame(
    framework: FrameworkSpec,
    answers: pd.DataFrame,
    *,
    eligibility: pd.DataFrame,
    validated_on: pd.Series | None = None,
    previous: pd.DataFrame | None = None,
    previous_validated_on=None,
) -> pd.DataFrame:
    """Score every row of ``answers`` like ``computations.score_assessment`` (see the module doc for columns).

    ``eligibility`` has boolean columns ``legal_entity`` and ``public_profile`` (aligned on the index; a
    missing row counts as False). ``validated_on`` gives each assessment's validation date. ``previous`` holds
    the previous validated assessment's answers of the rows that have one (its index is a subset of
    ``answers.index``) and ``previous_validated_on`` their validation dates (a Series on either index).

    Like ``score_assessment``, which compares only the codes present in the previous answers, an
    indicator is compared with the previous assessment only when ``previous`` has its column; an empty
    cell there is an unanswered value (0 points). A previous value that the framework refuses earns 0.
    """
    layout = _layout(framework)
    index = answers.index
    if not index.is_unique:
        raise ValueError("score_frame: the index of answers must identify each assessment once.")
    n_rows = len(index)
    codes = result_codes(framework, answers)
    half = _half_points(layout, codes)
    half_total = half.sum(axis=1)
    max_points = int(layout.weights.sum())

    baseline_met = (codes[:, layout.baseline] >= 1).all(axis=1)
    eligible_frame = eligibility.reindex(index)
    eligible = eligible_frame["legal_entity"].fillna(False).to_numpy(dtype=bool) & eligible_frame[
        "public_profile"
    ].fillna(False).to_numpy(dtype=bool)
    if ELIGIBILITY_INDICATOR in layout.codes:  # a framework without it has no participant count to check
        members = _numeric_matrix(answers, [ELIGIBILITY_INDICATOR])[0][:, 0]
        with np.errstate(invalid="ignore"):
            eligible &= members >= ELIGIBILITY_MINIMUM

    # Previous assessment: improved indicators and the Silver window.
    has_previous = np.zeros(n_rows, dtype=bool)
    improved = np.zeros(half.shape, dtype=bool)
    in_window = np.zeros(n_rows, dtype=bool)
    if previous is not None and len(previous):
        previous = previous[previous.index.isin(index)]
        positions = index.get_indexer(previous.index)
        has_previous[positions] = True
        # A previous value that this version refuses earned nothing comparable (as in computations).
        previous_half = _half_points(layout, result_codes(framework, previous, strict=False))
        # Only the indicators the previous assessment has can be compared (a new version may add some): a
        # column absent from ``previous`` is not compared; an empty cell is an unanswered value (0 points).
        compared = np.array([code in previous.columns for code in layout.codes])
        improved[positions] = (half[positions] > previous_half) & compared
        this_date = _as_datetime64(validated_on, index)
        if previous_validated_on is None:
            previous_date = np.full(n_rows, np.datetime64("NaT"), dtype="datetime64[D]")
        else:
            if not isinstance(previous_validated_on, pd.Series):
                previous_validated_on = pd.Series(previous_validated_on, index=previous.index)
            previous_date = _as_datetime64(previous_validated_on, index)
        previous_date[~has_previous] = np.datetime64("NaT")
        low = add_months_array(previous_date, SILVER_WINDOW_MONTHS[0])
        high = add_months_array(previous_date, SILVER_WINDOW_MONTHS[1])
        in_window = (low <= this_date) & (this_date <= high)  # NaT compares False
    improved_count = improved.sum(axis=1)

    gold = baseline_met & (half_total * 100 >= 2 * GOLD_PERCENT * max_points)
    silver = baseline_met & in_window & (improved_count >= SILVER_MIN_IMPROVED)
    level = np.select([~eligible, gold, silver], [0, 3, 2], default=1).astype(np.int8)

    columns: dict[str, object] = {}
    for n, code in enumerate(layout.codes):
        columns[f"result:{code}"] = pd.Categorical.from_codes(codes[:, n], dtype=RESULT_DTYPE)
    points = half / 2
    for n, code in enumerate(layout.codes):
        columns[f"points:{code}"] = points[:, n]
    for n, code in enumerate(layout.codes):
        columns[f"improved:{code}"] = improved[:, n]
    columns["points"] = half_total / 2
    columns["max_points"] = np.full(n_rows, max_points, dtype=np.int64)
    columns["score"] = 100 * half_total / (2 * max_points)
    columns["score_display"] = _round_half_up_tenths(half_total, 2 * max_points)
    for code, positions in layout.categories:
        category_weight = int(layout.weights[positions].sum())
        columns[f"category:{code}"] = _round_half_up_tenths(half[:, positions].sum(axis=1), 2 * category_weight)
    columns["baseline_met"] = baseline_met
    columns["eligible"] = eligible
    columns["has_previous"] = has_previous
    columns["in_silver_window"] = in_window
    columns["improved"] = improved_count
    columns["level"] = pd.Categorical.from_codes(level, dtype=LEVEL_DTYPE)
    return pd.DataFrame(columns, index=index)


# --- peer statistics -----------------------------------------------------------------------------


def _comparable_matrix(layout: _Layout, values: pd.DataFrame) -> np.ndarray:
    """Indicators × rows (each indicator's values contiguous): numbers as they are, ``level`` indicators
    as their points; NaN for unanswered or invalid values."""
    out = np.full((len(layout.codes), len(values)), np.nan)
    if layout.numeric:
        numbers, not_number = _numeric_matrix(values, [layout.codes[n] for n in layout.numeric])
        bad = not_number | _invalid_numbers(layout, numbers)
        if bad.any():
            numbers = np.where(bad, np.nan, numbers)
        out[list(layout.numeric)] = numbers.T
    for n, (options, results) in zip(layout.level, layout.options, strict=True):
        code = layout.codes[n]
        if code in values.columns:
            positions, _unknown = _level_column(values[code], options)
            points = results[positions] * (layout.weights[n] / 2)
            out[n] = np.where(positions >= 0, points, np.nan)
    return out


def comparable_values(framework: FrameworkSpec, values: pd.DataFrame) -> pd.DataFrame:
    """The values peers are compared on: numbers as they are; ``level`` indicators as their points
    (0, w/2, w). Unanswered or invalid values are NaN (left out of the statistics)."""
    layout = _layout(framework)
    return pd.DataFrame(_comparable_matrix(layout, values).T, index=values.index, columns=list(layout.codes))


@dataclass(frozen=True)
class PeerStatistics:
    """Distribution of every indicator among peers, and each assessment's percentile.

    ``distribution``: index (``peer_group``, ``group``, ``indicator``); columns ``count`` (peers with a
    value), ``q1``, ``median``, ``q3`` (quartiles of the raw values: q1 ≤ median ≤ q3 whatever the
    direction; linear interpolation for numbers, the lower value for level indicators, which are compared
    on their points 0, w/2, w). ``peer_group`` is ``all`` (group ``*``), ``kind``, ``region`` or ``sector``.

    ``percentiles``: one row per assessment; columns MultiIndex (``peer_group``, indicator). The
    percentile of an assessment among its group is 100 × (peers strictly worse + ½ × peers tied) ÷
    (peers), where *peers* are the other assessments of the group with a value: 100 is better than every
    peer, 0 worse than every peer, 50 the middle. "Worse" follows the indicator's direction (for V5, a
    higher number of months is worse). NaN when the assessment has no value or no peer.

    ``groups``: the peer-group keys of each assessment, as given.
    """

    distribution: pd.DataFrame
    percentiles: pd.DataFrame
    groups: pd.DataFrame

    def position(self, row) -> pd.DataFrame:
        """One assessment's place among each of its peer groups: index = indicator; columns MultiIndex
        (peer_group, ``percentile`` | ``count`` | ``q1`` | ``median`` | ``q3``)."""
        frames = {}
        for peer_group in self.percentiles.columns.get_level_values(0).unique():
            key = "*" if peer_group == "all" else self.groups.at[row, peer_group]
            percentile = self.percentiles.loc[row, peer_group]
            try:
                stats = self.distribution.loc[(peer_group, key)]
            except KeyError:
                stats = pd.DataFrame(index=percentile.index, columns=["count", "q1", "median", "q3"], dtype=float)
            frame = stats.reindex(percentile.index).copy()
            frame.insert(0, "percentile", percentile)
            frames[peer_group] = frame
        return pd.concat(frames, axis=1, names=["peer_group", "statistic"])


def _peer_keys(groups: pd.DataFrame, index: pd.Index) -> dict[str, tuple[np.ndarray, pd.Index]]:
    """Per peer group: (group id of each row, -1 when it has no key; the group labels, sorted)."""
    keys = {"all": (np.zeros(len(index), dtype=np.intp), pd.Index(["*"], dtype=object))}
    for name in PEER_GROUPS[1:]:
        if name not in groups.columns:
            continue
        ids, labels = pd.factorize(groups[name].reindex(index), sort=True)
        labels = pd.Index(labels, dtype=object)
        blank = labels.astype(str) == ""
        if blank.any():  # an empty key is no key
            keep = np.flatnonzero(~blank)
            remap = np.full(len(labels) + 1, -1, dtype=np.intp)
            remap[keep] = np.arange(len(keep))
            ids = remap[ids]  # -1 stays -1 (the appended slot)
            labels = labels[keep]
        if len(labels):
            keys[name] = (ids.astype(np.intp), labels)
    return keys


def _column_statistics(values: np.ndarray, entry_row: np.ndarray, entry_group: np.ndarray, n_groups: int, *, linear):
    """Percentile of every (peer group, row) entry, and per group: count, q1, median, q3.

    ``values`` are oriented (higher is better); an entry is one row in one group (a row belongs to one
    group of each peer group). One histogram per group over the column's distinct values, built by a
    single ``bincount``: the numbers of worse and tied peers, and the values at the quartile positions,
    come from its running sum — no sort per group, no Python loop over groups or rows.
    """
    n_rows = len(values)
    stats = np.full((n_groups, 4), np.nan)
    stats[:, 0] = 0
    valid = ~np.isnan(values)
    if n_rows and valid.all():
        distinct, rank = np.unique(values, return_inverse=True)
        entries = None
        group = entry_group
        cell = group * len(distinct) + rank[entry_row]
    elif valid.any():
        distinct, rank_of_valid = np.unique(values[valid], return_inverse=True)
        rank = np.zeros(n_rows, dtype=np.intp)
        rank[valid] = rank_of_valid
        entries = np.flatnonzero(valid[entry_row])
        group = entry_group[entries]
        cell = group * len(distinct) + rank[entry_row[entries]]
    else:
        return np.full(len(entry_row), np.nan), stats
    n_ranks = len(distinct)
    histogram = np.bincount(cell, minlength=n_groups * n_ranks)
    cumulative = np.cumsum(histogram.reshape(n_groups, n_ranks), axis=1)
    counts = cumulative[:, -1]
    tied = histogram[cell]
    worse = cumulative.ravel()[cell] - tied
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(counts > 1, 100 / (counts - 1), np.nan)  # no peer: no percentile
        found = (worse + 0.5 * (tied - 1)) * scale[group]
    if entries is None:
        percentile = found
    else:
        percentile = np.full(len(entry_row), np.nan)
        percentile[entries] = found

    stats[:, 0] = counts
    present = np.flatnonzero(counts)
    m = counts[present]
    # The k-th smallest value of group g: the first rank whose running count exceeds k. Shifting each
    # group's running counts above the previous group's makes one increasing array for searchsorted.
    shift = np.arange(n_groups, dtype=np.int64) * (n_rows + 1)
    flat = (cumulative + shift[:, None]).ravel()
    base = shift[present]
    first_cell = present * n_ranks

    def value_at(k: np.ndarray) -> np.ndarray:
        return distinct[np.searchsorted(flat, k + base, side="right") - first_cell]

    for column, q in ((1, 0.25), (2, 0.5), (3, 0.75)):
        h = (m - 1) * q
        low = np.floor(h).astype(np.int64)
        value_low = value_at(low)
        if linear:  # numpy's and pandas' default ("linear", type 7)
            value_high = value_at(np.ceil(h).astype(np.int64))
            stats[present, column] = value_low + (h - low) * (value_high - value_low)
        else:
            stats[present, column] = value_low
    return percentile, stats


def peer_statistics(values: pd.DataFrame, groups: pd.DataFrame, framework: FrameworkSpec) -> PeerStatistics:
    """Quartiles and percentiles of a population of validated assessments, per peer group.

    ``values``: one row per assessment, the validated answers (as for ``score_frame``). ``groups``: the
    same index, columns ``kind``, ``region`` and optionally ``sector`` (one value per assessment, e.g. the
    cluster's main sector); an empty or missing key leaves the assessment out of that peer group.
    """
    layout = _layout(framework)
    codes = list(layout.codes)
    comparable = _comparable_matrix(layout, values)  # indicators × rows
    k, n_rows = comparable.shape
    lower = np.array([framework.indicator(code).direction == "lower" for code in codes])
    level = np.zeros(k, dtype=bool)
    level[list(layout.level)] = True
    # Ranked "higher is better": the values of lower-is-better indicators are negated.
    comparable[lower] *= -1
    keys = _peer_keys(groups, values.index)

    # Every peer group's groups side by side: an entry is one row in one group of peer group j.
    entry_row, entry_group, entry_slot, index_tuples = [], [], [], []
    offset = 0
    for j, (peer_group, (ids, labels)) in enumerate(keys.items()):
        rows = np.flatnonzero(ids >= 0)
        entry_row.append(rows)
        entry_group.append(ids[rows] + offset)
        entry_slot.append(j * k * n_rows + rows)  # in the (peer group, indicator, row) array, indicator 0
        index_tuples.extend((peer_group, label, code) for label in labels for code in codes)
        offset += len(labels)
    entry_row, entry_group, entry_slot = (np.concatenate(a) for a in (entry_row, entry_group, entry_slot))
    n_groups = offset

    percentile = np.full((len(keys), k, n_rows), np.nan)
    flat_percentile = percentile.reshape(-1)  # a view
    stats = np.empty((n_groups, k, 4))
    for n in range(k):
        column_percentile, column_stats = _column_statistics(
            comparable[n], entry_row, entry_group, n_groups, linear=not level[n]
        )
        flat_percentile[entry_slot + n * n_rows] = column_percentile
        if lower[n]:  # back to the raw values: the q-quantile of -x is minus the (1 - q)-quantile of x
            column_stats[:, 1:] = -column_stats[:, :0:-1]
        stats[:, n, :] = column_stats

    distribution = pd.DataFrame(
        stats.reshape(n_groups * k, 4),
        index=pd.MultiIndex.from_tuples(index_tuples, names=["peer_group", "group", "indicator"]),
        columns=["count", "q1", "median", "q3"],
    )
    distribution["count"] = distribution["count"].astype(np.int64)
    percentiles = pd.DataFrame(
        percentile.reshape(len(keys) * k, n_rows).T,  # no copy: pandas keeps columns × rows blocks
        index=values.index,
        columns=pd.MultiIndex.from_product([list(keys), codes], names=["peer_group", "indicator"]),
        copy=False,
    )
    group_frame = pd.DataFrame(
        {
            name: np.append(labels.to_numpy(dtype=object), None)[ids]
            for name, (ids, labels) in keys.items()
            if name != "all"
        },
        index=values.index,
    )
    return PeerStatistics(distribution=distribution, percentiles=percentiles, groups=group_frame)


# --- criteria and labels across the population ------------------------------------------------------


@dataclass(frozen=True)
class CriteriaShares:
    """How many assessments meet each criterion, and label counts.

    ``by_indicator``: index (``peer_group``, ``group``, ``indicator``); columns ``n`` (assessments),
    ``full``, ``partial``, ``none`` (counts of each result) and ``full_share``, ``partial_share``,
    ``met_share`` (shares 0..1: the full criterion; the partial one only; at least the partial one).

    ``labels``: label counts by level (columns ``none``, ``bronze``, ``silver``, ``gold``, ``total``); one
    row ``*`` for the whole population. ``labels_by_region``: the same, one row per region; and
    ``labels_by_year`` when ``groups`` has a ``year`` column (empty otherwise).
    """

    by_indicator: pd.DataFrame
    labels: pd.DataFrame
    labels_by_region: pd.DataFrame
    labels_by_year: pd.DataFrame


def _label_counts(level_codes: np.ndarray, ids: np.ndarray, labels: pd.Index) -> pd.DataFrame:
    selected = ids >= 0
    counts = np.bincount(ids[selected] * len(LEVELS) + level_codes[selected], minlength=len(labels) * len(LEVELS))
    frame = pd.DataFrame(
        counts.reshape(len(labels), len(LEVELS)), index=pd.Index(labels, name="group"), columns=list(LEVELS)
    )
    frame["total"] = frame.sum(axis=1)
    return frame.astype(np.int64)


def criteria_shares(scored: pd.DataFrame, groups: pd.DataFrame, framework: FrameworkSpec) -> CriteriaShares:
    """Shares of assessments meeting each criterion, overall and by peer group, from ``score_frame``'s
    output; and label counts by level, by region (and by year when ``groups`` has a ``year`` column)."""
    layout = _layout(framework)
    codes = list(layout.codes)
    k = len(codes)
    results = np.column_stack([scored[f"result:{code}"].cat.codes.to_numpy() for code in codes])
    keys = _peer_keys(groups, scored.index)

    # One bincount per peer group over (group, indicator, result) cells: no loop over groups or rows.
    cell = np.arange(k, dtype=np.int64) * 3 + results  # rows × indicators
    blocks, sizes, index_tuples = [], [], []
    for peer_group, (ids, labels) in keys.items():
        selected = ids >= 0
        if selected.all():
            key = ids[:, None] * (3 * k) + cell
        else:
            key = ids[selected, None] * (3 * k) + cell[selected]
        blocks.append(np.bincount(key.ravel(), minlength=len(labels) * k * 3).reshape(len(labels) * k, 3))
        sizes.append(np.bincount(ids[selected], minlength=len(labels)))
        index_tuples.extend((peer_group, label, code) for label in labels for code in codes)
    counts = np.concatenate(blocks)
    full_counts, partial_counts = counts[:, 2], counts[:, 1]
    n = np.repeat(np.concatenate(sizes), k)
    by_indicator = pd.DataFrame(
        {"n": n, "full": full_counts, "partial": partial_counts, "none": n - full_counts - partial_counts},
        index=pd.MultiIndex.from_tuples(index_tuples, names=["peer_group", "group", "indicator"]),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        by_indicator["full_share"] = by_indicator["full"] / by_indicator["n"]
        by_indicator["partial_share"] = by_indicator["partial"] / by_indicator["n"]
        by_indicator["met_share"] = (by_indicator["full"] + by_indicator["partial"]) / by_indicator["n"]

    level_codes = scored["level"].cat.codes.to_numpy().astype(np.int64)
    empty = pd.DataFrame(columns=[*LEVELS, "total"], dtype=np.int64)
    by_year = empty
    if "year" in groups.columns:
        year_ids, years = pd.factorize(groups["year"].reindex(scored.index), sort=True)
        by_year = _label_counts(level_codes, year_ids, pd.Index(years))
    return CriteriaShares(
        by_indicator=by_indicator,
        labels=_label_counts(level_codes, *keys["all"]),
        labels_by_region=_label_counts(level_codes, *keys["region"]) if "region" in keys else empty,
        labels_by_year=by_year,
    )
