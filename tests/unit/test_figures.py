"""The charts a user sees: lines, colours, order, axes, hover format, visibility; and panels for many runs."""

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from components import figures
from components.figures import ChartOptions, panel_domains, zoom_updates
from components.loader import load_path, load_run
from components.palette import METRIC_COLOURS
from components.render import chart_state, slider_marks
from components.view import View, make_view
from components.zoom import fit_value_range
from tests.support import SHIPPED_RUN

ALL = ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]
RUNS = SHIPPED_RUN.parents[1] / "tests" / "fixtures" / "runs"


@pytest.fixture(scope="module")
def frame():
    return load_run(SHIPPED_RUN)


@pytest.fixture(scope="module")
def many():
    return load_path(RUNS).frame


def build_figure(*args, **kwargs) -> go.Figure:
    """The figure as plotly reads it: building it checks every property against plotly's schema, which the
    dashboard skips for speed."""
    return go.Figure(figures.build_figure(*args, **kwargs))


def make(frame, visible=ALL, x_range=(-12, 612), **options):
    view = make_view(frame, ["seed-run"])
    return build_figure(
        frame,
        view,
        visible_metrics=visible,
        x_range=x_range,
        title="RewardBench: seed-run",
        options=ChartOptions(**options),
    )


def lines(figure):
    """The metric lines, without best-checkpoint stars or legend-only helpers."""
    return [trace for trace in figure.data if not trace.meta.get("best") and not trace.meta.get("legend")]


def test_one_line_with_markers_per_metric_in_legend_order_and_chart_colours(frame):
    figure = make(frame)
    assert [trace.name for trace in lines(figure)] == ALL
    assert [trace.line.color for trace in lines(figure)] == ["#1f77b4", "#ff7f0e", "#2ca02c", "#ffbb78", "#d62728"]
    assert all(trace.mode == "lines+markers" for trace in lines(figure))
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
    assert all(trace.hovertemplate == "%{y:.1f}%" for trace in lines(figure))


def test_hidden_metrics_stay_in_the_legend_and_the_y_range_fits_the_visible_ones(frame):
    figure = make(frame, visible=["Chat", "Reasoning"])
    assert [trace.visible for trace in lines(figure)] == [True, "legendonly", "legendonly", True, "legendonly"]
    low, high = figure.layout.yaxis.range
    assert 82 < low < 83 and 93 < high < 94


def test_zoom_is_kept_across_updates_and_y_follows_the_data(frame):
    layout = make(frame).layout
    assert layout.uirevision
    assert layout.yaxis.fixedrange is True


def test_missing_values_are_drawn_as_gaps(frame):
    gappy = frame.copy()
    gappy.loc[(gappy["metric"] == "Chat") & (gappy["step"] == 100), "value"] = math.nan
    chat = lines(make(gappy))[0]
    assert chat.connectgaps is False
    sent = json.loads(to_json_plotly(figures.build_figure(gappy, make_view(gappy, ["seed-run"]), visible_metrics=ALL,
                                                   x_range=(0, 600), title="t")))  # fmt: skip
    assert sent["data"][0]["y"][3:6] == [85.3, None, 88.0]


def test_a_long_run_keeps_every_point_on_a_thin_line_without_markers():
    steps = range(0, 2000 * 25, 25)
    dense = pd.DataFrame({"run": "long", "step": list(steps), "metric": "Overall", "value": 50.0})
    short = dense[dense["step"] < 25 * figures.MARKER_LIMIT]
    for data, mode, width in ((dense, "lines", figures.DENSE_LINE_WIDTH), (short, "lines+markers", 2.5)):
        figure = build_figure(data, make_view(data, ["long"]), visible_metrics=["Overall"], x_range=(0, 1), title="t")
        (line,) = lines(figure)
        assert (line.mode, line.line.width, len(line.x)) == (mode, width, len(data))


def test_metrics_missing_from_the_data_get_no_line(frame):
    only_two = frame[frame["metric"].isin(["Safety", "Overall"])]
    assert [trace.name for trace in lines(make(only_two))] == ["Safety", "Overall"]


