"""RewardBench's per-prompt files: every prompt's subset and outcome, with the rewards behind it.

- scripts/run_rm.py, run_dpo.py, run_generative.py write results/eval-set-scores/<model>.json (pref-sets-scores/
  with --pref_sets) through rewardbench/utils.py save_to_hub: one object of lists, "results" (1 / 0, and 0.5 for
  a generative judge's tie), "subset", "id" (not from run_dpo.py), "scores_chosen", "scores_rejected" (not from
  run_generative.py), "text_chosen", "text_rejected", and the scalars "model", "model_type", "chat_template".
- scripts/run_v2.py and run_generative_v2.py (RewardBench 2) write the same path with "results" (best-of-4
  credit), "subset", "id" ("ref:N" / "tied:N" for Ties), "scores" (every answer's reward, the correct ones
  first), "num_correct" and "text"; run_v2.py --do_not_save writes only this file, no summary.
- the rewardbench command (rewardbench/rewardbench.py save_jsonl) writes <output_dir><model>_outputs.jsonl, one
  object a line: "prompt", "results", "scores_chosen", "scores_rejected", the texts, "subset", "id", ...

The texts are the bulk of these files (megabytes); only the outcomes are kept (components/outcomes.py).
"""

from __future__ import annotations

import math

import numpy as np
import orjson

from components.formats.base import (
    PER_PROMPT,
    V2,
    DataError,
    Evaluation,
    Source,
    json_kind,
    json_step,
    listed,
    step_column,
)
from components.formats.rewardbench import check_fraction, metric_names, prompt_set
from components.outcomes import Outcomes, PromptSet

ENDINGS = (".json",)
OUTPUTS_ENDINGS = ("_outputs.jsonl",)
DESCRIPTION = "RewardBench per-prompt files (results/eval-set-scores/<model>.json)"
OUTPUTS_DESCRIPTION = "the rewardbench command's per-prompt <model>_outputs.jsonl"


def accepts(document) -> bool:
    return isinstance(document, dict) and isinstance(document.get("results"), list)


def parse_document(source: Source, document: dict, intern=None) -> Evaluation:
    model = document.get("model")
    step_key = step_column(document)
    step = json_step(source.where, step_key, document[step_key]) if step_key is not None else None
    return _evaluation(source.where, document, "key", intern, model if isinstance(model, str) else None, step)


def parse_outputs(source: Source, intern=None) -> Evaluation:
    """The rewardbench command's <model>_outputs.jsonl: its lines turned into the columns of a per-prompt file."""
    where, raw = source.where, source.raw
    if not raw.strip():
        raise DataError(f"{where}: the file is empty")
    if not raw.endswith(b"\n"):
        raise DataError(f"{where}: the last line is incomplete (still being written?); read once it is complete")
    lines = [line for line in raw.splitlines() if line.strip()]
    try:
        rows = orjson.loads(b"[" + b",".join(lines) + b"]")
    except orjson.JSONDecodeError:
        rows = [_line(where, number, line) for number, line in enumerate(raw.splitlines(), 1) if line.strip()]
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise DataError(f"{where} line {number}: expected a JSON object, found {json_kind(row)}")
    names = [name for name in ("results", "subset", "id", "scores_chosen", "scores_rejected") if name in rows[0]]
    columns = {}
    for name in names:
        try:
            columns[name] = [row[name] for row in rows]
        except KeyError:
            number = next(number for number, row in enumerate(rows, 1) if name not in row)
            raise DataError(f'{where} line {number}: no "{name}" key, which line 1 has') from None
    return _evaluation(where, columns, "line", intern, None, None)


def _line(where: str, number: int, line: bytes):
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise DataError(f"{where} line {number}: not valid JSON ({error.msg} at column {error.colno})") from None


