"""RewardBench's summary files: one checkpoint's subset scores.

- scripts/run_rm.py, run_dpo.py, run_generative.py (and run_v2.py, run_generative_v2.py for RewardBench 2) write
  results/eval-set/<model>.json (results/pref-sets/ with --pref_sets) through rewardbench/utils.py save_to_hub:
  "model", "model_type", "chat_template" and one key per subset (RewardBench 2: per category), fractions.
- the rewardbench command (rewardbench/rewardbench.py) writes <output_dir><model>.json: "accuracy" (over all
  prompts, not the leaderboard's score), "num_prompts", "model", "ref_model", "tokenizer", "chat_template" and
  "extra_results", the subset scores, or null when another dataset was evaluated.
"""

from __future__ import annotations

from components.formats.base import (
    NOT_METRICS,
    SUMMARY,
    DataError,
    Evaluation,
    Source,
    json_kind,
    json_number,
    json_step,
    listed,
    step_column,
)
from components.formats.rewardbench import check_fraction, metric_names, prompt_set
from components.metrics import squash

ENDINGS = (".json",)
DESCRIPTION = "RewardBench summaries (results/eval-set/<model>.json, the rewardbench command's <model>.json)"


def accepts(document) -> bool:
    return isinstance(document, dict)


def parse_document(source: Source, document: dict, intern=None) -> Evaluation:
    where = source.where
    if "extra_results" in document:
        extra = document["extra_results"]
        if extra is None:
            raise DataError(
                f'{where}: key "extra_results" is null: the rewardbench command evaluated another dataset than '
                'RewardBench, and its "accuracy" is not a RewardBench score'
            )
        if not isinstance(extra, dict):
            raise DataError(f'{where}: key "extra_results": expected an object, found {json_kind(extra)}')
        subsets, place = extra, f'{where}: key "extra_results"'
    else:
        subsets, place = document, where
    step_key = step_column(document)
    candidates = [key for key in subsets if squash(key) not in NOT_METRICS and key != step_key]
    try:
        suite, metrics, unknown = metric_names(candidates, where, "subset")
    except DataError:
        if not candidates and subsets is document:
            raise DataError(
                f"{where}: no RewardBench scores (expected subset keys such as alpacaeval-easy, an extra_results "
                "object, or RewardBench 2 categories)"
            ) from None
        raise
    scores = {
        metric: check_fraction(place, name, metric, json_number(place, name, subsets[name]))
        for name, metric in metrics.items()
    }
    notes = [f"{where}: key(s) {listed(unknown)} are not RewardBench subsets; ignored"] if unknown else []
    model = document.get("model")
    return Evaluation(
        where=where,
        suite=suite,
        prompt_set=prompt_set(metrics.values()),
        kind=SUMMARY,
        scores=scores,
        model=model if isinstance(model, str) else None,
        step=json_step(where, step_key, document[step_key]) if step_key is not None else None,
        notes=notes,
    )
