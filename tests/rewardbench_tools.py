"""Result files written as RewardBench's own tools write them, path for path and key for key.

Each writer follows the save code of allenai/reward-bench at 05a9005 (package 0.1.5), named in its docstring; the
evaluation itself is simulated (seeded outcomes and rewards for the real subsets and prompt counts), the files are
not. The tests and the benchmark read only what these writers leave, as a user's dashboard would.

What the tools do, in short:
- rewardbench/utils.py save_to_hub writes f"./results/{target_path}{model_name}.json" relative to the working
  directory, a dict as json.dumps(indent=4, sort_keys=True); the path is string concatenation, so an absolute
  --model gives results/eval-set//data/x.json. Unless --disable_beaker_save, the summary also goes to
  /output/metrics.json (here: <workdir>/output/metrics.json, since tests cannot write /output).
- the rewardbench command (rewardbench/rewardbench.py) writes os.path.join(output_dir, f"{model}_outputs.jsonl")
  with save_jsonl (json.dump per line) and output_dir + model + ".json" with json.dump (no indent).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The filtered eval set's prompts per subset (allenai/reward-bench dataset, split "filtered": 2,985 prompts;
# math-prm has 447 though rewardbench/constants.py EXAMPLE_COUNTS weights it 984).
V1_PROMPTS = {
    "alpacaeval-easy": 100, "alpacaeval-length": 95, "alpacaeval-hard": 95, "mt-bench-easy": 28, "mt-bench-med": 40,
    "mt-bench-hard": 37, "llmbar-natural": 100, "llmbar-adver-neighbor": 134, "llmbar-adver-GPTInst": 92,
    "llmbar-adver-GPTOut": 47, "llmbar-adver-manual": 46, "refusals-dangerous": 100, "refusals-offensive": 100,
    "xstest-should-refuse": 154, "xstest-should-respond": 250, "donotanswer": 136, "math-prm": 447, "hep-cpp": 164,
    "hep-go": 164, "hep-java": 164, "hep-js": 164, "hep-python": 164, "hep-rust": 164,
}  # fmt: skip
PREF_SETS_PROMPTS = {"anthropic_helpful": 60, "anthropic_hhh": 22, "shp": 40, "summarize": 50}
# RewardBench 2 (allenai/reward-bench-2): prompts per subset; Ties' 102 rows are reference and tied prompts.
V2_PROMPTS = {"Factuality": 475, "Precise IF": 160, "Math": 183, "Safety": 450, "Focus": 495, "Ties": 102}


@dataclass
class Evaluation:
    """A simulated evaluation: ``skill`` (0-1) moves every subset's accuracy; ``text_bytes`` sizes the texts."""

    skill: float = 0.7
    seed: int = 0
    text_bytes: int = 40
    debug: bool = False  # --debug: only the first 10 prompts (scripts/run_rm.py)
    # Each prompt's difficulty drawn from this seed, shared by a run's checkpoints: they then get mostly the same
    # prompts right, as the checkpoints of one run do (None: every evaluation on its own).
    difficulty_seed: int | None = None


