"""The chart a user sees: lines, colours, order, axes, hover format, visibility."""

import math

import pytest

from components.figures import METRIC_COLOURS, build_figure
from components.layout import slider_marks
from components.loader import load_run
from tests.support import SHIPPED_RUN

ALL = ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]


@pytest.fixture(scope="module")
def frame():
    return load_run(SHIPPED_RUN)


def make(frame, visible=ALL, x_range=(-12, 612)):
    return build_figure(frame, title="RewardBench over training: seed-run", visible_metrics=visible, x_range=x_range)


def test_one_line_with_markers_per_metric_in_legend_order_and_chart_colours(frame):
    figure = make(frame)
    assert [trace.name for trace in figure.data] == ALL
    assert [trace.line.color for trace in figure.data] == ["#1f77b4", "#ff7f0e", "#2ca02c", "#ffbb78", "#d62728"]
    assert all(trace.mode == "lines+markers" for trace in figure.data)
    assert list(figure.data[0].x) == list(range(0, 601, 25))


def test_axes_and_title(frame):
    layout = make(frame).layout
    assert layout.xaxis.title.text == "Training steps"
    assert layout.yaxis.title.text == "RewardBench (%)"
    assert layout.xaxis.showgrid is True
    assert "seed-run" in layout.title.text
    assert list(layout.xaxis.range) == [-12, 612]


def test_hover_shows_every_metric_at_a_step_with_one_decimal_percent(frame):
    figure = make(frame)
    assert figure.layout.hovermode == "x unified"
    assert figure.layout.xaxis.unifiedhovertitle.text == "Step %{x}"
    assert all(trace.hovertemplate == "%{y:.1f}%" for trace in figure.data)


def test_hidden_metrics_stay_in_the_legend_and_the_y_range_fits_the_visible_ones(frame):
    figure = make(frame, visible=["Chat", "Reasoning"])
    assert [trace.visible for trace in figure.data] == [True, "legendonly", "legendonly", True, "legendonly"]
    low, high = figure.layout.yaxis.range
    assert 82 < low < 83 and 93 < high < 94


def test_zoom_is_kept_across_updates_and_y_follows_the_data(frame):
    layout = make(frame).layout
    assert layout.uirevision
    assert layout.yaxis.fixedrange is True


def test_missing_values_are_drawn_as_gaps(frame):
    gappy = frame.copy()
    gappy.loc[(gappy["metric"] == "Chat") & (gappy["step"] == 100), "value"] = math.nan
    chat = build_figure(gappy, title="t", visible_metrics=ALL, x_range=(0, 600)).data[0]
    assert chat.y[4] is None and chat.connectgaps is False


def test_metrics_missing_from_the_data_get_no_line(frame):
    only_two = frame[frame["metric"].isin(["Safety", "Overall"])]
    figure = build_figure(only_two, title="t", visible_metrics=ALL, x_range=(0, 600))
    assert [trace.name for trace in figure.data] == ["Safety", "Overall"]


def test_every_metric_has_a_colour():
    assert set(METRIC_COLOURS) == set(ALL)


def test_slider_marks_every_checkpoint_and_labels_round_steps_only():
    marks = slider_marks(list(range(0, 601, 25)))
    assert sorted(marks) == list(range(0, 601, 25))
    assert [step for step, label in marks.items() if label] == [0, 100, 200, 300, 400, 500, 600]
    assert [s for s, label in slider_marks([0, 1, 2, 3]).items() if label] == [0, 1, 2, 3]
