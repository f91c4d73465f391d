"""Synthetic runs for the benchmark, the same for a given seed: wide CSV runs, RewardBench summaries, and a sweep
written as RewardBench's tools write it (tests/rewardbench_tools.py), per-prompt files included."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from components.metrics import METRICS
from components.scoring import SUBSET_WEIGHTS
from tests import rewardbench_tools

SIZES = {"small": (1, 25), "medium": (20, 500), "large": (100, 2000)}
STEP_EVERY = 25
# Result files are dated as a finished run's would be: a checkpoint evaluated every 20 minutes, the last an hour ago.
EVALUATED_EVERY_S = 1200
LAST_EVALUATED_S_AGO = 3600


def curve(rng: np.random.Generator, count: int, start: float, gain: float, noise: float) -> np.ndarray:
    trend = start + gain * (1 - np.exp(-np.linspace(0, 4, count)))
    return np.clip(trend + rng.normal(0, noise, count), 0, 100).round(2)


def write_wide_runs(directory: Path, runs: int, checkpoints: int, seed: int = 0) -> Path:
    """``runs`` CSV files of ``checkpoints`` evaluations (every 25 steps) of the five metrics."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    steps = np.arange(checkpoints) * STEP_EVERY
    starts = {"Chat": 83, "Chat Hard": 61, "Safety": 74, "Reasoning": 85}
    for index in range(runs):
        columns = {m: curve(rng, checkpoints, starts[m] - rng.uniform(0, 3), rng.uniform(4, 12), 1.0) for m in starts}
        columns["Overall"] = np.mean([columns[m] for m in starts], axis=0).round(2)
        lines = ["step," + ",".join(METRICS)]
        lines += [f"{step}," + ",".join(f"{columns[m][i]:.2f}" for m in METRICS) for i, step in enumerate(steps)]
        (directory / f"run-{index:03d}.csv").write_text("\n".join(lines) + "\n")
    return directory


def write_result_runs(directory: Path, runs: int = 20, checkpoints: int = 50, seed: int = 1) -> Path:
    """``runs`` runs of RewardBench summaries where scripts/run_rm.py puts them (results/eval-set/rm-NN/
    checkpoint-N.json, one per checkpoint), with the modification times of a run evaluated over the past day."""
    rng = np.random.default_rng(seed)
    subsets = [subset for weights in SUBSET_WEIGHTS.values() for subset in weights]
    last = time.time() - LAST_EVALUATED_S_AGO
    for index in range(runs):
        run = directory / "eval-set" / f"rm-{index:02d}"
        run.mkdir(parents=True, exist_ok=True)
        base = rng.uniform(0.55, 0.85, len(subsets))
        for checkpoint in range(checkpoints):
            scores = np.clip(base + checkpoint / checkpoints * 0.1 + rng.normal(0, 0.01, len(subsets)), 0, 1)
            document = {
                "model": f"rm-{index}",
                "model_type": "Seq. Classifier",
                **dict(zip(subsets, scores.round(4), strict=True)),
            }
            path = run / f"checkpoint-{checkpoint * 100}.json"
            path.write_text(json.dumps(document, sort_keys=True, indent=4))
            evaluated = last - (checkpoints - 1 - checkpoint) * EVALUATED_EVERY_S
            os.utime(path, (evaluated, evaluated))
        os.utime(run, (last, last))
    for folder in (directory / "eval-set", directory):
        os.utime(folder, (last, last))
    return directory


SWEEPS = {"sweep": (10, 20, 1500), "sweep-tiny": (2, 2, 40)}  # runs, checkpoints, bytes per chosen/rejected text
SWEEP_VERSION = 1  # bump when the sweep's files change, so a kept copy is written again


def write_sweep(directory: Path, runs: int, checkpoints: int, text_bytes: int) -> Path:
    """A working directory after scripts/run_rm.py evaluated ``checkpoints`` checkpoints of ``runs`` runs
    (runs/rm-NN/checkpoint-N): a summary and a per-prompt file of 2,985 prompts each, with texts of about
    ``text_bytes`` per chosen and rejected answer. Written once: a kept copy with its marker is reused."""
    marker = directory / f".written-v{SWEEP_VERSION}"
    if marker.exists():
        return directory
    for run in range(runs):
        for checkpoint in range(checkpoints):
            step = (checkpoint + 1) * 100
            evaluation = rewardbench_tools.Evaluation(
                skill=0.6 + 0.2 * checkpoint / checkpoints, seed=run * 1000 + checkpoint, text_bytes=text_bytes
            )
            rewardbench_tools.run_rm(directory, f"runs/rm-{run:02d}/checkpoint-{step}", evaluation)
    marker.write_text("")
    return directory
