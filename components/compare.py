"""Two checkpoints compared, A and B: per score, both values, B - A with its interval and a p-value adjusted for
the number of scores tested (Holm), and the prompts whose outcome flipped between them. Pure.

With per-prompt outcomes for both, the comparison is paired on the prompts they share (by id; by position for a
file without ids, as run_dpo.py writes them): McNemar's exact test for a subset of 0/1 outcomes, the paired
bootstrap (components/intervals.py) for composites (RewardBench 2's Ties, the weighted sections, Overall) and for
subsets with half credit. Otherwise it is the approximate unpaired test from each checkpoint's own interval.
The p-values are adjusted within two families: the subsets, and the scores built from them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.intervals import (
    APPROXIMATE,
    bootstrap,
    difference_bounds,
    holm,
    interval_label,
    mcnemar,
    unpaired_change,
    unpaired_p,
)
from components.metrics import SUBSET_PARENT, is_score, metric_sort_key
from components.outcomes import Outcomes, PromptSet
from components.scoring import LEADERBOARD, RB2_CATEGORIES, add_derived_scores

MCNEMAR, BOOTSTRAP_TEST, UNPAIRED = "McNemar", "paired bootstrap", "approximate, unpaired"
SUBSET, SCORE = "subset", "score"  # the two families the p-values are adjusted within
FLIPPED_COLUMNS = ("id", "subset", "outcome_a", "outcome_b", "margin_a", "margin_b")
_LEAVES = {*SUBSET_PARENT, *(f"RB2 {category}" for category in RB2_CATEGORIES)}


@dataclass(frozen=True)
class Aligned:
    """Two checkpoints' outcomes on the prompts both were evaluated on: ``a[i]`` and ``b[i]`` share one PromptSet."""

    a: tuple[Outcomes, ...]
    b: tuple[Outcomes, ...]
    common: int  # prompts compared
    only_a: int  # prompts of A left out (B has no prompt of that id, or not that subset)
    only_b: int
    one_sided: tuple[str, ...]  # subsets only one of them has
    unmatched: tuple[str, ...]  # subsets without prompt ids whose prompt counts differ


@dataclass(frozen=True)
class Row:
    metric: str
    family: str  # SUBSET or SCORE
    a: float  # percent
    b: float
    difference: float  # B - A, points
    lo: float | None  # its interval, points
    hi: float | None
    p: float | None
    adjusted: float | None  # Holm within the family
    test: str | None
    note: str = ""

    def significant(self, level: float) -> bool:
        return self.adjusted is not None and self.adjusted < 1 - level / 100


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Row, ...]
    aligned: Aligned | None  # None for the unpaired comparison
    flipped: pd.DataFrame  # FLIPPED_COLUMNS: outcomes 1/0 (or the credit), margins as the rewards are
    unpaired_because: str = ""  # why an unpaired comparison could not be paired

    @property
    def paired(self) -> bool:
        return self.aligned is not None


def _ids(prompts: PromptSet, rows: np.ndarray) -> list[str] | None:
    return None if prompts.ids is None else [str(value) for value in prompts.ids[rows].tolist()]


def _subset_rows(outcomes: Sequence[Outcomes]) -> dict[str, tuple[int, np.ndarray]]:
    """Each subset: the index of the file that holds it and its rows there."""
    found = {}
    for index, outcome in enumerate(outcomes):
        codes = outcome.prompts.subset_codes
        for code, subset in enumerate(outcome.prompts.subsets):
            found.setdefault(subset, (index, np.flatnonzero(codes == code)))
    return found


