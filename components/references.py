"""Reference lines: a published model's RewardBench result (any file the loader reads) drawn across every panel,
with its interval, and the chance levels. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from components.intervals import APPROXIMATE
from components.metrics import is_score

CHANCE_V1, CHANCE_V2 = 50.0, 25.0  # RewardBench: one of two answers; RewardBench 2: one of four
RB2_PREFIX = "RB2 "


@dataclass(frozen=True)
class Reference:
    """One reference score: ``name`` (the reference's run), its value and interval in percent (None without)."""

    name: str
    metric: str
    value: float
    lo: float | None = None
    hi: float | None = None
    approximate: bool = False


def references_from(frame: pd.DataFrame, intervals: pd.DataFrame | None = None) -> list[Reference]:
    """Each reference run's scores at its last evaluated step, with their intervals where they have one."""
    scores = frame[frame["metric"].astype(str).map(is_score)].dropna(subset=["value"])
    if scores.empty:
        return []
    last = scores.sort_values("step").groupby(["run", "metric"], observed=True, sort=False).tail(1)
    bounds = {}
    if intervals is not None and len(intervals):
        keys = zip(intervals["run"], intervals["step"].tolist(), intervals["metric"], strict=True)
        bounds = dict(zip(keys, zip(intervals["lo"], intervals["hi"], intervals["kind"], strict=True), strict=True))
    found = []
    for run, step, metric, value in zip(last["run"], last["step"].tolist(), last["metric"], last["value"],
                                        strict=True):  # fmt: skip
        lo, hi, kind = bounds.get((str(run), step, str(metric)), (None, None, None))
        found.append(Reference(str(run), str(metric), float(value), lo, hi, kind == APPROXIMATE))
    return sorted(found, key=lambda reference: (reference.name, reference.metric))


def chance_level(metric: str) -> float:
    return CHANCE_V2 if metric.startswith(RB2_PREFIX) else CHANCE_V1


def shown_values(references: Sequence[Reference], metrics, chance: bool) -> list[float]:
    """The values reference lines of ``metrics`` put on the y axis (their intervals' ends included), which the
    axis fits as it fits the data."""
    wanted = set(metrics)
    values = []
    for reference in references:
        if reference.metric in wanted:
            values += [reference.value, *(bound for bound in (reference.lo, reference.hi) if bound is not None)]
    if chance:
        values += [chance_level(metric) for metric in wanted]
    return values
