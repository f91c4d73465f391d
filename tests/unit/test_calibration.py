"""The intervals and tests do what they claim, checked on simulated evaluations whose true accuracy is known (not
against the code's own output): 95 % intervals cover the truth in 93-97 % of 2,000 trials, and two checkpoints
with no real difference are told apart in at most 5-6 % of them."""

import numpy as np
import pytest

from components import compare, intervals
from components.outcomes import Outcomes, PromptSet
from components.scoring import PROMPT_COUNTS, SUBSET_WEIGHTS

TRIALS = 2000
BATCH = 250  # checkpoints bootstrapped in one call: the replicates of all of them are held at once


def true_accuracies(seed: int = 7) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    return {subset: float(rng.uniform(0.55, 0.95)) for weights in SUBSET_WEIGHTS.values() for subset in weights}


def true_scores(truth: dict[str, float]) -> dict[str, float]:
    """Sections and Overall as RewardBench defines them, computed here by hand from the true accuracies."""
    sections = {
        section: sum(truth[subset] * weight for subset, weight in weights.items()) / sum(weights.values())
        for section, weights in SUBSET_WEIGHTS.items()
    }
    return {**truth, **sections, "Overall": sum(sections.values()) / len(sections)}


def prompts_of(subsets) -> PromptSet:
    counts = [PROMPT_COUNTS[subset] for subset in subsets]
    codes = np.repeat(np.arange(len(subsets), dtype=np.int16), counts)
    return PromptSet(tuple(subsets), codes, np.arange(len(codes), dtype=np.int64))


def evaluation(rng, prompts: PromptSet, chance: np.ndarray) -> Outcomes:
    """One checkpoint evaluated: each prompt right with its own chance."""
    return Outcomes("v1", prompts, (rng.random(len(chance)) < chance).astype(np.float16))


def test_95_percent_bootstrap_intervals_cover_the_true_score_in_93_to_97_percent_of_trials():
    truth = true_accuracies()
    expected = true_scores(truth)
    prompts = prompts_of(list(truth))
    chance = np.repeat([truth[subset] for subset in prompts.subsets], np.bincount(prompts.subset_codes))
    rng = np.random.default_rng(11)
    covered = dict.fromkeys(("xstest-should-respond", "Chat Hard", "Overall"), 0)
    for _ in range(TRIALS // BATCH):
        checkpoints = [(evaluation(rng, prompts, chance),) for _ in range(BATCH)]
        for bounds in intervals.checkpoints_bounds(checkpoints, 95):
            for metric in covered:
                lo, hi = bounds[metric]
                covered[metric] += lo <= expected[metric] * 100 <= hi
    for metric, count in covered.items():
        assert 0.93 <= count / TRIALS <= 0.97, (metric, count / TRIALS)


def test_with_no_real_difference_the_paired_tests_reject_in_at_most_5_to_6_percent_of_trials():
    """Two checkpoints equally good: each prompt has its own difficulty, the same for both, and each checkpoint
    gets it right or wrong on its own. McNemar's test on a subset, the paired bootstrap on a weighted section."""
    chat = list(SUBSET_WEIGHTS["Chat"])
    prompts = prompts_of(chat)
    rng = np.random.default_rng(5)
    chance = rng.beta(4, 1.5, size=len(prompts))
    rejected = {"mcnemar": 0, "bootstrap": 0}
    subset_rows = prompts.subset_codes == chat.index("alpacaeval-easy")
    for _ in range(TRIALS):
        a, b = evaluation(rng, prompts, chance), evaluation(rng, prompts, chance)
        rejected["mcnemar"] += intervals.mcnemar(a.outcome[subset_rows], b.outcome[subset_rows]) < 0.05
    for _ in range(TRIALS // 4):  # the bootstrap costs more: fewer trials, the same bound
        a, b = evaluation(rng, prompts, chance), evaluation(rng, prompts, chance)
        _, _, p = intervals.difference_bounds(*intervals.bootstrap([(b,), (a,)]), 95)["Chat"]
        rejected["bootstrap"] += p < 0.05
    assert rejected["mcnemar"] / TRIALS <= 0.06
    assert rejected["bootstrap"] / (TRIALS // 4) <= 0.06
    # and the tests do see a real difference of that size
    better = np.clip(chance + 0.12, 0, 1)
    a, b = evaluation(rng, prompts, chance), evaluation(rng, prompts, better)
    assert intervals.difference_bounds(*intervals.bootstrap([(b,), (a,)]), 95)["Chat"][2] < 0.05


def test_holm_keeps_the_family_wise_error_of_23_subsets_at_5_percent():
    """Two equally good checkpoints compared on every subset: without the adjustment some subset "differs" in most
    trials; with Holm's, in about 5 % of them at most."""
    truth = true_accuracies(3)
    prompts = prompts_of(list(truth))
    chance = np.repeat([truth[subset] for subset in prompts.subsets], np.bincount(prompts.subset_codes))
    rng = np.random.default_rng(9)
    raw = adjusted = 0
    trials = 400
    for _ in range(trials):
        a, b = evaluation(rng, prompts, chance), evaluation(rng, prompts, chance)
        p_values = [
            intervals.mcnemar(a.outcome[prompts.subset_codes == code], b.outcome[prompts.subset_codes == code])
            for code in range(len(prompts.subsets))
        ]
        raw += min(p_values) < 0.05
        adjusted += min(intervals.holm(p_values)) < 0.05
    assert raw / trials > 0.2
    assert adjusted / trials <= 0.06


def test_compare_marks_significant_only_what_survives_the_adjustment():
    truth = true_accuracies(3)
    prompts = prompts_of(list(truth))
    chance = np.repeat([truth[subset] for subset in prompts.subsets], np.bincount(prompts.subset_codes))
    rng = np.random.default_rng(2)
    better = chance.copy()
    better[prompts.subset_codes == prompts.subsets.index("math-prm")] = 0.99
    a, b = evaluation(rng, prompts, chance), evaluation(rng, prompts, better)
    comparison = compare.compare_outcomes((a,), (b,), 95)
    rows = {row.metric: row for row in comparison.rows}
    assert rows["math-prm"].significant(95) and rows["math-prm"].test == compare.MCNEMAR
    assert rows["Reasoning"].significant(95) and rows["Reasoning"].test == compare.BOOTSTRAP_TEST
    subsets = [row for row in comparison.rows if row.family == compare.SUBSET]
    assert [row.adjusted for row in subsets] == pytest.approx(intervals.holm([row.p for row in subsets]))