def align(a: Sequence[Outcomes], b: Sequence[Outcomes]) -> Aligned:
    """A's and B's outcomes on the prompts they share, subset by subset."""
    rows_a, rows_b = _subset_rows(a), _subset_rows(b)
    pairs: dict[tuple[int, int], list[tuple[str, np.ndarray, np.ndarray, list[str] | None]]] = {}
    unmatched = []
    for subset in sorted(set(rows_a) & set(rows_b), key=metric_sort_key):
        (file_a, picked_a), (file_b, picked_b) = rows_a[subset], rows_b[subset]
        ids_a, ids_b = _ids(a[file_a].prompts, picked_a), _ids(b[file_b].prompts, picked_b)
        if ids_a is None or ids_b is None:
            if len(picked_a) != len(picked_b):
                unmatched.append(subset)
                continue
            kept_a, kept_b, names = picked_a, picked_b, ids_a or ids_b
        else:
            position = {}
            for row, prompt_id in zip(picked_b, ids_b, strict=True):
                position.setdefault(prompt_id, row)
            shared = [(row, position[prompt_id], prompt_id) for row, prompt_id in zip(picked_a, ids_a, strict=True)
                      if prompt_id in position]  # fmt: skip
            kept_a = np.array([row for row, _, _ in shared], dtype=np.int64)
            kept_b = np.array([row for _, row, _ in shared], dtype=np.int64)
            names = [prompt_id for _, _, prompt_id in shared]
        if len(kept_a):
            pairs.setdefault((file_a, file_b), []).append((subset, kept_a, kept_b, names))
    aligned_a, aligned_b = [], []
    for (file_a, file_b), subsets in pairs.items():
        codes = np.concatenate([np.full(len(kept), code, dtype=np.int16)
                                for code, (_, kept, _, _) in enumerate(subsets)])  # fmt: skip
        with_ids = all(names is not None for *_, names in subsets)
        ids = np.array([name for *_, names in subsets for name in names], dtype=object) if with_ids else None
        prompts = PromptSet(tuple(subset for subset, *_ in subsets), codes, ids)
        aligned_a.append(a[file_a].take(np.concatenate([kept for _, kept, _, _ in subsets]), prompts))
        aligned_b.append(b[file_b].take(np.concatenate([kept for _, _, kept, _ in subsets]), prompts))
    common = sum(len(outcome.prompts) for outcome in aligned_a)
    only_a = sum(len(outcome.prompts) for outcome in a) - common
    only_b = sum(len(outcome.prompts) for outcome in b) - common
    one_sided = tuple(sorted(set(rows_a) ^ set(rows_b), key=metric_sort_key))
    return Aligned(tuple(aligned_a), tuple(aligned_b), common, only_a, only_b, one_sided, tuple(unmatched))


def _point_scores(outcomes: Sequence[Outcomes], convention: str) -> dict[str, float]:
    """Every score of one checkpoint's outcomes, as fractions."""
    subsets = {name: score for outcome in outcomes for name, score in outcome.subset_scores().items()}
    derived = add_derived_scores(pd.DataFrame([subsets]), convention)
    return {str(metric): float(value) for metric, value in derived.iloc[0].items() if not pd.isna(value)}


def _subset_tests(aligned: Aligned) -> tuple[dict[str, tuple[float, str]], dict[str, str]]:
    """McNemar's p-value of each plain subset whose outcomes are all 0 or 1 at both checkpoints, and the subsets
    every prompt of which got the same outcome at both (nothing to test there: what to say instead)."""
    exact, alike = {}, {}
    for a, b in zip(aligned.a, aligned.b, strict=True):
        for (subset, first), (_, second) in zip(a.plain_subsets(), b.plain_subsets(), strict=True):
            if np.isin(first, (0, 1)).all() and np.isin(second, (0, 1)).all():
                exact[subset] = (mcnemar(first, second), MCNEMAR)
            values = np.concatenate([first, second])
            if len(values) and np.ptp(values) == 0:
                alike[subset] = {1: "every prompt right at both", 0: "every prompt wrong at both"}.get(
                    values[0], "the same outcome on every prompt"
                )
    return exact, alike


def compare_outcomes(a: Sequence[Outcomes], b: Sequence[Outcomes], level: float,
                     convention: str = LEADERBOARD) -> Comparison | None:  # fmt: skip
    """A and B compared on the prompts they share; None when they share none."""
    aligned = align(a, b)
    if not aligned.common:
        return None
    replicates = bootstrap([aligned.a, aligned.b], convention)
    values_a, values_b = _point_scores(aligned.a, convention), _point_scores(aligned.b, convention)
    differences = difference_bounds(replicates[1], replicates[0], level) if replicates is not None else {}
    exact, alike = _subset_tests(aligned)
    bounds, tests = {}, {}
    for metric, (lo, hi, p) in differences.items():
        bounds[metric] = (lo * 100, hi * 100)
        tests[metric] = exact.get(metric, (p, BOOTSTRAP_TEST))
    rows = _rows(
        {metric: value * 100 for metric, value in values_a.items()},
        {metric: value * 100 for metric, value in values_b.items()},
        bounds, tests, alike,
    )  # fmt: skip
    return Comparison(rows, aligned, flipped_prompts(aligned))


