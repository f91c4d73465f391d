"""Intervals and tests of a difference, on files written as RewardBench's tools write them (tests/rewardbench_tools.py)
and on users' own tables."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from components import intervals
from components.loader import SUMMARIES, load_path
from components.outcomes import ties_units
from tests import rewardbench_tools as tools


def loaded(directory):
    return load_path(directory)


def value_of(frame, run, step, metric):
    rows = frame[(frame["run"] == run) & (frame["step"] == step) & (frame["metric"] == metric)]
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def rm_run(tmp_path_factory):
    directory = tmp_path_factory.mktemp("rm")
    for number, step in enumerate((100, 200)):
        tools.run_rm(directory, f"rm/checkpoint-{step}", tools.Evaluation(skill=0.7 + 0.05 * number, seed=step))
    return loaded(directory)


def test_a_checkpoint_with_per_prompt_outcomes_gets_a_bootstrap_interval_around_its_score(rm_run):
    (run,) = {run for run, _ in rm_run.outcomes}
    kept = rm_run.outcomes[(run, 100)]
    bounds = intervals.checkpoint_bounds(kept, 95)
    for metric in ("Chat", "Chat Hard", "Safety", "Reasoning", "Overall", "llmbar-natural"):
        lo, hi = bounds[metric]
        assert lo < value_of(rm_run.frame, run, 100, metric) < hi, metric
    # Chat Hard: 456 prompts at about 70 % -> about +-4.2 points; Overall averages four sections, so narrower.
    chat_hard = bounds["Chat Hard"][1] - bounds["Chat Hard"][0]
    assert 6.5 < chat_hard < 10.5
    assert bounds["Overall"][1] - bounds["Overall"][0] < chat_hard
    assert intervals.checkpoint_bounds(kept, 95) == bounds  # seeded: the same data, the same interval
    wider = intervals.checkpoint_bounds(kept, 99)["Chat Hard"]
    narrower = intervals.checkpoint_bounds(kept, 90)["Chat Hard"]
    assert wider[1] - wider[0] > chat_hard > narrower[1] - narrower[0]


def test_math_prm_counts_984_in_reasoning_though_it_has_447_prompts(rm_run):
    (run,) = {run for run, _ in rm_run.outcomes}
    (replicates,) = intervals.bootstrap([rm_run.outcomes[(run, 100)]])
    hep = [f"hep-{language}" for language in ("cpp", "go", "java", "js", "python", "rust")]
    expected = (replicates["math-prm"] * 984 + replicates[hep].mul(164).sum(axis=1)) / (984 + 6 * 164)
    assert np.allclose(replicates["Reasoning"], expected)
    assert np.allclose(replicates["Overall"], replicates[["Chat", "Chat Hard", "Safety", "Reasoning"]].mean(axis=1))


def test_rewardbench_2s_ties_resampled_as_a_whole_matches_the_tools_formula(tmp_path):
    _, scores = tools.run_v2(tmp_path, "rb2", tools.Evaluation(skill=0.6, seed=3), do_not_save=True)
    import json

    columns = json.loads(scores.read_text())
    rows = [i for i, subset in enumerate(columns["subset"]) if subset == "Ties"]
    picked = {key: [columns[key][i] for i in rows] for key in ("id", "scores", "num_correct")}
    units = ties_units(picked["id"], picked["scores"], picked["num_correct"])
    from components.outcomes import ties_from_sums

    assert ties_from_sums(units.sum(axis=0, keepdims=True))[0] == pytest.approx(tools.ties_score(picked), abs=1e-12)
    result = loaded(tmp_path)
    ((run, step),) = result.outcomes
    lo, hi = intervals.checkpoint_bounds(result.outcomes[(run, step)], 95)["RB2 Ties"]
    assert lo < value_of(result.frame, run, step, "RB2 Ties") < hi
    assert 10 < hi - lo < 30  # 51 prompt numbers: far wider than any other category
    score = intervals.checkpoint_bounds(result.outcomes[(run, step)], 95)["RB2 Score"]
    assert score[0] < value_of(result.frame, run, step, "RB2 Score") < score[1]


def test_summaries_alone_get_an_approximate_interval_from_the_subsets_prompt_counts(tmp_path):
    summary, scores = tools.run_rm(tmp_path, "rm/checkpoint-100", tools.Evaluation(skill=0.7, seed=1))
    scores.unlink()
    result = loaded(tmp_path)
    run = str(result.frame["run"].iloc[0])
    assert result.frame.attrs[SUMMARIES] == {run: True}
    found = intervals.interval_frame(result.frame, [run], 95, summary_runs=result.frame.attrs[SUMMARIES])
    assert set(found["kind"]) == {intervals.APPROXIMATE}
    by_metric = found.set_index("metric")
    for metric in ("Chat Hard", "Overall", "alpacaeval-easy"):
        assert by_metric.loc[metric, "lo"] < value_of(result.frame, run, 100, metric) < by_metric.loc[metric, "hi"]
    width = by_metric.loc["Chat Hard", "hi"] - by_metric.loc["Chat Hard", "lo"]
    assert 6.5 < width < 10.5


def test_a_subset_at_100_percent_still_has_an_interval_below_it():
    values = pd.DataFrame({"alpacaeval-easy": [100.0], "alpacaeval-length": [90.0]})
    lo, hi = intervals.approximate_bounds(values, 95)
    assert lo.loc[0, "alpacaeval-easy"] < 97 and hi.loc[0, "alpacaeval-easy"] == pytest.approx(100)


def test_a_subset_every_prompt_of_which_was_right_gets_wilsons_interval_not_a_zero_width_one(rm_run):
    (run,) = {run for run, _ in rm_run.outcomes}
    (kept,) = rm_run.outcomes[(run, 100)]
    easy = kept.prompts.subset_codes == kept.prompts.subsets.index("alpacaeval-easy")
    perfect = replace(kept, outcome=np.where(easy, 1, kept.outcome).astype(np.float16))
    lo, hi, kind = intervals.checkpoint_bounds((perfect,), 95)["alpacaeval-easy"]
    assert kind == intervals.ALIKE and hi == pytest.approx(100) and 95 < lo < 97  # 100 prompts, Wilson: 96.3
    assert intervals.interval_label(lo, hi, kind) == "96.3–100.0, all prompts alike"
    frame = intervals.interval_frame(rm_run.frame, [run], 95, outcomes={(run, 100): (perfect,)})
    row = frame[frame["metric"] == "alpacaeval-easy"].iloc[0]
    assert row["kind"] == intervals.ALIKE
    assert "Wilson's interval for a subset whose prompts all got" in intervals.describe(frame, [run], 95)


def test_the_approximate_and_the_bootstrap_interval_agree(rm_run):
    (run,) = {run for run, _ in rm_run.outcomes}
    bootstrap = intervals.checkpoint_bounds(rm_run.outcomes[(run, 100)], 95)
    shown = rm_run.frame[(rm_run.frame["run"] == run) & (rm_run.frame["step"] == 100)]
    values = shown.pivot_table(index="step", columns="metric", values="value", observed=True)
    values.columns = [str(column) for column in values.columns]
    lo, hi = intervals.approximate_bounds(values, 95)
    for metric in ("Chat Hard", "Safety", "Overall"):
        approximate = hi.iloc[0][metric] - lo.iloc[0][metric]
        assert approximate == pytest.approx(bootstrap[metric][1] - bootstrap[metric][0], rel=0.25), metric


def test_bounds_a_users_table_carries_are_read_whatever_their_spelling(tmp_path):
    (tmp_path / "run.csv").write_text(
        "step,Chat Hard,Chat Hard lo,Chat Hard hi,Safety,safety_stderr\n0,0.70,0.66,0.74,0.80,0.01\n10,0.72,,,0.81,\n"
    )
    result = loaded(tmp_path)
    found = intervals.interval_frame(result.frame, ["run"], 95)
    assert set(found["kind"]) == {intervals.FROM_FILE}
    chat_hard = found[(found["metric"] == "Chat Hard") & (found["step"] == 0)].iloc[0]
    assert (chat_hard["lo"], chat_hard["hi"]) == (pytest.approx(66), pytest.approx(74))  # fractions -> percent
    safety = found[(found["metric"] == "Safety") & (found["step"] == 0)].iloc[0]
    assert (safety["lo"], safety["hi"]) == (pytest.approx(80 - 1.96), pytest.approx(80 + 1.96))
    assert len(found) == 2  # step 10 carries no bounds
    metrics = set(result.frame["metric"].astype(str))
    assert {"Chat Hard", "Safety"} <= metrics and "Chat Hard lo" not in metrics


def test_a_long_table_may_carry_bounds_beside_its_values(tmp_path):
    (tmp_path / "long.csv").write_text(
        "run,step,metric,value,lower,upper\na,0,Chat Hard,70,66,74\na,0,Chat,90,,\nb,0,chat_hard,60,55.5,64.5\n"
    )
    found = intervals.interval_frame(loaded(tmp_path).frame, ["a", "b"], 95).sort_values("run")
    assert found[["run", "metric", "lo", "hi"]].values.tolist() == [["a", "Chat Hard", 66, 74],
                                                                    ["b", "Chat Hard", 55.5, 64.5]]  # fmt: skip


def test_json_lines_may_carry_bounds(tmp_path):
    (tmp_path / "run.jsonl").write_text('{"step": 0, "Overall": 80, "Overall stderr": 1.5}\n')
    found = intervals.interval_frame(loaded(tmp_path).frame, ["run"], 90)
    assert found["lo"].iloc[0] == pytest.approx(80 - 1.6449 * 1.5, abs=1e-3)


def test_a_bound_outside_0_100_or_a_negative_stderr_says_where(tmp_path):
    (tmp_path / "run.csv").write_text("step,Chat,Chat hi\n0,80,120\n")
    result = loaded(tmp_path)
    assert result.problems == ("run.csv line 2: column Chat (upper bound): 120 is outside 0-100 (percent)",)
    (tmp_path / "run.csv").write_text("step,Chat,Chat stderr\n0,80,-1\n")
    assert loaded(tmp_path).problems == ("run.csv line 2: column Chat (standard error): -1 is below 0",)


def test_a_users_table_without_bounds_gets_no_interval_even_with_subset_columns(tmp_path):
    (tmp_path / "run.csv").write_text("step,alpacaeval-easy,alpacaeval-hard\n0,90,80\n")
    result = loaded(tmp_path)
    assert SUMMARIES not in result.frame.attrs
    assert intervals.interval_frame(result.frame, ["run"], 95, summary_runs=()).empty


def test_mcnemar_is_the_exact_binomial_test_of_the_prompts_that_flipped():
    a = np.array([1] * 10 + [0] * 2 + [1] * 50)
    b = np.array([0] * 10 + [1] * 2 + [1] * 50)
    assert intervals.mcnemar(a, b) == pytest.approx(2 * (1 + 12 + 66) / 4096)
    assert intervals.mcnemar(a, a) == 1.0


def test_holm_adjusts_p_values_step_down_in_the_given_order():
    assert intervals.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert intervals.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_a_paired_difference_of_a_checkpoint_with_itself_is_zero_and_of_two_others_is_not(rm_run):
    (run,) = {run for run, _ in rm_run.outcomes}
    first, second = rm_run.outcomes[(run, 100)], rm_run.outcomes[(run, 200)]
    same = intervals.difference_bounds(*intervals.bootstrap([first, first]), 95)
    assert same["Chat Hard"] == (0.0, 0.0, 1.0)
    a, b = intervals.bootstrap([second, first])
    differences = intervals.difference_bounds(a, b, 95)
    lo, hi, p = differences["Overall"]
    observed = (value_of(rm_run.frame, run, 200, "Overall") - value_of(rm_run.frame, run, 100, "Overall")) / 100
    assert lo < observed < hi and 0 < p <= 1


def test_a_paired_difference_is_as_tight_as_the_prompts_that_flipped(rm_run):
    """Checkpoints of one run get most prompts alike: 40 of 2,985 flipped moves Overall by little, and the paired
    interval of the difference is far narrower than two separate intervals would make it."""
    (run,) = {run for run, _ in rm_run.outcomes}
    (first,) = rm_run.outcomes[(run, 100)]
    flipped = first.outcome.astype(np.float64).copy()
    wrong = np.flatnonzero(flipped == 0)[:40]
    flipped[wrong] = 1
    later = replace(first, outcome=flipped)
    lo, hi, p = intervals.difference_bounds(*intervals.bootstrap([(later,), (first,)]), 95)["Overall"]
    assert 0 < lo < hi and p < 0.01
    single = intervals.checkpoint_bounds((first,), 95)["Overall"]
    assert (hi - lo) * 100 < (single[1] - single[0]) / 2


def test_checkpoints_on_different_prompts_are_not_paired(tmp_path):
    tools.run_rm(tmp_path / "a", "rm/checkpoint-1", tools.Evaluation(seed=1))
    tools.run_rm(tmp_path / "b", "rm/checkpoint-1", tools.Evaluation(seed=2, debug=True))
    first, second = loaded(tmp_path / "a"), loaded(tmp_path / "b")
    assert intervals.bootstrap([next(iter(first.outcomes.values())), next(iter(second.outcomes.values()))]) is None


def test_the_unpaired_test_reads_intervals_as_normal_ones():
    assert intervals.unpaired_p(80, (78.04, 81.96), 80, (78.04, 81.96), 95) == pytest.approx(1.0)
    p = intervals.unpaired_p(80, (78.04, 81.96), 77, (75.04, 78.96), 95)
    assert p == pytest.approx(2 * (1 - 0.98341), abs=1e-3)  # z = 3 / sqrt(2)


# ---------------------------------------------------------------------------------------------------------------
# Where they are shown


def test_each_line_with_an_interval_gets_a_band_under_it_and_its_hover_gives_the_interval(rm_run):
    from components.figures import ChartOptions, build_figure
    from components.view import make_view

    (run,) = {run for run, _ in rm_run.outcomes}
    found = intervals.interval_frame(rm_run.frame, [run], 95, outcomes=rm_run.outcomes)
    view = make_view(rm_run.frame, [run])
    figure = build_figure(rm_run.frame, view, visible_metrics=view.metrics, x_range=(100, 200), title="",
                          intervals=found)  # fmt: skip
    bands = [trace for trace in figure["data"] if trace["meta"].get("band")]
    assert {trace["meta"]["metric"] for trace in bands} == set(view.metrics)
    assert all(trace["fill"] == "toself" and trace["hoverinfo"] == "skip" for trace in bands)
    chat_hard = next(t for t in figure["data"] if t["meta"] == {"metric": "Chat Hard"})
    lo, hi = found[(found["metric"] == "Chat Hard") & (found["step"] == 100)][["lo", "hi"]].iloc[0]
    assert chat_hard["text"][0] == f" ({lo:.1f}–{hi:.1f})" and chat_hard["hovertemplate"] == "%{y:.1f}%%{text}"
    band = next(t for t in bands if t["meta"]["metric"] == "Chat Hard")
    line = found[found["metric"] == "Chat Hard"].sort_values("step")
    assert band["y"] == pytest.approx([*line["hi"], *line["lo"][::-1]], abs=0.005)
    without = build_figure(rm_run.frame, view, visible_metrics=view.metrics, x_range=(100, 200), title="",
                           intervals=found, options=ChartOptions(bands=False))  # fmt: skip
    assert not [t for t in without["data"] if t["meta"].get("band")]
    assert next(t for t in without["data"] if t["meta"] == {"metric": "Chat Hard"})["text"] == chat_hard["text"]


def test_an_approximate_interval_is_marked_so_in_the_hover():
    from components.figures import Bounds, _hover_intervals

    found = pd.DataFrame({"run": ["r"], "step": [0], "metric": ["Chat"], "lo": [70.0], "hi": [80.0],
                          "kind": [intervals.APPROXIMATE]})  # fmt: skip
    assert _hover_intervals(Bounds(found)("r", "Chat", np.array([0, 10])), 2) == [" (≈70.0–80.0)", ""]


def test_the_summary_gives_first_last_and_peak_their_intervals_and_the_change_a_paired_one(rm_run):
    from components.analysis import summary_rows

    (run,) = {run for run, _ in rm_run.outcomes}
    found = intervals.interval_frame(rm_run.frame, [run], 95, outcomes=rm_run.outcomes)

    def paired(run_name, first, last):
        a, b = intervals.bootstrap([rm_run.outcomes[(run_name, last)], rm_run.outcomes[(run_name, first)]])
        return {m: (lo * 100, hi * 100, p) for m, (lo, hi, p) in intervals.difference_bounds(a, b, 95).items()}

    (row,) = summary_rows(rm_run.frame, [run], ["Overall"], (100, 200), found, 95, paired)
    first = found[(found["metric"] == "Overall") & (found["step"] == 100)].iloc[0]
    assert row["first_interval"] == f"{first['lo']:.1f}–{first['hi']:.1f}"
    assert {"last_interval", "peak_interval"} <= set(row)
    lo, hi, _ = paired(run, 100, 200)["Overall"]
    assert row["change_interval"] == f"{lo:+.1f}–{hi:+.1f}"
    (unpaired,) = summary_rows(rm_run.frame, [run], ["Overall"], (100, 200), found, 95)
    assert unpaired["change_interval"].startswith("≈")


def test_the_table_and_its_csv_carry_the_bounds_and_the_csv_reads_back_with_them(rm_run, tmp_path):
    from components.analysis import visible_table

    (run,) = {run for run, _ in rm_run.outcomes}
    found = intervals.interval_frame(rm_run.frame, [run], 95, outcomes=rm_run.outcomes)
    table = visible_table(rm_run.frame, [run], ["Chat", "Overall"], (0, 1000), found)
    assert list(table.columns) == ["run", "step", "Chat", "Chat lo", "Chat hi", "Overall", "Overall lo", "Overall hi",
                                   "interval"]  # fmt: skip
    assert set(table["interval"]) == {intervals.BOOTSTRAP}
    table.drop(columns="run").to_csv(tmp_path / "again.csv", index=False)
    again = loaded(tmp_path)
    assert again.problems == ()
    read_back = intervals.interval_frame(again.frame, ["again"], 95).sort_values(["metric", "step"])
    expected = found[found["metric"].isin(["Chat", "Overall"])].sort_values(["metric", "step"])
    assert read_back["lo"].tolist() == pytest.approx(expected["lo"].tolist())


def test_checkpoints_within_noise_of_the_best_are_found_with_the_paired_test_where_it_can(rm_run):
    from components.analysis import best_checkpoints
    from components.best import PAIRED, UNPAIRED, near_best

    (run,) = {run for run, _ in rm_run.outcomes}
    found = intervals.interval_frame(rm_run.frame, [run], 95, outcomes=rm_run.outcomes)
    bests = best_checkpoints(rm_run.frame, [run], "Overall")

    def paired(run_a, step_a, run_b, step_b, level):
        a, b = intervals.bootstrap([rm_run.outcomes[(run_b, step_b)], rm_run.outcomes[(run_a, step_a)]])
        return {m: (lo * 100, hi * 100, p) for m, (lo, hi, p) in intervals.difference_bounds(a, b, level).items()}

    near = near_best(rm_run.frame, bests, found, 95, paired)[run]
    assert near.method == PAIRED and near.interval[2] == intervals.BOOTSTRAP
    other = ({100, 200} - {bests[0].step}).pop()
    p = paired(run, other, run, bests[0].step, 95)["Overall"][2]
    assert (other in near.steps) == (p >= 0.05)
    assert near_best(rm_run.frame, bests, found, 95).get(run).method == UNPAIRED


def test_a_run_without_intervals_is_named_with_the_reason():
    frame = pd.DataFrame({"run": ["seed"], "step": [0], "metric": ["Chat"], "value": [80.0]})
    empty = intervals.interval_frame(frame, ["seed"], 95)
    assert intervals.describe(empty, ["seed"], 95) == (
        "No intervals: no per-prompt outcomes and no bounds in its file (columns such as “Chat Hard lo” and "
        "“Chat Hard hi”, or “Chat Hard stderr”)."
    )
    found = pd.DataFrame({"run": ["rm"], "step": [0], "metric": ["Chat"], "lo": [1.0], "hi": [2.0],
                          "kind": [intervals.BOOTSTRAP]})  # fmt: skip
    assert intervals.describe(found, ["rm", "seed"], 95).startswith(
        "95 % intervals: bootstrap over prompts (rm). No intervals for seed:"
    )