def test_every_chart_metric_has_its_colour():
    assert set(METRIC_COLOURS) == set(ALL)


def test_several_runs_get_one_panel_per_metric_and_one_colour_per_run(many):
    view = make_view(many, ["wide", "evals", "long-b"])
    figure = build_figure(many, view, visible_metrics=view.metrics, x_range=(0, 200), title="t",
                          colours={"wide": "#111111", "evals": "#222222", "long-b": "#333333"})  # fmt: skip
    assert figure.layout.meta["view"] == "panels"
    assert figure.layout.meta["panels"] == ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]
    data = lines(figure)
    colours = {trace.meta["run"]: {t.line.color for t in data if t.meta["run"] == trace.meta["run"]} for trace in data}
    assert colours == {"wide": {"#111111"}, "evals": {"#222222"}, "long-b": {"#333333"}}
    legend = [trace.name for trace in figure.data if trace.showlegend]
    assert legend == ["evals", "long-b", "wide"]  # one entry per run, in the data's order
    chat_axes = {trace.yaxis for trace in data if trace.meta["metric"] == "Chat"}
    assert chat_axes == {"y"}
    assert {trace.xaxis for trace in data} == {"x"}  # one shared step axis
    assert [a.text for a in figure.layout.annotations] == [f"<b>{m}</b>" for m in figure.layout.meta["panels"]]


def test_the_main_chart_of_several_runs_is_a_figure_per_metric_beside_a_legend_of_runs(many):
    view = make_view(many, ["wide", "evals"])
    chart = figures.build_chart(many, view, visible_metrics=["Chat", "Overall"], x_range=(0, 200), title="t",
                                colours={"wide": "#111111", "evals": "#222222"}, hidden_runs=["evals"])  # fmt: skip
    assert list(chart.panels) == ["Overall", "Chat", "Chat Hard", "Safety", "Reasoning"]  # the headline score first
    assert chart.shown == ("Overall", "Chat")  # the others' boxes are hidden, their figures kept
    for metric, figure in chart.panels.items():
        figure = go.Figure(figure)
        assert [a.text for a in figure.layout.annotations] == [f"<b>{metric}</b>"]
        assert list(figure.layout.xaxis.range) == [0, 200] and figure.layout.showlegend is False
        data = lines(figure)
        assert {(t.meta["metric"], t.meta["run"], t.line.color) for t in data} == {
            (metric, "wide", "#111111"),
            (metric, "evals", "#222222"),
        }
        # a run hidden from the legend stays hidden when the chart is drawn again
        assert {t.meta["run"]: t.visible for t in data} == {"wide": True, "evals": "legendonly"}
    wide_only = make_view(many, ["wide"])
    safety = go.Figure(chart.panels["Safety"]).layout.yaxis.range
    assert list(safety) == fit_value_range(many[many["run"] == "wide"], ["Safety"], (0, 200))  # what is in sight
    assert (
        zoom_updates(many, view, view.metrics, (0, 200), hidden_runs=["evals"])["Chat"][("layout", "yaxis", "range")]
        == zoom_updates(many, wide_only, ["Chat"], (0, 200))[figures.LINES_PANEL][("layout", "yaxis", "range")]
    )
    legend = go.Figure(chart.legend)
    assert [(t.name, t.visible) for t in legend.data] == [("evals", "legendonly"), ("wide", True)]
    stars = [t for t in go.Figure(chart.panels["Overall"]).data if t.meta.get("best")]
    assert {t.meta["run"] for t in stars} == {"wide", "evals"}


def test_one_run_is_one_figure_of_every_metric(frame):
    chart = figures.build_chart(frame, make_view(frame, ["seed-run"]), visible_metrics=ALL, x_range=(0, 600), title="t")
    (figure,) = chart.panels.values()
    assert chart.legend is None
    assert [trace.name for trace in lines(go.Figure(figure))] == ALL


