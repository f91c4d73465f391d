"""Sampling error of RewardBench scores: intervals, and tests of the difference between two checkpoints. Pure.

A RewardBench score is an accuracy over a few hundred prompts: had other prompts of the same kinds been drawn, it
would differ by about as much as most steps of a training curve do. Three sources, best first:

- per-prompt outcomes (components/outcomes.py): a bootstrap over prompts, within each subset, with every score
  recomputed from the resampled subsets as RewardBench computes it (components/scoring.py add_derived_scores:
  sections weighted by the official counts, Overall by the chosen convention, RB2 Score; RewardBench 2's Ties
  resampled by prompt number, its reference and tied prompts together). Seeded by subset name, so the same
  outcomes always give the same interval;
- RewardBench summaries (subset accuracies only): an approximation from each subset's real prompt count (Wilson's
  interval for a subset, a normal one for the weighted scores built from them), labelled approximate;
- a user's own file: the bounds it carries (``<metric> lo`` / ``hi`` columns, or ``<metric> stderr``).

Scores here are fractions or percent alike; intervals come out on the scale they went in.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from components.metrics import OVERALL, RB2_SCORE, bound_parts, is_score
from components.outcomes import TIES, Outcomes, ties_from_sums, ties_units
from components.scoring import (
    LEADERBOARD,
    PAPER,
    PRIOR_SET_SUBSETS,
    PRIOR_SETS,
    PROMPT_COUNTS,
    RB2_CATEGORIES,
    RB2_PROMPT_COUNTS,
    SECTIONS,
    SUBSET_WEIGHTS,
    add_derived_scores,
)

LEVELS = (90, 95, 99)  # percent
DEFAULT_LEVEL = 95
REPLICATES = 1000
SEED = 20240
BOOTSTRAP, APPROXIMATE, FROM_FILE = "bootstrap", "approximate", "file"
ALIKE = "alike"  # a subset every prompt of which got the same outcome: Wilson's interval, a resample has no spread
INTERVAL_COLUMNS = ("run", "step", "metric", "lo", "hi", "kind")

# Prompt counts of every score a summary carries by subset, as the metric names the frame uses.
_RB2 = {f"RB2 {category}": count for category, count in RB2_PROMPT_COUNTS.items()}


def z_value(level: float) -> float:
    """The two-sided normal quantile of a level in percent (95 -> 1.96)."""
    return NormalDist().inv_cdf(0.5 + level / 200)


# ---------------------------------------------------------------------------------------------------------------
# Bootstrap over prompts


@dataclass(frozen=True)
class _Subset:
    """A subset's resampling units (its prompts; for Ties, its prompt numbers), per unit the quantities whose sums
    a score is a ratio of, and that ratio."""

    units: np.ndarray  # (units, columns)
    score: Callable[[np.ndarray], np.ndarray]  # (replicates, columns) sums -> (replicates,) scores


def _plain_score(sums: np.ndarray) -> np.ndarray:
    return sums[:, 0] / sums[:, 1]


def _subsets(outcomes: Outcomes) -> dict[str, tuple[object, _Subset]]:
    """Each subset of one per-prompt file, keyed by metric name, with the prompts it was evaluated on (what a
    paired comparison needs to share)."""
    codes = outcomes.prompts.subset_codes
    values = outcomes.outcome.astype(np.float64)
    found = {}
    for code, subset in enumerate(outcomes.prompts.subsets):
        rows = np.flatnonzero(codes == code)
        if subset == TIES and outcomes.scores is not None:
            found[subset] = (outcomes.prompts, _Subset(ties_units(*outcomes.ties_rows(rows)), ties_from_sums))
        else:
            found[subset] = (outcomes.prompts, _Subset(np.column_stack([values[rows], np.ones(len(rows))]),
                                                       _plain_score))  # fmt: skip
    return found


MULTINOMIAL_MAX = 32  # distinct units up to which their resample counts are drawn instead of the units


def _draw(units: np.ndarray, replicates: int, seed_name: str) -> np.ndarray:
    """The sums of ``units``' columns over ``replicates`` resamples of its rows with replacement.

    Rows mostly repeat (a 0/1 outcome has two values), and then the resample counts of the distinct rows are drawn
    instead of the rows themselves: the same distribution, in a fraction of the time."""
    if np.isnan(units).any():  # an outcome the tool did not write leaves the score undefined, as the tool has it
        return np.full((replicates, units.shape[1]), np.nan)
    rng = np.random.default_rng([SEED, zlib.crc32(seed_name.encode())])
    count = len(units)
    varying = units[:, np.ptp(units, axis=0) > 0]
    if varying.shape[1] == 0:
        first, counts = np.array([0]), np.array([count])
    elif varying.shape[1] == 1:
        _, first, counts = np.unique(varying[:, 0], return_index=True, return_counts=True)
    else:
        _, first, counts = np.unique(varying, axis=0, return_index=True, return_counts=True)
    if len(first) <= MULTINOMIAL_MAX:
        return rng.multinomial(count, counts / count, size=replicates) @ units[first]
    picks = rng.integers(0, count, size=(replicates, count)) + np.arange(replicates)[:, None] * count
    return np.bincount(picks.ravel(), minlength=replicates * count).reshape(replicates, count) @ units


def _subset_replicates(
    checkpoints: Sequence[Sequence[Outcomes]], paired: bool, replicates: int
) -> list[dict[str, np.ndarray]] | None:
    """Each checkpoint's subset scores over ``replicates`` resamples of its prompts: with ``paired`` the same
    resamples for all of them (None when they were not evaluated on the same prompts), else each its own."""
    per_checkpoint = [
        {name: found for outcome in outcomes for name, found in _subsets(outcome).items()} for outcomes in checkpoints
    ]
    columns: list[dict[str, np.ndarray]] = [{} for _ in checkpoints]
    if not paired:
        for index, subsets in enumerate(per_checkpoint):
            for name, (_, subset) in sorted(subsets.items()):
                columns[index][name] = subset.score(_draw(subset.units, replicates, name))
        return columns
    for name in sorted(set().union(*per_checkpoint)) if per_checkpoint else []:
        if any(name not in subsets for subsets in per_checkpoint):
            continue  # a subset one of them lacks cannot be compared; the scores built from it drop out
        prompts = [subsets[name][0] for subsets in per_checkpoint]
        if any(not _same_prompts(prompts[0], other) for other in prompts[1:]):
            return None
        units = [subsets[name][1] for subsets in per_checkpoint]
        width = units[0].units.shape[1]
        sums = _draw(np.hstack([subset.units for subset in units]), replicates, name)
        for index, subset in enumerate(units):
            columns[index][name] = subset.score(sums[:, index * width : (index + 1) * width])
    return columns


def _scores(columns: list[dict[str, np.ndarray]], convention: str, replicates: int) -> list[pd.DataFrame]:
    """Every score of each checkpoint from its subsets' replicates, as RewardBench derives them; all checkpoints
    in one frame, so that pandas' cost per call is paid once."""
    if not columns:
        return []
    stacked = pd.concat([pd.DataFrame(found, index=range(replicates)) for found in columns], ignore_index=True)
    derived = add_derived_scores(stacked, convention)
    return [derived.iloc[i * replicates : (i + 1) * replicates].reset_index(drop=True) for i in range(len(columns))]


