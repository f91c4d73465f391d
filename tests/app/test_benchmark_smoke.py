"""The benchmark script works end to end at its small size (its figures are read by people, not asserted)."""

import json
import subprocess
import sys

from tests.support import REPO


def test_the_benchmark_runs_at_the_small_size(tmp_path):
    command = [sys.executable, str(REPO / "bench" / "benchmark.py"), "--sizes", "small", "sweep-tiny", "--loads", "1",
               "--out", str(tmp_path), "--keep", str(tmp_path / "kept")]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "benchmark.json").read_text())
    small = report["results"]["small"]
    assert small["toggle_server_requests"]["median"] == 0
    assert small["poll_unchanged_bytes"]["median"] < 1024
    for measure in (
        "first_chart_s",
        "floor_first_chart_s",
        "floor_step_range_ms",
        "transferred_mb",
        "step_range_ms",
        "hover_ms",
        "poll_unchanged_server_ms",
        "worker_peak_rss_mb",
    ):
        assert measure in small
    assert "first_chart_s" in (tmp_path / "benchmark.md").read_text()
    sweep = report["results"]["sweep-tiny"]  # RewardBench's tools' output, per-prompt files included
    assert sweep["files"] == 8 and sweep["new_checkpoint_poll_and_load_ms"] is not None
    for measure in ("first_load_vs_floor", "cached_reread_ms", "outcome_bytes_per_checkpoint", "poll_unchanged_ms"):
        assert measure in sweep