def _evaluation(where: str, columns: dict, unit: str, intern, model: str | None, step: int | None) -> Evaluation:
    """An Evaluation from a per-prompt file's columns (lists, one item per prompt). ``unit`` says how an item is
    named in messages: "key" (item i of a key's list) or "line" (line i + 1 of a JSON Lines file)."""
    results = columns.get("results")
    subsets = columns.get("subset")
    if not isinstance(results, list):
        raise DataError(f'{where}: no "results" list; every per-prompt file of RewardBench has one')
    if not isinstance(subsets, list):
        raise DataError(f'{where}: no "subset" list; every per-prompt file of RewardBench has one')
    count = len(results)
    if count == 0:
        raise DataError(f"{where}: no prompts")
    for name in ("subset", "id", "scores_chosen", "scores_rejected", "scores", "num_correct"):
        column = columns.get(name)
        if column is not None and (not isinstance(column, list) or len(column) != count):
            size = f"{len(column)} items" if isinstance(column, list) else json_kind(column)
            raise DataError(f'{where}: key "{name}" has {size} where "results" has {count}')
    names, codes = _codes(where, subsets, unit)
    suite, metrics, unknown = metric_names(names, where, "subset")
    prompts = PromptSet(
        subsets=tuple(metrics.get(name, name) for name in names),
        subset_codes=codes,
        ids=_ids(columns.get("id")),
    )
    prompts = intern(prompts) if intern is not None else prompts
    outcome = _numbers(where, "results", results, unit, allow_missing=True)
    if suite == V2:
        scores, offsets = _answers(where, columns.get("scores"), unit)
        num_correct = _numbers(where, "num_correct", columns.get("num_correct") or [1] * count, unit).astype(np.int16)
        outcomes = Outcomes(suite, prompts, outcome, scores=scores, offsets=offsets, num_correct=num_correct)
    else:
        chosen, rejected = (
            _numbers(where, name, columns[name], unit, allow_missing=True) if name in columns else None
            for name in ("scores_chosen", "scores_rejected")
        )
        outcomes = Outcomes(suite, prompts, outcome, chosen=chosen, rejected=rejected)
    try:
        by_subset = outcomes.subset_scores()
    except ValueError as error:  # a Ties prompt without a correct or an incorrect answer
        raise DataError(f'{where}: key "scores": the Ties prompts cannot be scored ({error})') from None
    scores = {}
    for metric, value in by_subset.items():
        if metric in metrics.values():
            scores[metric] = check_fraction(where, metric, metric, value)
    notes = [f"{where}: subset(s) {listed(unknown)} are not RewardBench subsets; ignored"] if unknown else []
    return Evaluation(
        where=where,
        suite=suite,
        prompt_set=prompt_set(scores),
        kind=PER_PROMPT,
        scores=scores,
        model=model,
        step=step,
        outcomes=outcomes,
        notes=notes,
    )


def _place(where: str, name: str, index: int, unit: str) -> str:
    return f'{where} line {index + 1}: key "{name}"' if unit == "line" else f'{where}: key "{name}" item {index}'


def _codes(where: str, subsets: list, unit: str) -> tuple[list[str], np.ndarray]:
    names: dict[str, int] = {}
    codes = np.empty(len(subsets), dtype=np.int16)
    for index, subset in enumerate(subsets):
        if not isinstance(subset, str):
            raise DataError(
                f"{_place(where, 'subset', index, unit)}: expected a subset name, found {json_kind(subset)}"
            )
        codes[index] = names.setdefault(subset, len(names))
    return list(names), codes


def _ids(ids: list | None) -> np.ndarray | None:
    if ids is None:
        return None
    if all(isinstance(value, int) and not isinstance(value, bool) for value in ids):
        return np.asarray(ids, dtype=np.int64)
    return np.asarray([str(value) for value in ids], dtype=object)


def _numbers(where: str, name: str, values: list, unit: str, allow_missing: bool = False) -> np.ndarray:
    """A list of numbers as float32; a reward written as a one-item list (a model's [n, 1] output) is unwrapped,
    and null is NaN where ``allow_missing``."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is not None and array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array is None or array.ndim != 1 or np.isnan(array).any() and not allow_missing:
        array = np.array([_number(where, name, index, value, unit, allow_missing) for index, value in
                          enumerate(values)], dtype=np.float64)  # fmt: skip
    if np.isinf(array).any():
        index = int(np.flatnonzero(np.isinf(array))[0])
        raise DataError(f"{_place(where, name, index, unit)}: {values[index]} is not a finite number")
    return compact(array)


def compact(array: np.ndarray) -> np.ndarray:
    """The smallest float type that loses nothing: float16 for outcomes of 1, 0.5 and 0, float32 for rewards (models
    compute them in float32), else float64. The scores computed from the arrays equal the tools' own exactly."""
    for kind in (np.float16, np.float32):
        with np.errstate(over="ignore"):  # a value too large for the type is not equal to it: the next is tried
            small = array.astype(kind)
        if np.array_equal(small, array, equal_nan=True):
            return small
    return array


def _number(where: str, name: str, index: int, value, unit: str, allow_missing: bool) -> float:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None and allow_missing:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f"{_place(where, name, index, unit)}: not a number ({json_kind(value)})")
    return float(value)


def _answers(where: str, scores, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """RewardBench 2's "scores": a list of rewards per prompt, flattened, with each prompt's offsets."""
    if not isinstance(scores, list):
        raise DataError(f'{where}: no "scores" list; RewardBench 2 per-prompt files have one')
    lengths = np.empty(len(scores), dtype=np.int32)
    flat: list[float] = []
    for index, rewards in enumerate(scores):
        if not isinstance(rewards, list) or not rewards:
            raise DataError(f"{_place(where, 'scores', index, unit)}: expected a list of rewards, found "
                            f"{json_kind(rewards)}")  # fmt: skip
        flat.extend(_number(where, "scores", index, reward, unit, False) for reward in rewards)
        lengths[index] = len(rewards)
    offsets = np.zeros(len(scores) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return compact(np.asarray(flat, dtype=np.float64)), offsets