def bootstrap(
    checkpoints: Sequence[Sequence[Outcomes]], convention: str = LEADERBOARD, replicates: int = REPLICATES
) -> list[pd.DataFrame] | None:
    """Paired bootstrap replicates of every score of each checkpoint (one frame each: a row per replicate, a
    column per metric, fractions): the same prompts resampled for all of them, so that their differences are
    paired. None when the checkpoints were not evaluated on the same prompts (each subset the same prompts in the
    same order)."""
    columns = _subset_replicates(checkpoints, paired=True, replicates=replicates)
    return None if columns is None else _scores(columns, convention, replicates)


def _same_prompts(one, other) -> bool:
    return one is other or one.key() == other.key()


def percentile_bounds(replicates: pd.DataFrame, level: float) -> dict[str, tuple[float, float]]:
    """Each column's percentile interval at ``level`` percent."""
    if not len(replicates):
        return {}
    tail = (100 - level) / 2
    # A score undefined in any replicate (an outcome the tool did not write, a resample of Ties without one whole
    # pair of prompts) gets no interval: its percentiles come out NaN.
    bounds = np.percentile(replicates.to_numpy(dtype=float), [tail, 100 - tail], axis=0)
    return {str(metric): (float(bounds[0][i]), float(bounds[1][i])) for i, metric in enumerate(replicates.columns)
            if not np.isnan(bounds[0][i])}  # fmt: skip


