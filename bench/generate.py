"""Synthetic runs for the benchmark, the same for a given seed: wide CSV runs and RewardBench result directories."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from components.metrics import METRICS
from components.scoring import SUBSET_WEIGHTS

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
    """``runs`` directories of RewardBench result files (run_rm.py's flat format), one per checkpoint, with the
    modification times of a run evaluated over the past day."""
    rng = np.random.default_rng(seed)
    subsets = [subset for weights in SUBSET_WEIGHTS.values() for subset in weights]
    last = time.time() - LAST_EVALUATED_S_AGO
    for index in range(runs):
        run = directory / f"rm-{index:02d}"
        run.mkdir(parents=True, exist_ok=True)
        base = rng.uniform(0.55, 0.85, len(subsets))
        for checkpoint in range(checkpoints):
            scores = np.clip(base + checkpoint / checkpoints * 0.1 + rng.normal(0, 0.01, len(subsets)), 0, 1)
            document = {
                "model": f"rm-{index}",
                "model_type": "Seq. Classifier",
                **dict(zip(subsets, scores.round(4), strict=True)),
            }
            path = run / f"step_{checkpoint * 100}.json"
            path.write_text(json.dumps(document, sort_keys=True, indent=4))
            evaluated = last - (checkpoints - 1 - checkpoint) * EVALUATED_EVERY_S
            os.utime(path, (evaluated, evaluated))
        os.utime(run, (last, last))
    os.utime(directory, (last, last))
    return directory