def test_runs_with_different_step_grids_plot_their_own_steps(many):
    view = make_view(many, ["long-a", "long-b"])
    figure = build_figure(many, view, visible_metrics=view.metrics, x_range=(0, 200), title="t")
    chat = {trace.meta["run"]: list(trace.x) for trace in lines(figure) if trace.meta.get("metric") == "Chat"}
    assert chat == {"long-a": [0, 100], "long-b": [0, 200]}


def test_hidden_metric_panels_are_hidden_and_the_others_share_the_height(many):
    view = make_view(many, ["wide", "evals"])
    figure = build_figure(many, view, visible_metrics=["Chat", "Overall"], x_range=(0, 200), title="t")
    layout = figure.layout
    assert layout.yaxis.visible is True and layout.yaxis2.visible is False
    assert list(layout.yaxis.domain) == pytest.approx(panel_domains(2)[0])
    assert list(layout.yaxis5.domain) == pytest.approx(panel_domains(2)[1])


def test_panel_domains_fill_the_height_top_down():
    domains = panel_domains(3, gap=0.05)
    assert domains[0][1] == pytest.approx(1) and domains[-1][0] == pytest.approx(0)
    assert all(high > low for low, high in domains)
    assert domains[0][0] - domains[1][1] == pytest.approx(0.05)


def test_names_from_files_are_shown_as_text_not_markup():
    frame = pd.DataFrame(
        {"run": ["<script>x</script>"] * 2, "step": [0, 1], "metric": ["Chat"] * 2, "value": [1.0, 2.0]}
    )
    view = make_view(frame, ["<script>x</script>"])
    state = chart_state(frame, ["<script>x</script>"])
    title = state.chart.panels[figures.LINES_PANEL]["layout"]["title"]["text"]
    assert "<script>" not in title and "&lt;script&gt;" in title
    assert view.runs == ("<script>x</script>",)


def test_zoom_updates_fit_each_panel(many):
    view = make_view(many, ["wide", "evals"])
    updates = zoom_updates(many, view, view.metrics, (90, 210))
    assert list(updates) == list(view.metrics)
    assert all(panel[("layout", "xaxis", "range")] == [90, 210] for panel in updates.values())
    low, high = updates["Chat"][("layout", "yaxis", "range")]  # Chat at steps 100 and 200: 84.0 .. 86.2
    assert 83 < low < 84 and 86.2 < high < 87


def test_an_empty_view_says_why():
    figure = build_figure(
        pd.DataFrame(columns=["run", "step", "metric", "value"]),
        View((), (), None),
        visible_metrics=[],
        x_range=(0, 1),
        title="t",
        empty_message="No runs found in runs/",
    )
    assert figure.layout.annotations[0].text == "No runs found in runs/"


def test_slider_marks_every_checkpoint_and_labels_round_steps_only():
    marks = slider_marks(list(range(0, 601, 25)))
    assert sorted(marks) == list(range(0, 601, 25))
    assert [step for step, label in marks.items() if label] == [0, 100, 200, 300, 400, 500, 600]
    assert [s for s, label in slider_marks([0, 1, 2, 3]).items() if label] == [0, 1, 2, 3]
    many_steps = slider_marks(list(range(0, 20001, 10)))
    assert len(many_steps) <= 12 and many_steps[0] == "0" and many_steps[20000] == "20000"
    uneven_end = slider_marks(list(range(0, 12476, 25)))  # no round label crowding the last step's
    assert [s for s, label in uneven_end.items() if label] == [0, 2000, 4000, 6000, 8000, 10000, 12475]


def test_the_best_checkpoint_is_starred_and_annotated(frame):
    figure = make(frame)
    (star,) = [trace for trace in figure.data if trace.meta.get("best")]
    assert (list(star.x), list(star.y), star.marker.symbol) == ([500], [88.0], "star")
    label = figure.layout.annotations[0]
    assert label.text == "★ Best Overall: 88.0% at step 500"
    assert (label.x, label.yref, label.y, label.yanchor) == (500, "paper", 1, "bottom")  # above the lines, not on them
    chat = make(frame, best_metric="Chat")
    assert chat.layout.annotations[0].text == "★ Best Chat: 93.0% at step 550"
    assert not [t for t in make(frame, best_metric=None).data if t.meta.get("best")]


