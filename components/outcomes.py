"""Per-prompt outcomes of one checkpoint, kept as compact arrays (never the prompt and answer texts).

RewardBench's per-prompt files (scripts/run_rm.py, run_dpo.py, run_generative.py: eval-set-scores/; the rewardbench
command: <model>_outputs.jsonl; scripts/run_v2.py: RewardBench 2's eval-set-scores/) hold, for every prompt, its
subset, its outcome and the rewards. From them every subset score follows as the tools compute it: the mean of
"results" per subset, and RewardBench 2's Ties by the formula of rewardbench/utils.py process_single_model.

The prompts (ids and subsets) are the same for every checkpoint evaluated on the same data, so they are kept once
(PromptSet) and shared; a checkpoint adds only its outcomes and rewards (10 bytes a prompt for RewardBench).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

TIES = "RB2 Ties"  # subsets are kept under the metric names they are shown as (components/metrics.py)


@dataclass(frozen=True, eq=False)
class PromptSet:
    """The prompts one evaluation covered, in file order: each one's subset (as a code into ``subsets``) and id
    (None when the file has no ids, as run_dpo.py writes them)."""

    subsets: tuple[str, ...]
    subset_codes: np.ndarray  # int16, one per prompt
    ids: np.ndarray | None  # int64 or str objects, one per prompt

    def __len__(self) -> int:
        return len(self.subset_codes)

    def key(self) -> tuple:
        ids = None if self.ids is None else (self.ids.dtype.str, self.ids.tobytes() if self.ids.dtype != object
                                             else hash(tuple(self.ids.tolist())))  # fmt: skip
        return (self.subsets, self.subset_codes.tobytes(), ids)

    @property
    def nbytes(self) -> int:
        ids = (
            0
            if self.ids is None
            else self.ids.nbytes
            + (sum(len(value) + 49 for value in self.ids.tolist()) if self.ids.dtype == object else 0)
        )
        return self.subset_codes.nbytes + ids


class PromptSets:
    """One PromptSet per distinct set of prompts: checkpoints evaluated on the same prompts share it.

    One per parse cache (so per gunicorn worker)."""

    def __init__(self) -> None:
        self._known: dict[tuple, PromptSet] = {}

    def intern(self, prompts: PromptSet) -> PromptSet:
        return self._known.setdefault(prompts.key(), prompts)


@dataclass(frozen=True, eq=False)
class Outcomes:
    """One checkpoint's outcome on every prompt of ``prompts``.

    ``outcome`` is 1, 0 or 0.5 (a tie, run_generative.py) for RewardBench, and RewardBench 2's best-of-4 credit
    (1 / the number of answers tied at the top, when the correct one is among them); NaN where the tool wrote
    none. ``chosen`` and ``rejected`` are the rewards (RewardBench; NaN where absent); RewardBench 2 keeps every
    answer's reward instead: ``scores[offsets[i]:offsets[i + 1]]`` for prompt i, its first ``num_correct[i]``
    answers the correct ones."""

    suite: str
    prompts: PromptSet
    outcome: np.ndarray  # float16 (1, 0.5, 0), or wider where that would round (RewardBench 2's 1/3)
    chosen: np.ndarray | None = None  # float32
    rejected: np.ndarray | None = None  # float32
    scores: np.ndarray | None = None  # every answer's reward, prompt after prompt (float32 as models compute)
    offsets: np.ndarray | None = None  # int32, len(prompts) + 1
    num_correct: np.ndarray | None = None  # int16

    @property
    def nbytes(self) -> int:
        """The memory this checkpoint adds (its prompts are shared and counted apart)."""
        arrays = (self.outcome, self.chosen, self.rejected, self.scores, self.offsets, self.num_correct)
        return sum(array.nbytes for array in arrays if array is not None)

    def subset_scores(self) -> dict[str, float]:
        """Each subset's score as a fraction, as the tool that wrote the file computes it."""
        codes = self.prompts.subset_codes
        outcome = self.outcome.astype(np.float64)
        scores = {}
        for code, subset in enumerate(self.prompts.subsets):
            rows = codes == code
            if subset == TIES and self.scores is not None:
                scores[subset] = ties_score(*self.ties_rows(np.flatnonzero(rows)))
            else:
                scores[subset] = float(outcome[rows].sum() / rows.sum())
        return scores

    def plain_subsets(self):
        """(subset, its outcomes as float64) for every subset scored as a plain mean (all but RewardBench 2's Ties)."""
        codes = self.prompts.subset_codes
        for code, subset in enumerate(self.prompts.subsets):
            if subset != TIES or self.scores is None:
                yield subset, self.outcome[codes == code].astype(np.float64)

    def take(self, rows: np.ndarray, prompts: PromptSet) -> Outcomes:
        """This checkpoint's outcomes on ``rows`` only (in that order), over ``prompts`` (which lists them)."""
        scores = offsets = None
        if self.scores is not None:
            starts, ends = self.offsets[rows], self.offsets[rows + 1]
            offsets = np.concatenate([[0], np.cumsum(ends - starts)]).astype(np.int32)
            scores = (np.concatenate([self.scores[s:e] for s, e in zip(starts, ends, strict=True)])
                      if len(rows) else self.scores[:0])  # fmt: skip
        return Outcomes(
            self.suite,
            prompts,
            self.outcome[rows],
            None if self.chosen is None else self.chosen[rows],
            None if self.rejected is None else self.rejected[rows],
            scores,
            offsets,
            None if self.num_correct is None else self.num_correct[rows],
        )

    def margins(self, rows: np.ndarray) -> np.ndarray:
        """Each prompt's reward margin on ``rows``: chosen less rejected; for RewardBench 2, its lowest-rewarded
        correct answer less its highest-rewarded incorrect one (the margin its Ties score uses). NaN without
        rewards."""
        if self.chosen is not None and self.rejected is not None:
            return self.chosen[rows].astype(np.float64) - self.rejected[rows].astype(np.float64)
        if self.scores is None:
            return np.full(len(rows), np.nan)
        found = np.full(len(rows), np.nan)
        for index, row in enumerate(rows):
            answers = self.scores[self.offsets[row] : self.offsets[row + 1]].astype(np.float64)
            correct = int(self.num_correct[row])
            if 0 < correct < len(answers):
                found[index] = answers[:correct].min() - answers[correct:].max()
        return found

    def ties_rows(self, rows: np.ndarray) -> tuple[list[str], list[Sequence[float]], list[int]]:
        ids = [str(self.prompts.ids[row]) for row in rows] if self.prompts.ids is not None else []
        answers = [self.scores[self.offsets[row] : self.offsets[row + 1]].astype(np.float64) for row in rows]
        return ids, answers, [int(self.num_correct[row]) for row in rows]


