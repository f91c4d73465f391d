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

from components.metrics import bound_parts, is_score
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
INTERVAL_COLUMNS = ("run", "step", "metric", "lo", "hi", "kind")

# Prompt counts of every score a summary carries by subset, as the metric names the frame uses.
_RB2 = {f"RB2 {category}": count for category, count in RB2_PROMPT_COUNTS.items()}
_OVERALL, _RB2_SCORE = "Overall", "RB2 Score"


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


def _draw(units: np.ndarray, replicates: int, seed_name: str) -> np.ndarray:
    """The sums of ``units``' columns over ``replicates`` resamples of its rows with replacement.

    Rows repeat (a 0/1 outcome has two values), so the resample counts of the distinct rows are drawn instead of
    the rows themselves: the same distribution, in a fraction of the time."""
    if np.isnan(units).any():  # an outcome the tool did not write leaves the score undefined, as the tool has it
        return np.full((replicates, units.shape[1]), np.nan)
    rng = np.random.default_rng([SEED, zlib.crc32(seed_name.encode())])
    distinct, counts = np.unique(units, axis=0, return_counts=True)
    draws = rng.multinomial(len(units), counts / counts.sum(), size=replicates)
    return draws @ distinct


def bootstrap(
    checkpoints: Sequence[Sequence[Outcomes]], convention: str = LEADERBOARD, replicates: int = REPLICATES
) -> list[pd.DataFrame] | None:
    """Bootstrap replicates of every score of each checkpoint (one frame each: a row per replicate, a column per
    metric, fractions), resampling the same prompts for all of them, so that differences are paired. None when
    the checkpoints were not evaluated on the same prompts (each subset the same prompts in the same order)."""
    per_checkpoint = [
        {name: found for outcome in outcomes for name, found in _subsets(outcome).items()} for outcomes in checkpoints
    ]
    names = sorted(set().union(*per_checkpoint)) if per_checkpoint else []
    columns: list[dict[str, np.ndarray]] = [{} for _ in checkpoints]
    for name in names:
        present = [index for index, subsets in enumerate(per_checkpoint) if name in subsets]
        if len(checkpoints) > 1 and len(present) < len(checkpoints):
            continue  # a subset one of them lacks cannot be compared; the scores built from it drop out
        prompts = [per_checkpoint[index][name][0] for index in present]
        if any(not _same_prompts(prompts[0], other) for other in prompts[1:]):
            return None
        subsets = [per_checkpoint[index][name][1] for index in present]
        width = subsets[0].units.shape[1]
        sums = _draw(np.hstack([subset.units for subset in subsets]), replicates, name)
        for position, (index, subset) in enumerate(zip(present, subsets, strict=True)):
            columns[index][name] = subset.score(sums[:, position * width : (position + 1) * width])
    return [add_derived_scores(pd.DataFrame(found, index=range(replicates)), convention) for found in columns]


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


def checkpoint_bounds(outcomes: Sequence[Outcomes], level: float, convention: str = LEADERBOARD) -> dict:
    """Every score of one checkpoint with its bootstrap interval in percent: {metric: (lo, hi)}."""
    (replicates,) = bootstrap([outcomes], convention)
    return {metric: (lo * 100, hi * 100) for metric, (lo, hi) in percentile_bounds(replicates, level).items()}


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
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        lo[subset], hi[subset] = (centre - half) * 100, (centre + half) * 100
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
        variance[_OVERALL] = sections / 16
        if convention == PAPER and PRIOR_SETS in variance:
            variance[_OVERALL] = variance[_OVERALL].where(
                values.get(PRIOR_SETS, pd.Series(np.nan, index=values.index)).isna(),
                (4 * sections + variance[PRIOR_SETS]) / 81,
            )
    categories = [f"RB2 {category}" for category in RB2_CATEGORIES]
    if all(category in variance for category in categories):
        variance[_RB2_SCORE] = sum(variance[category] for category in categories) / 36
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


# ---------------------------------------------------------------------------------------------------------------
# Every shown point


def interval_frame(
    frame: pd.DataFrame,
    runs: Iterable[str],
    level: float,
    *,
    outcomes: Mapping[tuple[str, int], tuple] | None = None,
    bounds_of: Callable[[tuple, float], dict] | None = None,
    summary_runs: Iterable[str] = (),
    convention: str = LEADERBOARD,
) -> pd.DataFrame:
    """The interval of every score of ``runs`` that has one (INTERVAL_COLUMNS, percent): from the bounds their
    files carry, else from per-prompt ``outcomes`` (by (run, step); ``bounds_of(outcomes, level)`` works them out,
    checkpoint_bounds by default, which a caller may cache), else, for ``summary_runs`` (read from RewardBench
    summaries), approximately from their subsets."""
    bounds_of = bounds_of or (lambda kept, at: checkpoint_bounds(kept, at, convention))
    shown = frame[frame["run"].isin(list(runs))]
    parts = [_file_intervals(shown, level)]
    taken = set(zip(parts[0]["run"], parts[0]["step"], parts[0]["metric"], strict=True))
    rows = []
    for (run, step), kept in (outcomes or {}).items():
        if run not in set(shown["run"].unique()):
            continue
        for metric, (lo, hi) in bounds_of(kept, level).items():
            if (run, step, metric) not in taken:
                rows.append((run, step, metric, lo, hi, BOOTSTRAP))
    parts.append(pd.DataFrame(rows, columns=list(INTERVAL_COLUMNS)))
    taken |= {(run, step, metric) for run, step, metric, *_ in rows}
    summaries = shown[shown["run"].isin(list(summary_runs)) & shown["metric"].astype(str).map(is_score)]
    if len(summaries):
        wide = summaries.pivot_table(index=["run", "step"], columns="metric", values="value", observed=True)
        wide.columns = [str(column) for column in wide.columns]
        lo, hi = approximate_bounds(wide, level, convention)
        long = pd.DataFrame({"lo": lo.stack(), "hi": hi.stack()}).dropna().reset_index()
        long.columns = ["run", "step", "metric", "lo", "hi"]
        keep = [key not in taken and (key[0], key[1]) not in (outcomes or {}) for key in
                zip(long["run"], long["step"], long["metric"], strict=True)]  # fmt: skip
        parts.append(long[keep].assign(kind=APPROXIMATE))
    combined = pd.concat([part for part in parts if len(part)], ignore_index=True) if any(map(len, parts)) else None
    if combined is None:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in INTERVAL_COLUMNS})
    return combined.astype({"run": str, "metric": str, "step": "int64", "lo": float, "hi": float, "kind": str})


def _file_intervals(frame: pd.DataFrame, level: float) -> pd.DataFrame:
    """Bounds the files carry: lo and hi as given, or value +- z * stderr."""
    metric = frame["metric"].astype(str)
    parts = metric.map(bound_parts)
    bounds = frame[parts.notna()]
    if bounds.empty:
        return pd.DataFrame(columns=list(INTERVAL_COLUMNS))
    bounds = bounds.assign(kind=parts[bounds.index].str[0], target=parts[bounds.index].str[1])
    wide = bounds.pivot_table(index=["run", "step", "target"], columns="kind", values="value", observed=True)
    values = frame.assign(metric=metric).set_index(["run", "step", "metric"])["value"]
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