def test_each_run_gets_its_best_checkpoint_in_the_panels_view(many):
    view = make_view(many, ["wide", "evals"])
    figure = build_figure(many, view, visible_metrics=view.metrics, x_range=(0, 200), title="t")
    stars = {trace.meta["run"]: (list(trace.x), trace.yaxis) for trace in figure.data if trace.meta.get("best")}
    assert stars == {"wide": ([200], "y5"), "evals": ([200], "y5")}


def test_smoothing_draws_the_raw_line_faint_under_the_smoothed_one(frame):
    figure = make(frame, smoothing="ema", ema_weight=0.5)
    chat = [trace for trace in figure.data if trace.meta.get("metric") == "Chat"]
    raw, smoothed = chat
    assert raw.meta["raw"] and raw.opacity == 0.3 and raw.hoverinfo == "skip"
    assert smoothed.y[1] == pytest.approx((0.5 * 83.0 * 0.5 + 0.5 * 84.6) / 0.75)
    assert list(smoothed.customdata[:2]) == [83.0, 84.6]
    assert smoothed.hovertemplate == "%{y:.1f}% (raw %{customdata:.1f}%)"
    assert raw.legendgroup == smoothed.legendgroup == "Chat"


def test_full_scale_fixes_the_y_axis_at_0_to_100(frame, many):
    assert list(make(frame, y_scale="full").layout.yaxis.range) == [0, 100]
    view = make_view(many, ["wide"])
    full = zoom_updates(many, view, ALL, (0, 100), ChartOptions(y_scale="full"))
    assert ("layout", "yaxis", "range") not in full[figures.LINES_PANEL]


def test_figures_are_drawn_in_their_theme_without_carrying_a_template(frame, many):
    # dcc.Graph deep-copies a figure's layout on every update, and Plotly recalculates every line of a figure whose
    # template is a copy: the template's values are written into the layout instead.
    view = make_view(many, ["wide", "evals"])
    for theme, template in (("light", "plotly_white"), ("dark", "plotly_dark")):
        options = ChartOptions(theme=theme)
        chart = figures.build_chart(many, view, visible_metrics=ALL, x_range=(0, 200), title="t", options=options)
        one_run = figures.build_figure(frame, make_view(frame, ["seed-run"]), visible_metrics=ALL,
                                       x_range=(0, 600), title="t", options=options)  # fmt: skip
        empty = figures.empty_figure("t", "No runs", options)
        defaults = go.layout.Template(figures.pio.templates[template]).layout
        for figure in [*chart.panels.values(), chart.legend, one_run, empty]:
            layout = figure["layout"]
            assert "template" not in layout
            assert layout["hoverlabel"] == {"align": "left"} and layout["colorway"] == list(defaults.colorway)
        panel_y = chart.panels["Overall"]["layout"]["yaxis"]
        assert panel_y["automargin"] is False and panel_y["ticks"] == defaults.yaxis.ticks  # its own, then the theme's
        assert one_run["layout"]["yaxis"]["title"]["standoff"] == defaults.yaxis.title.standoff
    light = figures.empty_figure("t", "No runs")["layout"]
    dark = figures.empty_figure("t", "No runs", ChartOptions(theme="dark"))["layout"]
    assert light["paper_bgcolor"] != dark["paper_bgcolor"] and light["font"]["color"] != dark["font"]["color"]


def test_the_x_axis_can_show_a_column_the_runs_carry(many):
    view = make_view(many, ["wide"])
    figure = build_figure(many, view, visible_metrics=view.metrics, x_range=(0, 200), title="t",
                          options=ChartOptions(x_axis="x:Epoch"))  # fmt: skip
    assert figure.layout.xaxis.title.text == "Epoch"
    assert list(lines(figure)[0].x) == [0.0, 0.5, 1.0]
    assert list(figure.layout.xaxis.range) == pytest.approx([0, 1])
    assert figure.layout.xaxis.unifiedhovertitle.text == "Epoch %{x}"


