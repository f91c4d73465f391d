"""Which runs, metrics and steps are shown, as the user's choices and the data change."""

import pandas as pd
import pytest

from components.palette import run_colours
from components.render import chart_state
from components.view import (
    make_view,
    matching_runs,
    selection_after,
    step_range_after,
    visible_after,
)


def frame_of(rows):
    return pd.DataFrame(rows, columns=["run", "step", "metric", "value"])


FRAME = frame_of(
    [("lr-1e-6", 0, "Chat", 80.0), ("lr-1e-6", 100, "Chat", 82.0), ("lr-2e-6", 0, "Chat", 81.0),
     ("lr-2e-6", 0, "Safety", 70.0), ("baseline", 50, "RB2 Score", 60.0)]
)  # fmt: skip


def test_regex_filter_is_a_case_insensitive_search():
    assert matching_runs(["lr-1e-6", "lr-2e-6", "baseline"], "LR-[12]")[0] == ["lr-1e-6", "lr-2e-6"]
    assert matching_runs(["a", "b"], "")[0] == ["a", "b"]


def test_a_bad_regex_shows_everything_and_says_why():
    runs, error = matching_runs(["a", "b"], "lr-(")
    assert runs == ["a", "b"]
    assert error.startswith("'lr-(' is not a valid regular expression")


def test_a_pattern_re2_cannot_match_in_linear_time_is_refused_with_a_message():
    runs, error = matching_runs(["aa"], r"(a)\1")  # a backreference
    assert runs == ["aa"] and "is not a valid regular expression (invalid escape sequence" in error


def test_a_filter_longer_than_a_shared_link_can_carry_is_refused():
    runs, error = matching_runs(["a"], "a" * 201)
    assert runs == ["a"] and error == "the filter is longer than 200 characters; showing every run"


def test_view_shows_selected_matching_runs_and_their_metrics():
    view = make_view(FRAME, ["lr-1e-6", "lr-2e-6", "baseline"], pattern="lr")
    assert view.runs == ("lr-1e-6", "lr-2e-6")
    assert view.metrics == ("Chat", "Safety")
    assert view.bounds == (0.0, 100.0)
    assert make_view(FRAME, []).bounds is None


def test_run_colours_are_fixed_by_place_among_all_runs():
    colours = run_colours(["a", "b", "c"])
    assert colours == run_colours(["a", "b", "c"])
    assert len(set(colours.values())) == 3


@pytest.mark.parametrize(
    ("selected", "previous", "names", "uploaded", "expected"),
    [
        (["a", "b"], ["a", "b"], ["a", "b", "c"], [], ["a", "b", "c"]),  # showing everything: new runs join
        (["a"], ["a", "b"], ["a", "b", "c"], [], ["a"]),  # a chosen subset stays as chosen
        (["a"], ["a", "b"], ["a", "b", "up"], ["up"], ["a", "up"]),  # an upload is always shown
        (["a", "gone"], ["a", "gone"], ["a"], [], ["a"]),  # a run that disappeared is dropped
        ([], [], ["a"], [], ["a"]),  # the first run to appear in an empty directory
    ],
)
def test_selection_after_the_runs_change(selected, previous, names, uploaded, expected):
    assert selection_after(selected, previous, names, uploaded) == expected


def test_visible_metrics_keep_choices_and_show_newcomers():
    assert visible_after(["Chat"], ["Chat", "Safety"], ["Chat", "Safety", "Overall"]) == ["Chat", "Overall"]


@pytest.mark.parametrize(
    ("current", "old", "new", "expected"),
    [
        ([0, 600], (0, 600), (0, 625), (0, 625)),  # the full range grows with the run
        ([100, 300], (0, 600), (0, 625), (100.0, 300.0)),  # a zoom stays
        ([100, 300], (0, 600), (0, 50), (0, 50)),  # a zoom outside the new runs falls back to all steps
        (None, None, (10, 20), (10, 20)),
    ],
)
def test_step_range_after_the_data_changes(current, old, new, expected):
    assert step_range_after(current, old, new) == expected


def test_chart_state_for_the_first_page_and_after_a_reload():
    first = chart_state(FRAME, ["lr-1e-6"])
    assert first.slider_bounds == (0, 100) and first.slider_value == [0, 100]
    assert first.visible_metrics == ["Chat"] and first.chart.legend is None
    later = chart_state(FRAME, ["lr-1e-6", "lr-2e-6"], previous_visible=[], previous_options=["Chat"],
                        previous_range=[0, 100], previous_bounds=(0, 100))  # fmt: skip
    assert later.visible_metrics == ["Safety"]  # Chat stays hidden, Safety is new
    assert later.chart.legend is not None  # two runs: panels