def compare_summaries(frame: pd.DataFrame, intervals: pd.DataFrame, a: tuple[str, int], b: tuple[str, int],
                      level: float, unpaired_because: str) -> Comparison:  # fmt: skip
    """Checkpoints ``a`` and ``b`` ((run, step)) compared from their scores in ``frame`` and their own intervals
    (components/intervals.py interval_frame), read as independent: the approximate test for checkpoints without
    per-prompt outcomes on the same prompts."""
    values = {checkpoint: {} for checkpoint in (a, b)}
    rows = frame[frame["run"].isin([a[0], b[0]]) & frame["step"].isin([a[1], b[1]])]
    for run, step, metric, value in zip(rows["run"], rows["step"], rows["metric"], rows["value"], strict=True):
        if (run, step) in values and is_score(str(metric)) and not pd.isna(value):
            values[(run, step)][str(metric)] = float(value)
    own = {checkpoint: {} for checkpoint in (a, b)}
    for run, step, metric, lo, hi in zip(intervals["run"], intervals["step"], intervals["metric"], intervals["lo"],
                                         intervals["hi"], strict=True):  # fmt: skip
        if (run, step) in own:
            own[(run, step)][metric] = (lo, hi)
    bounds, tests = {}, {}
    for metric in set(values[a]) & set(values[b]) & set(own[a]) & set(own[b]):
        value_a, value_b = values[a][metric], values[b][metric]
        bounds[metric] = unpaired_change(value_b - value_a, own[a][metric], own[b][metric], level)
        tests[metric] = (unpaired_p(value_a, own[a][metric], value_b, own[b][metric], level), UNPAIRED)
    rows = _rows(values[a], values[b], bounds, tests, {})
    return Comparison(rows, None, pd.DataFrame(columns=list(FLIPPED_COLUMNS)), unpaired_because)


def _rows(values_a, values_b, bounds, tests, notes) -> tuple[Row, ...]:
    """One row per score both have (the scores built from subsets first, then the subsets), p-values adjusted
    with Holm within each family."""
    metrics = sorted(set(values_a) & set(values_b), key=lambda metric: (metric in _LEAVES, metric_sort_key(metric)))
    adjusted: dict[str, float] = {}
    for family in (SUBSET, SCORE):
        tested = [metric for metric in metrics if (metric in _LEAVES) == (family == SUBSET) and metric in tests]
        adjusted.update(zip(tested, holm([tests[metric][0] for metric in tested]), strict=True))
    rows = []
    for metric in metrics:
        lo, hi = bounds.get(metric, (None, None))
        p, test = tests.get(metric, (None, None))
        rows.append(Row(metric, SUBSET if metric in _LEAVES else SCORE, values_a[metric], values_b[metric],
                        values_b[metric] - values_a[metric], lo, hi, p, adjusted.get(metric), test,
                        notes.get(metric, "")))  # fmt: skip
    return tuple(rows)


def flipped_prompts(aligned: Aligned) -> pd.DataFrame:
    """The prompts whose outcome differs between A and B, with each one's reward margin at both."""
    parts = []
    for a, b in zip(aligned.a, aligned.b, strict=True):
        first, second = a.outcome.astype(np.float64), b.outcome.astype(np.float64)
        rows = np.flatnonzero((first != second) & ~np.isnan(first) & ~np.isnan(second))
        if not len(rows):
            continue
        subsets = np.asarray(a.prompts.subsets, dtype=object)[a.prompts.subset_codes[rows]]
        if a.prompts.ids is not None:
            ids = [str(value) for value in a.prompts.ids[rows].tolist()]
        else:  # no ids in the file: the prompt's place in its subset, counted from 1
            places = np.zeros(len(a.prompts), dtype=np.int64)
            for code in range(len(a.prompts.subsets)):
                where = a.prompts.subset_codes == code
                places[where] = np.arange(1, where.sum() + 1)
            ids = [f"#{place}" for place in places[rows].tolist()]
        parts.append(pd.DataFrame({"id": ids, "subset": subsets, "outcome_a": first[rows], "outcome_b": second[rows],
                                   "margin_a": a.margins(rows), "margin_b": b.margins(rows)}))  # fmt: skip
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object if column in ("id", "subset") else float)
                             for column in FLIPPED_COLUMNS})  # fmt: skip
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------------------------------
# Naming a checkpoint, and what the page shows of a comparison

CHECKPOINT_SEPARATOR = "@"
FLIPPED_SHOWN = 1000  # flipped prompts sent to the page, largest change of margin first; the CSV has every one


def checkpoint_value(run: str, step: int) -> str:
    """A checkpoint as the view and the URL name it: "run@step"."""
    return f"{run}{CHECKPOINT_SEPARATOR}{int(step)}"


