"""Metric names: the spellings accepted in files, the names shown, and the order they are shown in.

RewardBench (v1) metrics keep their leaderboard names; RewardBench 2 metrics carry an "RB2" prefix so that,
say, v1 Safety and v2 Safety are never mixed on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from components.scoring import PRIOR_SET_SUBSETS, PRIOR_SETS, RB2_CATEGORIES, SECTIONS, SUBSET_WEIGHTS

OVERALL = "Overall"
METRICS: tuple[str, ...] = (*SECTIONS, OVERALL)
RB2_SCORE = "RB2 Score"
RB2_METRICS: tuple[str, ...] = (*(f"RB2 {category}" for category in RB2_CATEGORIES), RB2_SCORE)
MAIN_METRICS: tuple[str, ...] = (*METRICS, PRIOR_SETS, *RB2_METRICS)

# Which section (or Prior Sets) each subset belongs to, in the reference order.
SUBSET_PARENT: dict[str, str] = {
    **{subset: section for section, weights in SUBSET_WEIGHTS.items() for subset in weights},
    **{subset: PRIOR_SETS for subset in PRIOR_SET_SUBSETS},
}
DETAIL_PARENTS: tuple[str, ...] = (*SECTIONS, PRIOR_SETS)


@lru_cache(maxsize=4096)  # every result file and table names the same few dozen keys again
def squash(name: str) -> str:
    """A name compared loosely: lower case, without spaces, underscores or hyphens."""
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


_ALIASES: dict[str, str] = {
    "chat": "Chat",
    "chathard": "Chat Hard",
    "safety": "Safety",
    "reasoning": "Reasoning",
    "overall": OVERALL,
    "score": OVERALL,
    "overallscore": OVERALL,
    "priorsets": PRIOR_SETS,
    **{squash(subset): subset for subset in SUBSET_PARENT},
    **{squash(metric): metric for metric in RB2_METRICS},
}
_RB2_CATEGORY_ALIASES: dict[str, str] = {squash(category): category for category in RB2_CATEGORIES}


def canonical_metric(name: str) -> str | None:
    """The metric a column or key names ("chat_hard" -> "Chat Hard", "RB2_focus" -> "RB2 Focus"), or None."""
    return _ALIASES.get(squash(name))


def rb2_category(name: str) -> str | None:
    """The RewardBench 2 category a result-file key names ("precise_if" -> "Precise IF"), or None."""
    return _RB2_CATEGORY_ALIASES.get(squash(name))


# Columns a run may carry besides scores, offered as the x axis instead of training steps.
AXIS_PREFIX = "x:"
_AXIS_COLUMNS = {
    "epoch": "Epoch",
    "epochs": "Epoch",
    "tokens": "Tokens seen",
    "tokensseen": "Tokens seen",
    "samples": "Samples seen",
    "samplesseen": "Samples seen",
    "examplesseen": "Samples seen",
}


def axis_column(name: str) -> str | None:
    """The x-axis column a column or key names ("tokens_seen" -> "x:Tokens seen"), or None."""
    label = _AXIS_COLUMNS.get(squash(name))
    return f"{AXIS_PREFIX}{label}" if label else None


# Bounds a user's file may carry for a metric's interval ("Chat Hard lo", "chat_hard_upper", "Overall stderr"),
# kept in the frame under "lo:", "hi:" and "se:" beside the metric's name (components/intervals.py reads them).
BOUND_KINDS = ("lo", "hi", "se")
BOUND_WORDS = {"lo": "lower bound", "hi": "upper bound", "se": "standard error"}
_BOUND_SUFFIXES = {
    **dict.fromkeys(("lo", "low", "lower", "cilo", "cilow", "cilower", "lowerbound"), "lo"),
    **dict.fromkeys(("hi", "high", "upper", "cihi", "cihigh", "ciupper", "upperbound"), "hi"),
    **dict.fromkeys(("stderr", "se", "sem", "standarderror"), "se"),
}
_BOUND_SUFFIX = re.compile("(" + "|".join(sorted(_BOUND_SUFFIXES, key=len, reverse=True)) + ")$")


def bound_metric(kind: str, metric: str) -> str:
    """The frame's name for a bound (kind "lo", "hi" or "se") of ``metric``."""
    return f"{kind}:{metric}"


def bound_column(name: str) -> str | None:
    """The bound a column or key names ("Chat Hard lo" -> "lo:Chat Hard", "overall_stderr" -> "se:Overall"), or
    None. Names are matched as loosely as metric names."""
    squashed = squash(name)
    for found in _BOUND_SUFFIX.finditer(squashed):
        metric = _ALIASES.get(squashed[: found.start()])
        if metric is not None:
            return bound_metric(_BOUND_SUFFIXES[found.group(1)], metric)
    return None


def bound_kind(name: str) -> str | None:
    """The bound a long table's column beside its values holds ("lo", "upper", "stderr" -> "lo", "hi", "se")."""
    return _BOUND_SUFFIXES.get(squash(name))


def bound_parts(metric: str) -> tuple[str, str] | None:
    """(kind, metric) of a bound's frame name, or None for any other name."""
    kind, colon, target = metric.partition(":")
    return (kind, target) if colon and kind in BOUND_KINDS else None


def is_score(metric: str) -> bool:
    """Whether a frame's metric is a score (not an x-axis column or a bound of a score)."""
    return not metric.startswith(AXIS_PREFIX) and bound_parts(metric) is None


def column_metric(name: str) -> str | None:
    """What a table's column or a record's key holds: a metric, an x-axis column or a bound of a metric."""
    return canonical_metric(name) or axis_column(name) or bound_column(name)


def axis_label(metric: str) -> str:
    return metric[len(AXIS_PREFIX) :] if metric.startswith(AXIS_PREFIX) else metric


def main_metrics(names: Iterable[str]) -> list[str]:
    """The headline metrics among ``names`` (no subsets), in display order."""
    wanted = set(() if names is None else names)
    return [metric for metric in MAIN_METRICS if metric in wanted]


def subsets_of(parent: str, names: Iterable[str]) -> list[str]:
    """The subsets of a section (or of Prior Sets) among ``names``, in reference order."""
    wanted = set(() if names is None else names)
    return [subset for subset, owner in SUBSET_PARENT.items() if owner == parent and subset in wanted]


_DISPLAY_ORDER = {name: index for index, name in enumerate((*MAIN_METRICS, *SUBSET_PARENT))}


def metric_sort_key(metric: str) -> int:
    return _DISPLAY_ORDER.get(metric, len(_DISPLAY_ORDER))