def ties_score(ids: Sequence[str], answers: Sequence[Sequence[float]], num_correct: Sequence[int]) -> float:
    """RewardBench 2's Ties score (rewardbench/utils.py process_single_model): 0.30 of the accuracy on tied
    prompts, 0.30 on their reference prompts, 0.20 each for how often the margin between correct and incorrect
    answers beats the spread among the correct ones (on the tied prompt, and on the smaller of the two margins),
    and 0.01 for the mean tanh of that ratio less one. Ids are "ref:N" or "tied:N"; the first ``num_correct``
    answers of a prompt are its correct ones. Ranges over [-0.01, 1.01]."""
    units = ties_units(ids, answers, num_correct)
    return float(ties_from_sums(units.sum(axis=0, keepdims=True))[0])


# The columns of ties_units: each term of the Ties score is a ratio of two of their sums over the prompt numbers.
(TIED_RIGHT, TIED, REF_RIGHT, REF, PREFERRED, PREFERRED_HARD, MARGIN, BOTH) = range(8)


def ties_units(ids: Sequence[str], answers: Sequence[Sequence[float]], num_correct: Sequence[int]) -> np.ndarray:
    """One row per prompt number N (its "ref:N" and "tied:N" prompts), in order of N: the quantities whose sums
    over the numbers give the Ties score (ties_from_sums). Resampling numbers (components/intervals.py) keeps a
    tied prompt with its reference, as the score pairs them."""
    grouped: dict[tuple[str, int], list[tuple[bool, float]]] = defaultdict(list)
    for prompt_id, rewards, correct in zip(ids, answers, num_correct, strict=True):
        kind, _, number = prompt_id.partition(":")
        grouped[(kind, int(number))].extend((index < correct, float(reward)) for index, reward in enumerate(rewards))
    ref, tied = {}, {}
    for (kind, number), answered in grouped.items():
        (ref if kind == "ref" else tied)[number] = _prompt_stats(answered)
    numbers = sorted(set(ref) | set(tied))
    units = np.zeros((len(numbers), 8), dtype=np.float64)
    for row, number in enumerate(numbers):
        if number in tied:
            units[row, TIED_RIGHT], units[row, TIED] = tied[number][0], 1
        if number in ref:
            units[row, REF_RIGHT], units[row, REF] = ref[number][0], 1
        if number in tied and number in ref:
            _, spread, tied_margin = tied[number]
            smaller = min(ref[number][2], tied_margin)
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.float64(smaller) / np.float64(spread)
            units[row, PREFERRED] = tied_margin > spread
            units[row, PREFERRED_HARD] = smaller > spread
            units[row, MARGIN] = np.nan_to_num(np.tanh(ratio - 1), nan=0.0)
            units[row, BOTH] = 1
    return units


def ties_from_sums(sums: np.ndarray) -> np.ndarray:
    """The Ties score from sums of ties_units' columns, one row of sums per resample: an accuracy without any
    prompt of its kind counts 0 (as process_single_model has it), and without any number holding both prompts
    the score is NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tied = np.where(sums[:, TIED] > 0, sums[:, TIED_RIGHT] / sums[:, TIED], 0.0)
        ref = np.where(sums[:, REF] > 0, sums[:, REF_RIGHT] / sums[:, REF], 0.0)
        both = np.where(sums[:, BOTH] > 0, sums[:, BOTH], np.nan)
        return (0.30 * tied + 0.30 * ref + 0.20 * sums[:, PREFERRED] / both + 0.20 * sums[:, PREFERRED_HARD] / both
                + 0.01 * sums[:, MARGIN] / both)  # fmt: skip


def _prompt_stats(answered: list[tuple[bool, float]]) -> tuple[bool, float, float]:
    """(every correct answer beats the best incorrect one, spread among the correct ones or NaN with one,
    worst correct less best incorrect)."""
    correct = [reward for is_correct, reward in answered if is_correct]
    incorrect = [reward for is_correct, reward in answered if not is_correct]
    margin = min(correct) - max(incorrect)
    spread = max(correct) - min(correct) if len(correct) > 1 else float("nan")
    return margin > 0, spread, margin


Interner = Callable[[PromptSet], PromptSet]
