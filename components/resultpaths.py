"""Which run and step a RewardBench result belongs to, from where the tool wrote it.

rewardbench/utils.py save_to_hub writes ./results/<target>/<model>.json, with <model> exactly as --model was
given (a relative path, an absolute one, or a Hub name), and the rewardbench command writes <output_dir><model>.json.
So the model path is what follows results/<target>/ (eval-set, pref-sets, eval-set-scores, pref-sets-scores),
or else the file's path below the data path. A run is the model path with its step part taken off:
- a last part that is only a step: runs/rm/checkpoint-400, step-400, step_400, global_step400, 400;
- a Hub name's step suffix: org/rm-7b-step-400, org/rm-7b-step400 (and run_v2.py's "<model>-<revision>");
- a revision folder: evals/step-400/org/rm-7b, run org/rm-7b (the rewardbench command with an --output_dir per
  revision; what comes before the revision folder is that output_dir).
A model path with no step part (a Trainer's final output_dir, runs/rm-lr1e-5) is that run's final model: its
step is None, never a number read out of a learning rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

TARGETS = ("eval-set", "pref-sets", "eval-set-scores", "pref-sets-scores")
REF_FREE = "_ref_free"  # scripts/run_dpo.py adds it to the model's file name without --ref_model
OUTPUTS = "_outputs"  # the rewardbench command's per-prompt <model>_outputs.jsonl
_STEP_PART = re.compile(r"^(?:checkpoint|ckpt|step|global[-_]?step|iter|iteration)?[-_]?(\d+)$", re.IGNORECASE)
_STEP_SUFFIX = re.compile(r"^(.+?)[-_.](?:checkpoint|ckpt|step|global[-_]?step|iter|iteration)[-_]?(\d+)$", re.I)


@dataclass(frozen=True)
class ResultPath:
    run: str  # the model path without its step part, such as "runs/rm" or "org/rm-7b"
    step: int | None  # None: the run's final model
    ref_free: bool = False  # a reference-free DPO result (scripts/run_dpo.py without --ref_model)


def model_parts(relative: PurePath) -> tuple[str, ...]:
    """The model path's parts from a result file's path below the data path (or its absolute path)."""
    parts = relative.parts
    target = max((index for index, part in enumerate(parts[:-1]) if part in TARGETS), default=None)
    if target is not None:
        parts = parts[target + 1 :]
    elif len(parts) > 1 and parts[0] == "results":  # the tools' default output folder, below the data path
        parts = parts[1:]
    parts = tuple(part for part in parts if part not in ("", "/"))
    last = parts[-1]
    for ending in (".jsonl", ".json"):
        if last.lower().endswith(ending):
            last = last[: -len(ending)]
            break
    if last.endswith(OUTPUTS):
        last = last[: -len(OUTPUTS)]
    return (*parts[:-1], last)


def result_path(parts: tuple[str, ...], root_name: str) -> ResultPath:
    """The run and step of a model path (see the module's docstring); ``root_name`` names a run whose model path
    is nothing but a step (checkpoint-400.json directly in the data path)."""
    *folders, last = parts
    ref_free = last.endswith(REF_FREE)
    if ref_free:
        last = last[: -len(REF_FREE)]
    step = None
    whole = _STEP_PART.match(last)
    suffix = _STEP_SUFFIX.match(last)
    if whole:
        step, run_parts = int(whole.group(1)), folders
    elif suffix:
        step, run_parts = int(suffix.group(2)), [*folders, suffix.group(1)]
    else:
        run_parts = [*folders, last]
        revision = next((index for index, part in enumerate(folders) if _STEP_PART.match(part)), None)
        if revision is not None:  # <output_dir>/step-400/<model>: what comes before the revision is output_dir
            step = int(_STEP_PART.match(folders[revision]).group(1))
            run_parts = run_parts[revision + 1 :]
    return ResultPath(run="/".join(run_parts) or root_name, step=step, ref_free=ref_free)


def model_result_path(model: str, root_name: str) -> ResultPath:
    """The run and step of a "model" key (--model as the tool was given it), for a file with no path to go by."""
    parts = tuple(part for part in PurePath(model).parts if part not in ("", "/")) or (root_name,)
    return result_path(parts, root_name)
