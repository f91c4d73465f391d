"""What RewardBench's two result formats (summaries and per-prompt files) share: which benchmark a set of subset
names belongs to, the metric each name is shown as, and the range a score may take.

Every score a RewardBench tool writes is a fraction (rewardbench/utils.py save_to_hub writes what the scripts
compute: num_correct / num_total, or Ties' composite), so a result file's scale is never decided from its values.
"""

from __future__ import annotations

from components.formats.base import EVAL_SET, PREF_SETS, V1, V2, DataError, listed
from components.metrics import SUBSET_PARENT, rb2_category, squash
from components.scoring import PRIOR_SET_SUBSETS

_V1_SUBSETS = {squash(subset): subset for subset in SUBSET_PARENT}
_PRIOR = set(PRIOR_SET_SUBSETS)
# Ties' composite (components/outcomes.py ties_score) ranges over [-0.01, 1.01]; every other score over [0, 1].
_TIES_RANGE = (-0.01, 1.01)


def metric_names(names, where: str, word: str) -> tuple[str, dict[str, str], list[str]]:
    """(suite, {name in the file: metric shown}, names that are neither suite's) for a file's subset names."""
    v1 = {name: _V1_SUBSETS[squash(name)] for name in names if squash(name) in _V1_SUBSETS}
    v2 = {name: f"RB2 {rb2_category(name)}" for name in names if rb2_category(name) is not None}
    if v1 and v2:
        raise DataError(
            f"{where}: {word}s of RewardBench ({listed(sorted(v1))}) and of RewardBench 2 ({listed(sorted(v2))}) "
            "in one file"
        )
    known = v1 or v2
    if not known:
        raise DataError(
            f"{where}: no RewardBench {word}s (expected names such as alpacaeval-easy or, for RewardBench 2, "
            f"Factuality); found {listed(sorted(names)) or 'none'}"
        )
    unknown = [name for name in names if name not in known]
    return (V2 if v2 else V1), known, unknown


def prompt_set(metrics) -> str:
    """pref-sets when every subset is one of the Prior Sets (scripts/run_rm.py --pref_sets), else eval-set."""
    return PREF_SETS if set(metrics) <= _PRIOR else EVAL_SET


def check_fraction(place: str, name: str, metric: str, value: float) -> float:
    low, high = _TIES_RANGE if metric == "RB2 Ties" else (0.0, 1.0)
    if value == value and not low <= value <= high:  # NaN (null) is a gap
        raise DataError(
            f'{place}: key "{name}": {value:g} is outside {low:g}-{high:g}; RewardBench writes scores as fractions'
        )
    return value
