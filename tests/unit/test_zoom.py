"""Zoom handling: every relayoutData shape Plotly sends, the slider, reset, and the fitted y range."""

import pandas as pd
import pytest

from components.loader import load_run
from components.zoom import (
    AxisScale,
    ZoomPlan,
    ZoomRequest,
    axis_scale,
    fit_value_range,
    padded,
    plan_zoom,
    read_relayout,
    slider_value_for,
    step_bounds,
)
from tests.support import SHIPPED_RUN

BOUNDS = (0.0, 600.0)


@pytest.mark.parametrize(
    ("relayout", "request_"),
    [
        ({"xaxis.range[0]": 100.5, "xaxis.range[1]": 300.25}, ZoomRequest(100.5, 300.25)),
        ({"xaxis.range": [120, 480]}, ZoomRequest(120.0, 480.0)),
        ({"xaxis.range[0]": 50}, ZoomRequest(50.0, None)),
        ({"xaxis.range[1]": 550}, ZoomRequest(None, 550.0)),
        ({"xaxis.autorange": True}, ZoomRequest(full=True)),
        ({"xaxis.autorange": True, "xaxis.showspikes": False}, ZoomRequest(full=True)),
        ({"xaxis.autorange": True, "yaxis.autorange": True}, ZoomRequest(full=True)),
        ({"xaxis2.range[0]": 10, "xaxis2.range[1]": 20}, ZoomRequest(10.0, 20.0)),
        ({"xaxis.range[0]": "100", "xaxis.range[1]": "200"}, ZoomRequest(100.0, 200.0)),
        (
            {"xaxis.range[0]": 100, "xaxis.range[1]": 200, "yaxis.range[0]": 60, "yaxis.range[1]": 90},
            ZoomRequest(100.0, 200.0),
        ),
    ],
)
def test_relayout_shapes_that_move_the_step_axis(relayout, request_):
    assert read_relayout(relayout) == request_


@pytest.mark.parametrize(
    "relayout",
    [
        None,
        {},
        {"autosize": True},
        {"dragmode": "pan"},
        {"hovermode": "closest"},
        {"yaxis.range[0]": 60, "yaxis.range[1]": 90},
        {"xaxis.autorange": False},
        {"xaxis.range": [1]},
        {"xaxis.range[0]": "abc"},
        {"xaxis.range[0]": float("nan")},
        {"xaxis.range": None},
    ],
)
def test_relayouts_that_do_not_move_the_step_axis_change_nothing(relayout):
    assert read_relayout(relayout) is None
    assert plan_zoom("chart", [0, 600], relayout, BOUNDS, BOUNDS) is None


def test_box_zoom_keeps_the_exact_range_and_moves_the_slider_to_whole_steps():
    plan = plan_zoom("chart", [0, 600], {"xaxis.range[0]": 100.4, "xaxis.range[1]": 299.6}, BOUNDS, BOUNDS)
    assert plan == ZoomPlan(x_range=(100.4, 299.6), slider_value=[100, 300])


def test_dragging_one_axis_end_keeps_the_other():
    plan = plan_zoom("chart", [100, 400], {"xaxis.range[1]": 500}, (100, 400), BOUNDS)
    assert plan.x_range == (100, 500.0)
    assert plan.slider_value == [100, 500]


def test_panning_past_the_data_clamps_the_slider_not_the_axis():
    plan = plan_zoom("chart", [0, 600], {"xaxis.range": [450, 750]}, BOUNDS, BOUNDS)
    assert plan.x_range == (450.0, 750.0)
    assert plan.slider_value == [450, 600]


def test_reversed_range_is_put_in_order():
    plan = plan_zoom("chart", [0, 600], {"xaxis.range": [300, 100]}, BOUNDS, BOUNDS)
    assert plan.x_range == (100.0, 300.0)


@pytest.mark.parametrize(("source", "relayout"), [("reset", None), ("chart", {"xaxis.autorange": True})])
def test_reset_and_double_click_return_to_the_full_range(source, relayout):
    plan = plan_zoom(source, [200, 300], relayout, (200, 300), BOUNDS)
    assert plan.slider_value == [0, 600]
    assert plan.x_range[0] < 0 and plan.x_range[1] > 600


def test_slider_sets_a_padded_axis_range_and_leaves_itself_alone():
    plan = plan_zoom("slider", [200, 400], None, (200, 400), BOUNDS)
    assert plan.slider_value is None
    low, high = plan.x_range
    assert 190 < low < 200 and 400 < high < 410


@pytest.mark.parametrize("value", [None, [], [100], [None, 200]])
def test_incomplete_slider_values_change_nothing(value):
    assert plan_zoom("slider", value, None, BOUNDS, BOUNDS) is None


def test_unknown_trigger_changes_nothing():
    assert plan_zoom("", [0, 600], {"xaxis.range": [1, 2]}, BOUNDS, BOUNDS) is None


def test_padding_draws_end_markers_whole_even_for_a_single_step():
    assert padded((0, 600)) == (-12.0, 612.0)
    low, high = padded((300, 300))
    assert low < 300 < high


def test_slider_value_for_rounds_and_clamps():
    assert slider_value_for((-12.0, 612.0), BOUNDS) == [0, 600]
    assert slider_value_for((99.6, 250.2), BOUNDS) == [100, 250]


def test_fitted_y_range_covers_only_the_visible_metrics_and_steps():
    frame = load_run(SHIPPED_RUN)
    assert step_bounds(frame) == (0.0, 600.0)
    low, high = fit_value_range(frame, ["Chat", "Reasoning"], (300, 600))
    assert 86 < low < 88 and 93 < high < 94  # Reasoning's 88.0 at 400 .. Chat's 93.0 at 550
    everything_low, everything_high = fit_value_range(frame, ["Chat Hard", "Chat"], (0, 600))
    assert everything_low < 61 and everything_high > 93


def test_fitted_y_range_is_none_when_nothing_is_visible():
    frame = load_run(SHIPPED_RUN)
    assert fit_value_range(frame, [], (0, 600)) is None
    assert fit_value_range(frame, ["Chat"], (1000, 2000)) is None


def test_axis_scale_maps_steps_to_another_unit_and_back():
    frame = pd.DataFrame({"run": ["a"] * 3, "step": [0, 100, 200], "metric": ["x:Epoch"] * 3, "value": [0.0, 0.5, 1.0]})
    scale = axis_scale(frame, ["a"], "x:Epoch")
    assert scale.to_axis((50, 150)) == pytest.approx((0.25, 0.75))
    assert scale.to_steps((0.25, 0.75)) == pytest.approx((50, 150))
    assert scale.to_axis((-10, 210)) == pytest.approx((-0.05, 1.05))  # the padding beyond the ends
    assert axis_scale(frame, ["a"], "x:Tokens seen") is None


def test_a_box_zoom_on_an_epoch_axis_moves_the_slider_in_steps():
    scale = AxisScale(steps=(0.0, 100.0, 200.0), values=(0.0, 0.5, 1.0))
    plan = plan_zoom("chart", [0, 200], {"xaxis.range": [0.25, 0.75]}, (0, 200), (0, 200), scale)
    assert plan.slider_value == [50, 150]
    assert plan.x_range == pytest.approx((50, 150))
