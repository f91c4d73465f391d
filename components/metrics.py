"""The RewardBench metrics the dashboard plots, in the chart's legend order."""

from __future__ import annotations

import re

SECTIONS: tuple[str, ...] = ("Chat", "Chat Hard", "Safety", "Reasoning")
OVERALL = "Overall"
METRICS: tuple[str, ...] = (*SECTIONS, OVERALL)

# Spellings seen in training logs, compared after lower-casing and dropping separators.
_ALIASES = {
    "chat": "Chat",
    "chathard": "Chat Hard",
    "safety": "Safety",
    "reasoning": "Reasoning",
    "overall": "Overall",
    "score": "Overall",
    "overallscore": "Overall",
}


def _squash(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


def canonical_metric(name: str) -> str | None:
    """The metric a column name stands for ("chat_hard" -> "Chat Hard"), or None if it is none."""
    return _ALIASES.get(_squash(name))


def in_metric_order(metrics) -> list[str]:
    """Known metrics from ``metrics`` in legend order, duplicates and unknown names dropped."""
    wanted = set(metrics or ())
    return [metric for metric in METRICS if metric in wanted]
