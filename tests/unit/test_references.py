"""Reference lines: a published model's result read as the loader reads any file, drawn across every panel."""

from pathlib import Path

import pytest

from app import parse_args
from components.config import Settings
from components.figures import ChartOptions, build_chart, build_figure, zoom_updates
from components.loader import load_path
from components.provider import DataProvider
from components.references import references_from
from components.view import make_view
from tests import rewardbench_tools as tools


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("references")
    tools.run_rm(directory, "org/published-rm", tools.Evaluation(skill=0.8, seed=5))
    return directory


def test_a_published_result_gives_a_reference_per_metric_with_its_interval(published):
    references, problems = DataProvider(Settings(references=published)).references(95)
    assert problems == ()
    overall = next(r for r in references if r.metric == "Overall")
    expected = load_path(published).frame
    value = expected[expected["metric"] == "Overall"]["value"].iloc[0]
    assert overall.name == "org/published-rm" and overall.value == pytest.approx(value)
    assert overall.lo < overall.value < overall.hi and not overall.approximate  # bootstrap over its prompts


def test_a_reference_is_its_last_step(tmp_path):
    (tmp_path / "ref.csv").write_text("step,Chat\n0,70\n100,80\n")
    (reference,) = references_from(load_path(tmp_path).frame)
    assert (reference.name, reference.metric, reference.value, reference.lo) == ("ref", "Chat", 80.0, None)


def test_a_reference_path_that_cannot_be_read_is_a_message_and_no_line(tmp_path):
    references, problems = DataProvider(Settings(references=tmp_path / "missing")).references(95)
    assert references == [] and problems == (f"references: {tmp_path / 'missing'}: no such file or directory",)


def test_references_come_from_the_command_line_and_the_environment(tmp_path):
    assert parse_args(["--references", str(tmp_path)]).references == tmp_path
    assert Settings.from_env({"REWARDBENCH_REFERENCES": str(tmp_path)}).references == tmp_path
    assert Settings.from_env({}).references is None


def run_frame(tmp_path):
    (tmp_path / "run.csv").write_text("step,Chat,Overall\n0,60,61\n100,62,63\n")
    return load_path(tmp_path / "run.csv").frame


def test_each_metric_gets_its_reference_line_and_the_y_axis_reaches_it(tmp_path, published):
    frame = run_frame(tmp_path)
    references, _ = DataProvider(Settings(references=published)).references(95)
    view = make_view(frame, ["run"])
    figure = build_figure(frame, view, visible_metrics=["Chat"], x_range=(0, 100), title="", references=references)
    layout = figure["layout"]
    overall = next(r for r in references if r.metric == "Overall")
    lines = [s for s in layout["shapes"] if s["type"] == "line"]
    assert {s["name"] for s in lines} == {"ref:Chat", "ref:Overall"}
    line = next(s for s in lines if s["name"] == "ref:Overall")
    assert line["y0"] == overall.value and line["visible"] is False  # Overall is not ticked: its line hides too
    label = next(a for a in layout["annotations"] if a.get("name") == "ref:Overall")
    assert label["text"].startswith(f"org/published-rm Overall {overall.value:.1f}% (")
    chat = next(r for r in references if r.metric == "Chat")
    assert layout["yaxis"]["range"][1] > chat.hi  # the axis fits the visible reference and its interval
    assert layout["meta"]["references"]["Overall"] == pytest.approx([overall.value, overall.lo, overall.hi])


def test_chance_lines_on_request_at_50_and_at_25_for_rewardbench_2(tmp_path):
    frame = run_frame(tmp_path)
    view = make_view(frame, ["run"])
    plain = build_figure(frame, view, visible_metrics=view.metrics, x_range=(0, 100), title="")
    assert not plain["layout"]["shapes"] and plain["layout"]["yaxis"]["range"][0] > 55
    chance = build_figure(frame, view, visible_metrics=view.metrics, x_range=(0, 100), title="",
                          options=ChartOptions(chance=True))  # fmt: skip
    (line,) = [s for s in chance["layout"]["shapes"] if s["name"] == "chance"]
    assert line["y0"] == 50 and chance["layout"]["yaxis"]["range"][0] < 50
    (tmp_path / "rb2.csv").write_text("step,RB2 Focus,RB2 Math\n0,60,70\n")
    rb2 = load_path(tmp_path / "rb2.csv").frame
    panels = build_chart(rb2, make_view(rb2, ["rb2"]), visible_metrics=["RB2 Focus"], x_range=(0, 1), title="",
                         options=ChartOptions(chance=True))  # fmt: skip
    assert [s["y0"] for s in next(iter(panels.panels.values()))["layout"]["shapes"]] == [25.0]


def test_a_zoom_keeps_the_reference_in_sight(tmp_path, published):
    frame = run_frame(tmp_path)
    references, _ = DataProvider(Settings(references=published)).references(95)
    view = make_view(frame, ["run"])
    updates = zoom_updates(frame, view, ["Chat"], (0, 50), references=references)
    chat = next(r for r in references if r.metric == "Chat")
    assert updates[""][("layout", "yaxis", "range")][1] > chat.hi
