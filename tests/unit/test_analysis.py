"""Best checkpoint, summary statistics and smoothing, against values worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from components.analysis import best_checkpoint, best_checkpoints, ema, moving_average, summarize, summary_rows
from components.best import best_panel_data
from components.loader import load_path, load_run
from components.view import make_view
from tests.support import SHIPPED_RUN

NAN = math.nan


def test_best_is_the_highest_value():
    best = best_checkpoint([0, 100, 200], [80.0, 88.0, 86.0])
    assert (best.step, best.value, best.tied_steps) == (100, 88.0, ())


def test_a_tie_picks_the_earliest_step_and_names_the_others():
    best = best_checkpoint([300, 100, 200], [88.0, 88.0, 80.0])
    assert (best.step, best.tied_steps) == (100, (300,))


def test_gaps_are_not_the_best_and_nothing_gives_none():
    assert best_checkpoint([0, 1], [NAN, 70.0]).step == 1
    assert best_checkpoint([0, 1], [NAN, NAN]) is None
    assert best_checkpoint([], []) is None


def test_best_checkpoint_of_the_shipped_run_is_overall_88_at_step_500():
    frame = load_run(SHIPPED_RUN)
    (best,) = best_checkpoints(frame, ["seed-run"], "Overall")
    assert (best.run, best.step, best.value) == ("seed-run", 500, 88.0)
    assert best_checkpoints(frame, ["seed-run"], "RB2 Score") == []


def test_summary_by_hand():
    stats = summarize([0, 10, 20, 30], [80.0, 82.0, 81.0, 85.0])
    assert stats["first"] == 80.0 and stats["last"] == 85.0 and stats["change"] == 5.0
    assert (stats["peak"], stats["peak_step"]) == (85.0, 30)
    assert (stats["lowest"], stats["lowest_step"]) == (80.0, 0)
    assert stats["mean"] == pytest.approx(82.0)
    assert stats["volatility"] == pytest.approx(np.std([2.0, -1.0, 4.0], ddof=1))


def test_summary_of_one_point():
    stats = summarize([50], [70.0])
    assert stats["first"] == stats["last"] == stats["peak"] == stats["lowest"] == stats["mean"] == 70.0
    assert stats["change"] == 0.0 and stats["volatility"] is None


def test_summary_skips_gaps_and_sorts_steps():
    stats = summarize([20, 0, 10, 30], [NAN, 80.0, 90.0, 84.0])
    assert (stats["first"], stats["last"], stats["peak_step"]) == (80.0, 84.0, 10)
    assert stats["volatility"] == pytest.approx(np.std([10.0, -6.0], ddof=1))
    assert summarize([0, 1], [NAN, NAN])["mean"] is None


def test_summary_rows_cover_only_the_chosen_steps():
    frame = load_run(SHIPPED_RUN)
    rows = summary_rows(frame, ["seed-run"], ["Chat Hard", "Safety"], (300, 450))
    chat_hard = next(row for row in rows if row["metric"] == "Chat Hard")
    assert (chat_hard["first"], chat_hard["last"], chat_hard["peak"], chat_hard["peak_step"]) == (70.4, 68.0, 75.0, 350)
    assert [row["metric"] for row in rows] == ["Chat Hard", "Safety"]


def test_ema_matches_tensorboard_by_hand():
    # w = 0.5: last = 5 -> 0.5*5 + 0.5*7 = 6 -> 0.5*6 + 0.5*3 = 4.5; debias by 1 - 0.5**n.
    smoothed = ema([10.0, 7.0, 3.0], 0.5)
    assert list(smoothed) == pytest.approx([10.0, 6.0 / 0.75, 4.5 / 0.875])


def test_ema_passes_non_finite_values_through_without_counting_them():
    smoothed = ema([10.0, NAN, 7.0], 0.5)
    assert smoothed[0] == 10.0 and math.isnan(smoothed[1]) and smoothed[2] == pytest.approx(6.0 / 0.75)


def test_ema_with_weight_zero_is_the_raw_line():
    assert list(ema([1.0, 5.0, 2.0], 0.0)) == [1.0, 5.0, 2.0]


def test_centred_moving_average_by_hand():
    assert list(moving_average([1.0, 2.0, 6.0, 4.0, 5.0], 3)) == pytest.approx([1.5, 3.0, 4.0, 5.0, 4.5])
    with_gap = moving_average([1.0, NAN, 3.0], 3)
    assert with_gap[0] == 1.0 and math.isnan(with_gap[1]) and with_gap[2] == 3.0


def test_summary_rows_of_an_empty_frame():
    empty = pd.DataFrame(columns=["run", "step", "metric", "value"])
    assert summary_rows(empty, ["a"], ["Chat"], (0, 1)) == []


def test_the_best_panel_lists_each_runs_metrics_and_subsets_at_its_best_step(runs_dir):
    frame = load_path(runs_dir).frame
    view = make_view(frame, ["rm-checkpoints", "wide"])
    data = best_panel_data(frame, best_checkpoints(frame, view.runs, "Overall"))
    assert data["metric"] == "Overall"
    by_run = {run["run"]: run for run in data["runs"]}
    assert set(by_run) == {"rm-checkpoints", "wide"}
    checkpoints = by_run["rm-checkpoints"]
    at_step = frame[(frame["run"] == "rm-checkpoints") & (frame["step"] == checkpoints["step"])]
    values = dict(zip(at_step["metric"], at_step["value"], strict=True))
    assert [name for name, _ in checkpoints["metrics"]][:5] == ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]
    assert all(value == pytest.approx(values[name]) for name, value in checkpoints["metrics"])
    sections = dict(checkpoints["subsets"])
    assert "Chat subsets" in sections and all(
        value == pytest.approx(values[s]) for s, value in sections["Chat subsets"]
    )
    assert by_run["wide"]["subsets"] == []


def test_the_best_panel_is_empty_without_a_metric():
    assert best_panel_data(load_run(SHIPPED_RUN), []) == {"metric": None, "runs": []}