@pytest.fixture(scope="module")
def with_final(tmp_path_factory):
    """runs/rm evaluated at steps 100 and 200, then its final model (runs/rm.json); runs/other has no final."""
    from tests import rewardbench_tools as tools

    root = tmp_path_factory.mktemp("final")
    for step, skill in ((100, 0.5), (200, 0.6)):
        tools.run_rm(root, f"runs/rm/checkpoint-{step}", tools.Evaluation(skill=skill, seed=step))
        tools.run_rm(root, f"runs/other/checkpoint-{step}", tools.Evaluation(skill=skill, seed=step + 1))
    tools.run_rm(root, "runs/rm", tools.Evaluation(skill=0.9, seed=7))
    return load_path(root).frame


def test_the_final_model_is_labelled_final_in_the_hover_and_on_the_axis(with_final):
    view = make_view(with_final, ["runs/rm"])
    figure = build_figure(with_final, view, visible_metrics=ALL, x_range=(90, 310), title="t", options=ChartOptions())
    overall = next(trace for trace in lines(figure) if trace.meta["metric"] == "Overall")
    assert list(overall.x) == [100, 200, 300]
    assert list(overall.text) == ["", "", " (final model)"] and overall.hovertemplate == "%{y:.1f}%%{text}"
    assert figure.layout.xaxis.labelalias == {"300": "final"}  # the tick at 300 reads "final"
    best = next(note for note in figure.layout.annotations if note.name == "best:Overall")
    assert best.text.endswith("at the final model")


def test_in_panels_the_final_point_says_final_model_instead_of_its_step(with_final):
    view = make_view(with_final, ["runs/rm", "runs/other"])
    chart = figures.build_chart(with_final, view, visible_metrics=ALL, x_range=(90, 310), title="t")
    panel = chart.panels["Overall"]
    by_run = {trace["meta"]["run"]: trace for trace in panel["data"] if not trace["meta"].get("best")}
    assert list(by_run["runs/rm"]["text"]) == [" (step 100)", " (step 200)", " (final model)"]
    assert "text" not in by_run["runs/other"] and by_run["runs/other"]["hovertemplate"] == "%{y:.1f}% (step %{x})"
    assert panel["layout"]["xaxis"]["labelalias"] == {"300": "final"}


def test_a_step_another_shown_run_was_evaluated_at_keeps_its_number_on_the_axis(with_final, tmp_path):
    from components.loader import concat_runs

    other = pd.DataFrame({"run": pd.Categorical(["csv"]), "step": [300], "metric": pd.Categorical(["Overall"]),
                          "value": [70.0]})  # fmt: skip
    both = concat_runs([with_final, other])
    chart = figures.build_chart(both, make_view(both, ["runs/rm", "csv"]), visible_metrics=ALL, x_range=(90, 310),
                                title="t")  # fmt: skip
    layout = chart.panels["Overall"]["layout"]
    assert "labelalias" not in layout["xaxis"]  # the csv run's step 300 is a real one: "final" is written above it
    assert [(note["x"], note["text"]) for note in layout["annotations"] if note.get("name") == "final"] == [
        (300, "final")
    ]


def test_the_step_slider_labels_the_final_model_final(with_final):
    marks = chart_state(with_final, ["runs/rm", "runs/other"]).slider_marks
    assert marks[100] == "100" and marks[300] == "final"


def test_the_summary_names_a_peak_at_the_final_model(with_final):
    from components.analysis import summary_rows

    rows = summary_rows(with_final, ["runs/rm", "runs/other"], ["Overall"], (0, 300))
    labels = {row["run"]: row.get("peak_step_label") for row in rows}
    assert labels == {"runs/rm": "final", "runs/other": None}


def test_the_best_panel_names_the_final_model(with_final):
    from components.analysis import best_checkpoints
    from components.best import best_panel_data

    data = best_panel_data(with_final, best_checkpoints(with_final, ["runs/rm", "runs/other"], "Overall"))
    places = {run["run"]: (run["final"], run["place"]) for run in data["runs"]}
    assert places == {"runs/rm": (True, "the final model"), "runs/other": (False, "step 200")}
