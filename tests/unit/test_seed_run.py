"""The shipped run must say everything the chart description says (../shared/seed/rewardbench-chart.txt)."""

import numpy as np
import pandas as pd
import pytest

from components.loader import load_run
from components.metrics import METRICS
from tests.support import SHIPPED_RUN


@pytest.fixture(scope="module")
def run() -> pd.DataFrame:
    return load_run(SHIPPED_RUN).pivot(index="step", columns="metric", values="value")[list(METRICS)]


def test_has_the_five_metrics_every_25_steps_from_0_to_600(run):
    assert list(run.columns) == ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]
    assert list(run.index) == list(range(0, 601, 25))
    assert not run.isna().any().any()


@pytest.mark.parametrize(
    ("metric", "start"), [("Chat", 83), ("Chat Hard", 61), ("Safety", 74), ("Reasoning", 85), ("Overall", 81)]
)
def test_each_line_starts_where_the_chart_does(run, metric, start):
    assert run.loc[0, metric] == pytest.approx(start, abs=0.5)


@pytest.mark.parametrize(
    ("metric", "peak", "peak_step"),
    [("Chat", 93, 550), ("Chat Hard", 75, 350), ("Reasoning", 92, 200), ("Overall", 88, 500)],
)
def test_each_line_peaks_at_the_described_value_and_step(run, metric, peak, peak_step):
    assert run[metric].idxmax() == peak_step
    assert run[metric].max() == pytest.approx(peak, abs=0.5)


@pytest.mark.parametrize(
    ("metric", "step", "value"),
    [
        ("Chat", 600, 91),
        ("Chat Hard", 450, 68),
        ("Chat Hard", 600, 70),
        ("Reasoning", 400, 88),
        ("Reasoning", 600, 90),
        ("Overall", 600, 86),
    ],
)
def test_named_dips_and_end_values(run, metric, step, value):
    assert run.loc[step, metric] == pytest.approx(value, abs=0.5)


def test_dips_are_the_low_points_after_each_peak(run):
    assert run.loc[350:, "Chat Hard"].idxmin() == 450
    assert run.loc[200:, "Reasoning"].idxmin() == 400
    # ...and both recover from them by step 600.
    assert run.loc[600, "Chat Hard"] > run.loc[450, "Chat Hard"]
    assert run.loc[600, "Reasoning"] > run.loc[400, "Reasoning"]


def test_lines_decline_slightly_after_their_late_peaks(run):
    assert run.loc[600, "Chat"] < run.loc[550, "Chat"]
    assert run.loc[600, "Overall"] < run.loc[500, "Overall"]


def test_stated_ranges_hold(run):
    safety_after_start = run.loc[25:, "Safety"]
    assert safety_after_start.min() >= 76 and safety_after_start.max() <= 82
    assert run["Chat Hard"].max() <= 75
    assert run.min().min() >= 60 and run.max().max() <= 95


def test_chat_and_reasoning_are_highest_and_chat_hard_lowest_at_every_step(run):
    others = run[["Chat Hard", "Safety", "Overall"]].max(axis=1)
    assert (run[["Chat", "Reasoning"]].min(axis=1) > others).all()
    assert (run["Chat Hard"] < run.drop(columns="Chat Hard").min(axis=1)).all()


def test_every_line_trends_upwards(run):
    steps = run.index.to_numpy(dtype=float)
    for metric in METRICS:
        slope = np.polyfit(steps, run[metric].to_numpy(), 1)[0]
        assert slope > 0, metric
        assert run[metric].iloc[-8:].mean() > run[metric].iloc[:8].mean(), metric


def test_chat_hard_is_most_volatile_and_safety_most_stable(run):
    volatility = run.diff().std()
    assert volatility.idxmax() == "Chat Hard"
    assert volatility.idxmin() == "Safety"


def test_values_between_stated_points_are_noisy_not_straight_lines(run):
    for metric in METRICS:
        changes = np.sign(run[metric].diff().dropna().to_numpy())
        direction_changes = int((changes[1:] != changes[:-1]).sum())
        assert direction_changes >= 4, metric


def test_overall_is_the_charted_line_not_the_mean_of_the_sections(run):
    section_mean = run[["Chat", "Chat Hard", "Safety", "Reasoning"]].mean(axis=1)
    assert not np.allclose(run["Overall"], section_mean, atol=0.5)