def checkpoints_bounds(
    checkpoints: Sequence[Sequence[Outcomes]], level: float, convention: str = LEADERBOARD
) -> list[dict[str, tuple]]:
    """Every score of each checkpoint with its bootstrap interval in percent, {metric: (lo, hi)} each; a subset
    whose prompts all got the same outcome, where every resample is the same, gets Wilson's interval for its
    prompt count instead, (lo, hi, ALIKE). Each checkpoint is resampled on its own, so its interval does not move
    when other checkpoints come and go."""
    columns = _subset_replicates(checkpoints, paired=False, replicates=REPLICATES)
    found = []
    for outcomes, replicates in zip(checkpoints, _scores(columns, convention, REPLICATES), strict=True):
        bounds = {metric: (lo * 100, hi * 100) for metric, (lo, hi) in percentile_bounds(replicates, level).items()}
        for subset, (value, count) in _alike_subsets(outcomes).items():
            if subset in bounds:
                bounds[subset] = (*wilson(value, count, level), ALIKE)
        found.append(bounds)
    return found


def _alike_subsets(outcomes: Sequence[Outcomes]) -> dict[str, tuple[float, int]]:
    """The plain subsets whose prompts all got the same outcome (all right, or all wrong): {subset: (value, n)}."""
    return {
        subset: (float(values[0]), len(values))
        for outcome in outcomes
        for subset, values in outcome.plain_subsets()
        if len(values) and not np.isnan(values).any() and values[0] in (0, 1) and np.ptp(values) == 0
    }


def wilson(p, n: int, level: float):
    """Wilson's interval of a proportion ``p`` (a fraction, or an array of them) of ``n`` trials, in percent."""
    z = z_value(level)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half) * 100, (centre + half) * 100


def checkpoint_bounds(outcomes: Sequence[Outcomes], level: float, convention: str = LEADERBOARD) -> dict:
    """Every score of one checkpoint with its bootstrap interval in percent: {metric: (lo, hi)}."""
    return checkpoints_bounds([outcomes], level, convention)[0]


# ---------------------------------------------------------------------------------------------------------------
# From summaries: subset accuracies and real prompt counts


Bounds = tuple[pd.DataFrame, pd.DataFrame]