def parse_checkpoint(value: object) -> tuple[str, int] | None:
    """(run, step) of a checkpoint_value, or None for anything else (a run may hold the separator: the step is
    after the last one)."""
    if not isinstance(value, str):
        return None
    run, separator, step = value.rpartition(CHECKPOINT_SEPARATOR)
    if not separator or not run or not step.lstrip("-").isdigit():
        return None
    return run, int(step)


COMPARE_COLUMNS = [
    {"name": "Score", "id": "metric"},
    {"name": "Of", "id": "of"},
    {"name": "A (%)", "id": "a", "decimals": 1},
    {"name": "B (%)", "id": "b", "decimals": 1},
    {"name": "B − A (points)", "id": "difference", "decimals": 1, "interval": "interval"},
    {"name": "p", "id": "p", "label": "p_text"},
    {"name": "p adjusted (Holm)", "id": "adjusted", "label": "adjusted_text"},
    {"name": "Test", "id": "test"},
    {"name": "Significant", "id": "significant"},
]
FLIPPED_SHOWN_COLUMNS = [
    {"name": "Prompt id", "id": "id"},
    {"name": "Subset", "id": "subset"},
    {"name": "A", "id": "outcome_a", "label": "outcome_a_text"},
    {"name": "B", "id": "outcome_b", "label": "outcome_b_text"},
    {"name": "A: chosen − rejected", "id": "margin_a", "decimals": 3},
    {"name": "B: chosen − rejected", "id": "margin_b", "decimals": 3},
]


def p_text(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def outcome_text(outcome: float) -> str:
    if outcome == 1:
        return "right"
    if outcome == 0:
        return "wrong"
    return f"{outcome:.2f}" if outcome != 0.5 else "tie (0.5)"


def table_rows(comparison: Comparison, level: float) -> list[dict]:
    """The comparison's rows as the page's table shows them; significant ones carry the class that highlights
    them."""
    rows = []
    for row in comparison.rows:
        significant = row.significant(level)
        interval = ""
        if row.lo is not None and not row.note:  # a subset alike at both has a zero-width interval: the note says so
            interval = interval_label(row.lo, row.hi, None if comparison.paired else APPROXIMATE, signed=True)
        rows.append({
            "metric": row.metric,
            "of": SUBSET_PARENT.get(row.metric, "RewardBench 2" if row.metric in _LEAVES else ""),
            "a": row.a, "b": row.b, "difference": row.difference, "interval": interval,
            "p": row.p, "p_text": row.note or p_text(row.p), "adjusted": row.adjusted,
            "adjusted_text": p_text(row.adjusted), "test": row.test or "", "significant": "yes" if significant else "",
            "_class": "significant" if significant else "",
        })  # fmt: skip
    return rows


def flipped_rows(flipped: pd.DataFrame, most: int = FLIPPED_SHOWN) -> list[dict]:
    """The flipped prompts the page lists: the ``most`` whose margin moved most."""
    change = (flipped["margin_b"] - flipped["margin_a"]).abs().fillna(-1)
    shown = flipped.loc[change.sort_values(ascending=False, kind="stable").index[:most]]
    records = shown.astype(object).where(shown.notna(), None).to_dict("records")
    for record in records:
        record["outcome_a_text"] = outcome_text(record["outcome_a"])
        record["outcome_b_text"] = outcome_text(record["outcome_b"])
    return records


def flipped_csv(flipped: pd.DataFrame, label_a: str, label_b: str) -> pd.DataFrame:
    """The flipped prompts as the CSV download has them, the checkpoints named in the column headers."""
    return flipped.rename(columns={
        "outcome_a": f"outcome at A ({label_a})", "outcome_b": f"outcome at B ({label_b})",
        "margin_a": f"chosen - rejected at A ({label_a})", "margin_b": f"chosen - rejected at B ({label_b})",
    })  # fmt: skip


def describe_alignment(aligned: Aligned) -> list[str]:
    """What a paired comparison was made on, in words: the prompts in common and what was left out."""
    notes = [f"Paired on the {aligned.common:,} prompts both were evaluated on."]
    if aligned.only_a or aligned.only_b:
        notes.append(
            f"They were not evaluated on the same prompts: {aligned.only_a:,} of A's and {aligned.only_b:,} of "
            "B's are left out, and every score is recomputed on the common ones."
        )
    if aligned.one_sided:
        notes.append(f"Not compared, only one of them has: {', '.join(aligned.one_sided)}.")
    if aligned.unmatched:
        notes.append(
            f"Not compared, their files have no prompt ids and different prompt counts: {', '.join(aligned.unmatched)}."
        )
    return notes
