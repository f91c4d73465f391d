"""Rules that run in the browser and on the server, run in Chromium against the Python ones on shared cases."""

import math

import pandas as pd
import pytest

from components.viewstate import FIELDS, ViewState, schema, view_data
from components.zoom import fit_value_range

ODD_VALUES = [None, "", "x" * 200, "😀" * 200, "😀" * 201, 0, 0.6, 0.61, 0.605, 0.99, 1, -1, 3, 4, 5, 15, 17,
              True, math.nan, [], ["a"], ["a", 1], [0, 600], [600, 0], [1, 2, 3], "fit", "full", "off", "ema",
              "moving-average", ["table"], {}, "Overall"]  # fmt: skip


def json_safe(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def test_a_view_field_accepts_the_same_values_in_the_browser_as_on_the_server(page):
    cases = [(field, value) for field in FIELDS for value in ODD_VALUES]
    fields = {item["key"]: item for item in schema()}
    browser = page.evaluate(
        "([fields, cases]) => cases.map(([key, value]) => window.rewardbench.view.accepts(fields[key], value))",
        [fields, [[field.key, json_safe(value)] for field, value in cases]],
    )
    python = [field.accepts(json_safe(value)) for field, value in cases]
    assert [case for case, b, p in zip(cases, browser, python, strict=True) if b != p] == []


FIT_CASES = [
    ({"Chat": [(0, 80.0), (100, 90.0), (200, None)], "Safety": [(0, 60.0), (100, 95.0)]}, ["Chat"], (0, 150)),
    ({"Chat": [(0, 80.0), (100, 90.0)], "Safety": [(0, 60.0), (100, 95.0)]}, ["Chat", "Safety"], (50, 150)),
    ({"Chat": [(0, 80.0), (100, 80.0)]}, ["Chat"], (0, 100)),
    ({"Chat": [(0, 80.0)]}, ["Safety"], (0, 100)),
    ({"Chat": [(0, 80.0), (500, 20.5)]}, ["Chat"], (400, 600)),
]


def test_the_y_axis_fits_the_shown_lines_the_same_in_the_browser_as_on_the_server(page):
    for lines, shown, steps in FIT_CASES:
        traces = [{"meta": {"metric": metric}, "x": [s for s, _ in points], "y": [v for _, v in points]}
                  for metric, points in lines.items()]  # fmt: skip
        browser = page.evaluate(
            "([t, s, r]) => window.rewardbench.lines.fitValueRange(t, s, r)", [traces, shown, steps]
        )
        rows = [{"run": "r", "step": s, "metric": m, "value": math.nan if v is None else v}
                for m, points in lines.items() for s, v in points]  # fmt: skip
        python = fit_value_range(pd.DataFrame(rows), shown, steps)
        assert browser == pytest.approx(python) if python else browser is None, (lines, shown, steps)


VIEWS = [
    ViewState(
        runs=("a", "b"),
        metrics=("Chat", "Overall"),
        steps=(100, 400),
        smoothing="ema",
        weight=0.5,
        best="Chat",
        y="full",
        table=["table"],
        x="x:Epoch",
        filter="lr-.*",
    ),  # fmt: skip
    ViewState(runs=("a",), metrics=(), steps=(0, 600), smoothing="moving-average", window=7, best=None),
    ViewState(runs=("b",), metrics=("Safety",), steps=(0, 10)),
]


def test_a_view_shared_as_a_link_opens_as_the_same_view(page):
    for view in VIEWS:
        assert_round_trip(page, view)


def assert_round_trip(page, view):
    known = {"runs": ["a", "b"], "metrics": ["Chat", "Safety", "Overall"]}
    data = {**view_data(view), "steps": [int(step) for step in view.steps], "theme": None}
    again = page.evaluate(
        """([schema, view, known]) => {
            const link = window.rewardbench.view.encode(schema, view);
            const fallback = window.rewardbench.view.defaults(schema, known, [0, 600]);
            return window.rewardbench.view.decode(schema, link, known, fallback);
        }""",
        [schema(), data, known],
    )
    expected = {**data, "theme": "light"}  # the theme is the page's, never a link's
    if view.smoothing != "ema":
        expected["weight"] = 0.6  # a mode's setting travels only with its mode
    if view.smoothing != "moving-average":
        expected["window"] = 5
    assert again == expected