def approximate_bounds(values: pd.DataFrame, level: float, convention: str = LEADERBOARD) -> Bounds:
    """Approximate intervals of the scores in ``values`` (a row per checkpoint, a column per metric, percent) from
    its subset accuracies: Wilson's interval for a subset (or RewardBench 2 category) of n prompts; for a section,
    Prior Sets, Overall and RB2 Score the normal interval of their weighted mean, each subset's variance taken at
    (k + 2) / (n + 4) correct so that a subset at 100 % still counts. Returns (lo, hi) frames like ``values``; NaN
    where a score is not built from subsets alone."""
    z = z_value(level)
    lo = pd.DataFrame(np.nan, index=values.index, columns=values.columns)
    hi = lo.copy()
    variance: dict[str, pd.Series] = {}
    counts = {**PROMPT_COUNTS, **_RB2}
    for subset, n in counts.items():
        if subset not in values.columns:
            continue
        p = (values[subset] / 100).clip(0, 1)
        lo[subset], hi[subset] = wilson(p, n, level)
        adjusted = (p * n + 2) / (n + 4)
        variance[subset] = adjusted * (1 - adjusted) / n * 100**2
    parts = {**{section: weights for section, weights in SUBSET_WEIGHTS.items()},
             PRIOR_SETS: dict.fromkeys(PRIOR_SET_SUBSETS, 1)}  # fmt: skip
    for score, weights in parts.items():
        present = [subset for subset in weights if subset in variance]
        if score in values.columns and present:
            total = sum(weights[subset] for subset in present)
            variance[score] = sum(variance[subset] * (weights[subset] / total) ** 2 for subset in present)
    if all(section in variance for section in SECTIONS):
        sections = sum(variance[section] for section in SECTIONS)
        variance[OVERALL] = sections / 16
        if convention == PAPER and PRIOR_SETS in variance:
            variance[OVERALL] = variance[OVERALL].where(
                values.get(PRIOR_SETS, pd.Series(np.nan, index=values.index)).isna(),
                (4 * sections + variance[PRIOR_SETS]) / 81,
            )
    categories = [f"RB2 {category}" for category in RB2_CATEGORIES]
    if all(category in variance for category in categories):
        variance[RB2_SCORE] = sum(variance[category] for category in categories) / 36
    for score, var in variance.items():
        if score in counts or score not in values.columns:
            continue
        half = z * np.sqrt(var)
        lo[score], hi[score] = (values[score] - half).clip(lower=0), (values[score] + half).clip(upper=100)
    return lo, hi


# ---------------------------------------------------------------------------------------------------------------
# Tests of a difference


def difference_bounds(a: pd.DataFrame, b: pd.DataFrame, level: float) -> dict[str, tuple[float, float, float]]:
    """From paired replicates of two checkpoints (bootstrap): for every score both have, the interval of A - B
    at ``level`` and a two-sided bootstrap p-value for "no difference": {metric: (lo, hi, p)}, in the replicates'
    scale."""
    found = {}
    for metric in a.columns.intersection(b.columns):
        difference = (a[metric] - b[metric]).to_numpy(dtype=float)
        if np.isnan(difference).all():
            continue
        (lo, hi) = percentile_bounds(pd.DataFrame({metric: difference}), level)[metric]
        below, above = int((difference <= 0).sum()), int((difference >= 0).sum())
        found[str(metric)] = (lo, hi, min(1.0, 2 * (min(below, above) + 1) / (len(difference) + 1)))
    return found


