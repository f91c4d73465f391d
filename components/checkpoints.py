"""RewardBench results put together into runs: everything about one model path and step is one checkpoint.

A checkpoint may have a summary and a per-prompt file, for the eval set and for the Prior Sets (--pref_sets), and
the rewardbench command's <model>.json with its _outputs.jsonl. They make one point, not several; where a summary
and its per-prompt file disagree, the per-prompt file's scores are shown and a note says so. A run's final model
(no step in its path) is placed after its last step and listed in ``finals``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from components.formats.base import EVAL_SET, PER_PROMPT, SUMMARY, V1, V2, Evaluation, Table, display_text
from components.metrics import SUBSET_PARENT
from components.resultpaths import ResultPath
from components.scoring import PRIOR_SET_SUBSETS, RB2_CATEGORIES

REF_FREE_LABEL = " (reference-free)"
FINAL_LABEL = "final"
_AGREE = 1e-6  # summaries are the per-prompt files' means, written as doubles
_COMPLETE = {V1: len(SUBSET_PARENT) - len(PRIOR_SET_SUBSETS), V2: len(RB2_CATEGORIES)}


@dataclass
class Runs:
    tables: list[Table] = field(default_factory=list)
    outcomes: dict[tuple[str, int], tuple] = field(default_factory=dict)
    finals: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def assemble(placed: list[tuple[ResultPath, Evaluation]]) -> Runs:
    """One table per run (scores in percent, by step) from every evaluation and where it was written."""
    by_run: dict[str, dict[int | None, list[Evaluation]]] = defaultdict(lambda: defaultdict(list))
    for path, evaluation in sorted(placed, key=lambda item: item[1].where):
        run = display_text(path.run) + (REF_FREE_LABEL if path.ref_free else "")
        by_run[run][evaluation.step if evaluation.step is not None else path.step].append(evaluation)
    runs = Runs()
    for run in sorted(by_run):
        checkpoints = by_run[run]
        steps = sorted(step for step in checkpoints if step is not None)
        if None in checkpoints:
            final = _final_step(steps)
            runs.finals[run] = final
            checkpoints[final] = checkpoints.pop(None)
            steps.append(final)
        rows, sources = {}, {}
        for step in steps:
            label = f"run {run} {FINAL_LABEL if runs.finals.get(run) == step else f'step {step}'}"
            scores, outcomes, where = _checkpoint(label, checkpoints[step], runs.notes)
            rows[step] = {metric: value * 100 for metric, value in scores.items()}
            sources[step] = where
            if outcomes:
                runs.outcomes[(run, step)] = outcomes
        values = pd.DataFrame.from_dict(rows, orient="index").sort_index()
        runs.tables.append(Table(name=run, values=values, line_of_step=sources, field_word="key"))
    return runs


def _final_step(steps: list[int]) -> int:
    """Where a run's final model is drawn: one checkpoint interval after its last step (0 with no steps)."""
    if not steps:
        return 0
    gap = steps[-1] - steps[-2] if len(steps) > 1 else max(steps[-1], 1)
    return steps[-1] + gap


def _checkpoint(label: str, evaluations: list[Evaluation], notes: list[str]) -> tuple[dict, tuple, str]:
    """One checkpoint's scores (fractions by metric), its per-prompt outcomes and the file named for it."""
    chosen: dict[tuple[str, str, str], Evaluation] = {}
    for evaluation in evaluations:
        key = (evaluation.suite, evaluation.prompt_set, evaluation.kind)
        if key in chosen:
            notes.append(
                f"{evaluation.where}: {label} comes from {chosen[key].where} too; the first of the two is shown"
            )
            continue
        chosen[key] = evaluation
        notes.extend(evaluation.notes)
    suites = sorted({suite for suite, _, _ in chosen})
    if len(suites) > 1:
        v1 = next(e.where for (suite, _, _), e in chosen.items() if suite == V1)
        v2 = next(e.where for (suite, _, _), e in chosen.items() if suite == V2)
        notes.append(
            f"{label}: a RewardBench result ({v1}) and a RewardBench 2 result ({v2}); both tools write to the same "
            "path, so one may have replaced the other's file. Both are shown"
        )
    scores, outcomes = {}, []
    for suite, prompt_set in sorted({(suite, prompt_set) for suite, prompt_set, _ in chosen}):
        summary = chosen.get((suite, prompt_set, SUMMARY))
        per_prompt = chosen.get((suite, prompt_set, PER_PROMPT))
        if summary is not None and per_prompt is not None:
            _compare(label, summary, per_prompt, notes)
        used = per_prompt or summary
        if prompt_set == EVAL_SET:
            _check_complete(label, used, notes)
        scores.update(used.scores)
        if per_prompt is not None:
            outcomes.append(per_prompt.outcomes)
    where = next(iter(chosen.values())).where
    return scores, tuple(outcomes), where


def _compare(label: str, summary: Evaluation, per_prompt: Evaluation, notes: list[str]) -> None:
    differing = [
        (metric, summary.scores.get(metric), per_prompt.scores.get(metric))
        for metric in sorted(set(summary.scores) | set(per_prompt.scores))
        if summary.scores.get(metric) is None
        or per_prompt.scores.get(metric) is None
        or abs(summary.scores[metric] - per_prompt.scores[metric]) > _AGREE
    ]
    if differing:
        shown = ", ".join(f"{metric} {_fraction(a)} vs {_fraction(b)}" for metric, a, b in differing[:3])
        more = f" and {len(differing) - 3} more" if len(differing) > 3 else ""
        notes.append(
            f"{label}: the summary {summary.where} and the per-prompt file {per_prompt.where} disagree "
            f"({shown}{more}); the per-prompt file's scores are shown"
        )


def _check_complete(label: str, used: Evaluation, notes: list[str]) -> None:
    expected = _COMPLETE[used.suite]
    if len(used.scores) < expected:
        notes.append(
            f"{used.where}: {label} has {len(used.scores)} of the {expected} "
            f"{'subsets' if used.suite == V1 else 'categories'} (a --debug run?); its sections are computed from "
            "those present"
        )


def _fraction(value: float | None) -> str:
    return "missing" if value is None else f"{value:.4g}"