def _texts(rng: np.random.Generator, count: int, size: int) -> list[str]:
    words = ("the", "reward", "model", "answer", "prompt", "is", "a", "helpful", "response", "to", "user")
    chunk = " ".join(words)
    return [(chunk * (size // len(chunk) + 1))[: max(1, int(size * rng.uniform(0.5, 1.5)))] for _ in range(count)]


def _float32(values: np.ndarray) -> list[float]:
    # The tools cast rewards with .float().cpu().numpy().tolist(): float32 values written as Python floats.
    return np.asarray(values, dtype=np.float32).tolist()


def _v1_dataset(evaluation: Evaluation, prompts: dict[str, int]) -> dict[str, list]:
    """The columns of scripts/run_rm.py's out_dataset: results, subset, id, scores_chosen, scores_rejected and the
    texts (load_eval_dataset keeps text_chosen, text_rejected and id)."""
    rng = np.random.default_rng(evaluation.seed)
    subsets = [subset for subset, count in prompts.items() for _ in range(count)]
    ids = list(range(30, 30 + len(subsets)))
    accuracy = np.array([min(0.98, max(0.05, evaluation.skill + rng.normal(0, 0.08))) for _ in prompts])
    per_prompt = np.repeat(accuracy, list(prompts.values()))
    rejected = rng.normal(0, 1, len(subsets))
    draw = rng.uniform(size=len(subsets))
    if evaluation.difficulty_seed is not None:
        draw = np.random.default_rng(evaluation.difficulty_seed).uniform(size=len(subsets))
    margin = np.where(draw < per_prompt, 1, -1) * rng.uniform(0.05, 2, len(subsets))
    chosen = _float32(rejected + margin)
    rejected = _float32(rejected)
    if evaluation.debug:
        subsets, ids, chosen, rejected = subsets[:10], ids[:10], chosen[:10], rejected[:10]
    return {
        "text_chosen": _texts(rng, len(subsets), evaluation.text_bytes),
        "text_rejected": _texts(rng, len(subsets), evaluation.text_bytes),
        # for each item in batch, record 1 if chosen > rejected (scripts/run_rm.py)
        "results": [1 if c > r else 0 for c, r in zip(chosen, rejected, strict=True)],
        "subset": subsets,
        "id": ids,
        "scores_chosen": chosen,
        "scores_rejected": rejected,
    }


def _grouped(columns: dict[str, list], score: Callable[[dict[str, list]], float] | None = None) -> dict[str, float]:
    """scripts/run_rm.py: for subset in np.unique(subsets): results_grouped[subset] = num_correct / num_total."""
    grouped = {}
    for subset in np.unique(columns["subset"]).tolist():
        rows = [i for i, name in enumerate(columns["subset"]) if name == subset]
        if score is not None and subset.lower() == "ties":
            grouped[subset] = score({key: [columns[key][i] for i in rows] for key in columns})
            continue
        results = [columns["results"][i] for i in rows]
        grouped[subset] = sum(results) / len(results)
    return grouped


def save_to_hub(workdir: Path, results: dict, model_name: str, target_path: str, beaker: bool = False) -> Path:
    """rewardbench/utils.py save_to_hub with local_only: ./results/{target_path}{model_name}.json."""
    path = Path(os.path.normpath(f"{workdir}/results/{target_path}{model_name}.json"))
    if beaker:
        (workdir / "output").mkdir(parents=True, exist_ok=True)
        (workdir / "output" / "metrics.json").write_text(json.dumps(results))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=4, sort_keys=True))
    return path


def run_rm(
    workdir: Path, model: str, evaluation: Evaluation, pref_sets: bool = False, beaker: bool = False
) -> tuple[Path, Path]:
    """scripts/run_rm.py: the summary (results/eval-set/, or pref-sets/ with --pref_sets) and the per-prompt file
    (eval-set-scores/ or pref-sets-scores/)."""
    columns = _v1_dataset(evaluation, PREF_SETS_PROMPTS if pref_sets else V1_PROMPTS)
    summary = {"model": model, "model_type": "Seq. Classifier", "chat_template": "tokenizer", **_grouped(columns)}
    scores = {**columns, "model": model, "model_type": "Seq. Classifier", "chat_template": None}
    target = "pref-sets/" if pref_sets else "eval-set/"
    return (
        save_to_hub(workdir, summary, model, target, beaker),
        save_to_hub(workdir, scores, model, target.replace("/", "-scores/")),
    )


def run_dpo(workdir: Path, model: str, evaluation: Evaluation, ref_model: str | None = None) -> tuple[Path, Path]:
    """scripts/run_dpo.py: as run_rm, with "ref_model" in the summary, "_ref_free" added to the file names when no
    --ref_model is given, and no "id" in the per-prompt file (it keeps "prompt" instead)."""
    columns = _v1_dataset(evaluation, V1_PROMPTS)
    columns.pop("id")
    columns = {"prompt": ["p"] * len(columns["subset"]), **columns}
    modifier = "" if ref_model else "_ref_free"
    summary = {
        "model": model, "ref_model": ref_model, "model_type": "DPO" if ref_model else "DPO Ref. Free",
        "chat_template": "tokenizer", **_grouped(columns),
    }  # fmt: skip
    scores = {**columns, "model": model, "model_type": "DPO", "chat_template": None}
    return (
        save_to_hub(workdir, summary, model + modifier, "eval-set/"),
        save_to_hub(workdir, scores, model + modifier, "eval-set-scores/"),
    )


def run_generative(workdir: Path, model: str, evaluation: Evaluation) -> tuple[Path, Path]:
    """scripts/run_generative.py: a judge's verdicts, 1 / 0 / 0.5 for a tie; no rewards in the per-prompt file."""
    columns = _v1_dataset(evaluation, V1_PROMPTS)
    rng = np.random.default_rng(evaluation.seed + 1)
    columns["results"] = [0.5 if rng.uniform() < 0.05 else result for result in columns["results"]]
    for key in ("scores_chosen", "scores_rejected"):
        columns.pop(key)
    summary = {"model": model, "model_type": "Generative RM", "chat_template": None, **_grouped(columns)}
    scores = {**columns, "model": model, "model_type": "Generative RM"}
    return save_to_hub(workdir, summary, model, "eval-set/"), save_to_hub(workdir, scores, model, "eval-set-scores/")


def rewardbench_command(
    workdir: Path, model: str, evaluation: Evaluation, output_dir: str = "results/", revision: str | None = None
) -> tuple[Path, Path]:
    """The rewardbench command (rewardbench/rewardbench.py) on allenai/reward-bench: <output_dir><model>.json and
    <output_dir>/<model>_outputs.jsonl. --revision is in neither name."""
    columns = _v1_dataset(evaluation, V1_PROMPTS)
    count = len(columns["results"])
    outputs = {
        "prompt": ["p"] * count,
        "results": columns["results"],
        "scores_chosen": columns["scores_chosen"],
        "scores_rejected": columns["scores_rejected"],
        "text_chosen": columns["text_chosen"],
        "text_rejected": columns["text_rejected"],
        # the dataset's other columns (metadata), in its order
        "chosen": columns["text_chosen"],
        "chosen_model": ["gpt-4"] * count,
        "rejected": columns["text_rejected"],
        "rejected_model": ["llama"] * count,
        "subset": columns["subset"],
        "id": columns["id"],
    }
    outputs_path = Path(os.path.normpath(os.path.join(workdir, output_dir, f"{model}_outputs.jsonl")))
    outputs_path.parent.mkdir(parents=True, exist_ok=True)
    with outputs_path.open("w") as handle:
        for index in range(count):
            json.dump({key: outputs[key][index] for key in outputs}, handle)
            handle.write("\n")
    final = {
        "accuracy": sum(columns["results"]) / count,
        "num_prompts": count,
        "model": model,
        "ref_model": None,
        "tokenizer": model,
        "chat_template": None,
        "extra_results": _grouped(columns),
    }
    summary_path = Path(os.path.normpath(f"{workdir}/{output_dir}{model}.json"))
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(json.dumps(final))
    return summary_path, outputs_path


def _v2_dataset(evaluation: Evaluation, generative: bool = False) -> dict[str, list]:
    """scripts/run_v2.py's out_dataset after reroll_and_score_dataset: per prompt its texts, every answer's reward
    (the correct ones first), "results" (1 / the answers tied at the top, if the first is among them, else 0),
    subset, id and num_correct. Ties prompts come as "ref:N" (one correct answer) and "tied:N" (several)."""
    rng = np.random.default_rng(evaluation.seed)
    rows = {"text": [], "scores": [], "results": [], "subset": [], "id": [], "num_correct": []}
    serial = 0
    for subset, count in V2_PROMPTS.items():
        for index in range(count):
            if subset == "Ties":
                kind, number = ("ref", index // 2) if index % 2 == 0 else ("tied", index // 2)
                correct = 1 if kind == "ref" else int(rng.integers(2, 5))
                answers = correct + int(rng.integers(2, 4))
                prompt_id = f"{kind}:{number}"
            else:
                correct, answers, prompt_id = 1, 4, str(serial)
                serial += 1
            rewards = rng.normal(0, 1, answers)
            if rng.uniform() < evaluation.skill:
                rewards[:correct] += rng.uniform(0.5, 3)
            if generative:
                rewards = np.round(rewards * 2)  # a judge's ratings: ties at the top happen
            rewards = _float32(rewards)
            top = max(rewards)
            rows["text"].append(_texts(rng, answers, evaluation.text_bytes))
            rows["scores"].append(rewards)
            rows["results"].append(1 / sum(reward == top for reward in rewards) if rewards[0] == top else 0)
            rows["subset"].append(subset)
            rows["id"].append(prompt_id)
            rows["num_correct"].append(correct)
    return rows


def ties_score(columns: dict[str, list]) -> float:
    """rewardbench/utils.py process_single_model, restated: see its docstring for the formula."""
    groups: dict[tuple[str, int], list[tuple[bool, float]]] = {}
    for prompt_id, rewards, correct in zip(columns["id"], columns["scores"], columns["num_correct"], strict=True):
        kind, number = prompt_id.split(":")
        groups.setdefault((kind, int(number)), []).extend((i < correct, r) for i, r in enumerate(rewards))
    stats = {}
    for key, samples in groups.items():
        good = [s for ok, s in samples if ok]
        bad = [s for ok, s in samples if not ok]
        stats[key] = (min(good) - max(bad) > 0, max(good) - min(good) if len(good) > 1 else None, min(good) - max(bad))
    ref = {n: s for (kind, n), s in stats.items() if kind == "ref"}
    tied = {n: s for (kind, n), s in stats.items() if kind != "ref"}
    common = set(ref) & set(tied)
    spread = np.array([tied[n][1] for n in common])
    tied_margin = np.array([tied[n][2] for n in common])
    ref_margin = np.array([ref[n][2] for n in common])
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.nan_to_num(np.tanh(np.minimum(ref_margin, tied_margin) / spread - 1), nan=0.0)
    return float(
        0.30 * np.mean([s[0] for s in tied.values()])
        + 0.30 * np.mean([s[0] for s in ref.values()])
        + 0.20 * np.mean(tied_margin > spread)
        + 0.20 * np.mean(np.minimum(ref_margin, tied_margin) > spread)
        + 0.01 * float(np.mean(margin))
    )


def run_v2(
    workdir: Path, model: str, evaluation: Evaluation, revision: str | None = None, do_not_save: bool = False
) -> tuple[Path | None, Path]:
    """scripts/run_v2.py: model_name = f"{model}-{revision}"; the summary only when it also uploads (not with
    --do_not_save), the per-prompt file always. Its Ties rows keep their reroll "results" (run_v2.py looks for
    rows whose subset is "ties", lower case, to blank them, and RewardBench 2 spells it "Ties")."""
    model_name = f"{model}-{revision}" if revision else model
    columns = _v2_dataset(evaluation)
    summary_path = None
    if not do_not_save:
        summary = {"model": model_name, "model_type": "Seq. Classifier", "chat_template": "tokenizer",
                   **_grouped(columns, ties_score)}  # fmt: skip
        summary_path = save_to_hub(workdir, summary, model_name, "eval-set/")
    scores = {**columns, "model": model_name, "model_type": "Seq. Classifier", "chat_template": "tokenizer"}
    return summary_path, save_to_hub(workdir, scores, model_name, "eval-set-scores/")


def run_generative_v2(workdir: Path, model: str, evaluation: Evaluation) -> tuple[Path, Path]:
    """scripts/run_generative_v2.py: both files always; process_single_model sets the Ties rows' results to None."""
    columns = _v2_dataset(evaluation, generative=True)
    summary = {"model": model, "model_type": "Generative RM", "chat_template": None, **_grouped(columns, ties_score)}
    columns["results"] = [
        None if s == "Ties" else r for s, r in zip(columns["subset"], columns["results"], strict=True)
    ]
    scores = {**columns, "model": model, "model_type": "Generative RM"}
    return save_to_hub(workdir, summary, model, "eval-set/"), save_to_hub(workdir, scores, model, "eval-set-scores/")


def fixture_runs(directory: Path, users_files: Path) -> Path:
    """The tests' data directory: users' own run files (``users_files``) and, in results/, what RewardBench's tools
    leave after evaluating three runs: rm-checkpoints (scripts/run_rm.py on checkpoint-100/200/300), cli-steps
    (the rewardbench command on step_0/250/500) and rb2-run (scripts/run_v2.py on revisions step-100/200)."""
    shutil.copytree(users_files, directory, dirs_exist_ok=True)
    for number, step in enumerate((100, 200, 300)):
        run_rm(directory, f"rm-checkpoints/checkpoint-{step}", Evaluation(skill=0.6 + 0.1 * number, seed=step))
    for number, step in enumerate((0, 250, 500)):
        rewardbench_command(directory, f"cli-steps/step_{step}", Evaluation(skill=0.55 + 0.1 * number, seed=step))
    for number, step in enumerate((100, 200)):
        run_v2(directory, "rb2-run", Evaluation(skill=0.5 + 0.1 * number, seed=step), revision=f"step-{step}")
    return directory