def mcnemar(a: np.ndarray, b: np.ndarray) -> float:
    """McNemar's exact test of paired 0/1 outcomes: the two-sided binomial p-value of the prompts only one of the
    two got right (1 when none)."""
    only_a = int(((a == 1) & (b == 0)).sum())
    only_b = int(((a == 0) & (b == 1)).sum())
    flipped = only_a + only_b
    if flipped == 0:
        return 1.0
    tail = sum(math.comb(flipped, k) for k in range(min(only_a, only_b) + 1))
    return min(1.0, 2 * tail / 2**flipped)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of p-values for the family of tests they came from (in the order given)."""
    order = sorted(range(len(p_values)), key=lambda index: p_values[index])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def unpaired_p(value_a: float, bounds_a: tuple[float, float], value_b: float, bounds_b: tuple[float, float],
               level: float) -> float:  # fmt: skip
    """The two-sided p-value of A - B from two independent intervals at ``level``, each read as a normal one
    (standard error = half its width / z): the approximate test, for checkpoints that share no prompts."""
    z = z_value(level)
    se = math.hypot((bounds_a[1] - bounds_a[0]) / (2 * z), (bounds_b[1] - bounds_b[0]) / (2 * z))
    if se == 0:
        return 1.0 if value_a == value_b else 0.0
    return 2 * (1 - NormalDist().cdf(abs(value_a - value_b) / se))


def unpaired_change(change: float, first: tuple[float, float], last: tuple[float, float], level: float) -> tuple:
    """The interval of ``change`` (last - first) from the two checkpoints' own intervals read as independent
    normal ones: the approximate interval, where their prompts cannot be paired."""
    z = z_value(level)
    half = z * math.hypot((first[1] - first[0]) / (2 * z), (last[1] - last[0]) / (2 * z))
    return change - half, change + half


# ---------------------------------------------------------------------------------------------------------------
# Every shown point


def interval_frame(
    frame: pd.DataFrame,
    runs: Iterable[str],
    level: float,
    *,
    outcomes: Mapping[tuple[str, int], tuple] | None = None,
    bounds_of: Callable[[list[tuple], float], list[dict]] | None = None,
    summary_runs: Iterable[str] = (),
    convention: str = LEADERBOARD,
    metrics: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The interval of every score of ``runs`` (of ``metrics`` only, when given) that has one (INTERVAL_COLUMNS,
    percent): from the bounds their files carry, else from per-prompt ``outcomes`` (by (run, step);
    ``bounds_of(checkpoints' outcomes, level)`` works them out, checkpoints_bounds by default, which a caller may
    cache), else, for ``summary_runs`` (read from RewardBench summaries), approximately from their subsets."""
    wanted = None if metrics is None else set(metrics)
    bounds_of = bounds_of or (lambda kept, at: checkpoints_bounds(kept, at, convention))
    summary_runs = set(summary_runs)
    names = set(runs)
    shown = frame[frame["run"].isin(list(names))]
    # Most frames carry no bounds and no RewardBench summaries: their rows are not looked at one by one.
    bound_names = [name for name in _metric_names(frame)
                   if bound_parts(name) is not None and (wanted is None or bound_parts(name)[1] in wanted)]  # fmt: skip
    carried = shown[shown["metric"].isin(bound_names)] if bound_names else shown.iloc[:0]
    parts = [_file_intervals(carried, shown, level)]
    taken = set(zip(parts[0]["run"], parts[0]["step"], parts[0]["metric"], strict=True))
    evaluated = [(key, kept) for key, kept in (outcomes or {}).items() if key[0] in names]
    rows = []
    for ((run, step), _), bounds in zip(evaluated, bounds_of([kept for _, kept in evaluated], level), strict=True):
        for metric, (lo, hi, *kind) in bounds.items():
            if (run, step, metric) not in taken and (wanted is None or metric in wanted):
                rows.append((run, step, metric, lo, hi, kind[0] if kind else BOOTSTRAP))
    parts.append(pd.DataFrame(rows, columns=list(INTERVAL_COLUMNS)))
    taken |= {(run, step, metric) for run, step, metric, *_ in rows}
    summarised = names & summary_runs
    scores = [name for name in _metric_names(frame) if is_score(name)]
    summaries = shown[shown["run"].isin(list(summarised)) & shown["metric"].isin(scores)] if summarised else None
    if summaries is not None and len(summaries):
        wide = summaries.pivot_table(index=["run", "step"], columns="metric", values="value", observed=True)
        wide.columns = [str(column) for column in wide.columns]
        lo, hi = approximate_bounds(wide, level, convention)
        if wanted is not None:
            lo, hi = lo[[m for m in lo.columns if m in wanted]], hi[[m for m in hi.columns if m in wanted]]
        long = pd.DataFrame({"lo": lo.stack(), "hi": hi.stack()}).dropna().reset_index()
        long.columns = ["run", "step", "metric", "lo", "hi"]
        keep = [key not in taken and (key[0], key[1]) not in (outcomes or {}) for key in
                zip(long["run"], long["step"], long["metric"], strict=True)]  # fmt: skip
        parts.append(long[keep].assign(kind=APPROXIMATE))
    combined = pd.concat([part for part in parts if len(part)], ignore_index=True) if any(map(len, parts)) else None
    if combined is None:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in INTERVAL_COLUMNS})
    return combined.astype({"run": str, "metric": str, "step": "int64", "lo": float, "hi": float, "kind": str})


def _metric_names(frame: pd.DataFrame) -> list[str]:
    column = frame["metric"]
    names = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column.unique()
    return [str(name) for name in names]


def _file_intervals(bounds: pd.DataFrame, frame: pd.DataFrame, level: float) -> pd.DataFrame:
    """The bounds the files carry (``bounds``, rows of ``frame``): lo and hi as given, or value +- z * stderr."""
    if bounds.empty:
        return pd.DataFrame(columns=list(INTERVAL_COLUMNS))
    parts = bounds["metric"].astype(str).map(bound_parts)
    bounds = bounds.assign(kind=parts.str[0], target=parts.str[1])
    wide = bounds.pivot_table(index=["run", "step", "target"], columns="kind", values="value", observed=True)
    targets = set(bounds["target"])
    scored = frame[frame["metric"].isin(list(targets))]
    values = scored.assign(metric=scored["metric"].astype(str)).set_index(["run", "step", "metric"])["value"]
    values = values[~values.index.duplicated()]
    value = values.reindex(wide.index).to_numpy(dtype=float)
    lo = wide["lo"].to_numpy(dtype=float) if "lo" in wide else np.full(len(wide), np.nan)
    hi = wide["hi"].to_numpy(dtype=float) if "hi" in wide else np.full(len(wide), np.nan)
    if "se" in wide:
        half = z_value(level) * wide["se"].to_numpy(dtype=float)
        given = ~np.isnan(lo) & ~np.isnan(hi)
        lo = np.where(given, lo, value - half)
        hi = np.where(given, hi, value + half)
    found = pd.DataFrame({"run": wide.index.get_level_values(0).astype(str),
                          "step": wide.index.get_level_values(1), "metric": wide.index.get_level_values(2),
                          "lo": lo, "hi": hi, "kind": FROM_FILE})  # fmt: skip
    return found[~np.isnan(value) & ~found["lo"].isna() & ~found["hi"].isna()].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------
# In words

APPROXIMATE_MARK = "≈"


def interval_label(lo: float, hi: float, kind: str | None, signed: bool = False) -> str:
    """An interval as the hover and the tables show it: "67.0–75.3", "≈67.0–75.3" when approximate; with
    ``signed`` (a change) "+1.2–+9.8"."""
    number = "{:+.1f}" if signed else "{:.1f}"
    shown = f"{APPROXIMATE_MARK if kind == APPROXIMATE else ''}{number.format(lo)}–{number.format(hi)}"
    return f"{shown}, all prompts alike" if kind == ALIKE else shown


_SOURCES = {
    BOOTSTRAP: "bootstrap over prompts",
    APPROXIMATE: "approximate, from subset accuracies and prompt counts",
    FROM_FILE: "as the run's file gives them",
    ALIKE: "Wilson's interval for a subset whose prompts all got the same outcome",
}
NO_BOUNDS_HINT = "columns such as “Chat Hard lo” and “Chat Hard hi”, or “Chat Hard stderr”"


def describe(intervals: pd.DataFrame, runs: Sequence[str], level: int, summary_runs: Iterable[str] = ()) -> str:
    """Where the shown runs' intervals come from, and why a run has none: the line beside the bands' switch."""
    if not runs:
        return ""
    found = intervals.groupby("run")["kind"].agg(lambda kinds: sorted(set(kinds))) if len(intervals) else {}
    by_source: dict[str, list[str]] = {}
    for run in runs:
        for kind in found.get(run, ()):
            by_source.setdefault(kind, []).append(run)
    missing = [run for run in runs if run not in found]
    parts = []
    if by_source:
        sources = [
            _SOURCES[kind] + ("" if len(runs) == 1 else f" ({_names(by_source[kind])})")
            for kind in (BOOTSTRAP, ALIKE, APPROXIMATE, FROM_FILE)
            if kind in by_source
        ]
        parts.append(f"{level} % intervals: {'; '.join(sources)}.")
    if missing:
        summaries = set(summary_runs)
        reason = (
            "its results carry no subset scores"
            if all(run in summaries for run in missing)
            else f"no per-prompt outcomes and no bounds in its file ({NO_BOUNDS_HINT})"
        )
        subject = "" if len(runs) == 1 and not by_source else f" for {_names(missing)}"
        parts.append(f"No intervals{subject}: {reason}.")
    return " ".join(parts)


def _names(runs: Sequence[str], shown: int = 3) -> str:
    named = ", ".join(runs[:shown])
    return named if len(runs) <= shown else f"{named} and {len(runs) - shown:,} more"
