"""Two checkpoints compared (components/compare.py), on files written as RewardBench's tools write them."""

import json

import numpy as np
import pandas as pd
import pytest

from components import compare, intervals
from components.config import Settings
from components.features.compare import comparison_data, picked
from components.loader import load_path
from components.provider import DataProvider
from tests import rewardbench_tools as tools


def only(result, run, step):
    return result.outcomes[(run, step)]


@pytest.fixture(scope="module")
def two_steps(tmp_path_factory):
    directory = tmp_path_factory.mktemp("two")
    for number, step in enumerate((100, 200)):
        tools.run_rm(directory, f"rm/checkpoint-{step}", tools.Evaluation(skill=0.65 + 0.1 * number, seed=step))
    return directory, load_path(directory)


def value_of(frame, run, step, metric):
    rows = frame[(frame["run"] == run) & (frame["step"] == step) & (frame["metric"] == metric)]
    return float(rows["value"].iloc[0])


def test_a_and_b_on_the_same_prompts_give_every_score_both_values_and_their_paired_difference(two_steps):
    _, result = two_steps
    comparison = compare.compare_outcomes(only(result, "rm", 100), only(result, "rm", 200), 95)
    assert comparison.paired and comparison.aligned.common == 2985
    rows = {row.metric: row for row in comparison.rows}
    assert [row.metric for row in comparison.rows][:5] == ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]
    for metric in ("Chat Hard", "Overall", "llmbar-natural", "math-prm"):
        row = rows[metric]
        assert row.a == pytest.approx(value_of(result.frame, "rm", 100, metric))
        assert row.b == pytest.approx(value_of(result.frame, "rm", 200, metric))
        assert row.lo < row.difference < row.hi
    assert rows["llmbar-natural"].test == compare.MCNEMAR and rows["Overall"].test == compare.BOOTSTRAP_TEST
    (a,), (b,) = only(result, "rm", 100), only(result, "rm", 200)
    natural = a.prompts.subset_codes == a.prompts.subsets.index("llmbar-natural")
    assert rows["llmbar-natural"].p == pytest.approx(intervals.mcnemar(a.outcome[natural], b.outcome[natural]))


def test_the_flipped_prompts_are_those_whose_outcome_differs_with_their_margins_at_both(two_steps):
    directory, result = two_steps
    comparison = compare.compare_outcomes(only(result, "rm", 100), only(result, "rm", 200), 95)
    files = [json.loads(path.read_text()) for path in sorted((directory / "results/eval-set-scores/rm").glob("*.json"))]
    first, second = files
    expected = {
        str(prompt_id)
        for prompt_id, x, y in zip(first["id"], first["results"], second["results"], strict=True)
        if x != y
    }
    flipped = comparison.flipped
    assert set(flipped["id"]) == expected
    row = flipped.iloc[0]
    index = first["id"].index(int(row["id"]))
    assert row["subset"] == first["subset"][index]
    assert row["outcome_a"] == first["results"][index] and row["outcome_b"] == second["results"][index]
    assert row["margin_a"] == pytest.approx(first["scores_chosen"][index] - first["scores_rejected"][index], rel=1e-5)
    assert row["margin_b"] == pytest.approx(second["scores_chosen"][index] - second["scores_rejected"][index], rel=1e-5)


def test_mismatched_prompt_ids_are_compared_on_the_common_ones_and_the_page_says_how_many(tmp_path):
    tools.run_rm(tmp_path, "rm/checkpoint-100", tools.Evaluation(seed=1))
    tools.run_rm(tmp_path, "rm/checkpoint-200", tools.Evaluation(seed=2, debug=True))  # its first 10 prompts
    result = load_path(tmp_path)
    comparison = compare.compare_outcomes(only(result, "rm", 100), only(result, "rm", 200), 95)
    assert comparison.paired and comparison.aligned.common == 10
    assert comparison.aligned.only_a == 2975 and comparison.aligned.only_b == 0
    words = " ".join(compare.describe_alignment(comparison.aligned))
    assert "10 prompts" in words and "2,975" in words


def test_a_subset_missing_from_one_file_is_left_out_and_named(tmp_path):
    _, scores = tools.run_rm(tmp_path, "rm/checkpoint-100", tools.Evaluation(seed=1))
    tools.run_rm(tmp_path, "rm/checkpoint-200", tools.Evaluation(seed=2))
    columns = json.loads(scores.read_text())
    keep = [i for i, subset in enumerate(columns["subset"]) if subset != "donotanswer"]
    for key, values in columns.items():
        if isinstance(values, list):
            columns[key] = [values[i] for i in keep]
    scores.write_text(json.dumps(columns))
    result = load_path(tmp_path)
    comparison = compare.compare_outcomes(only(result, "rm", 100), only(result, "rm", 200), 95)
    metrics = {row.metric for row in comparison.rows}
    assert "donotanswer" not in metrics and {"Safety", "refusals-dangerous", "Chat"} <= metrics
    assert "donotanswer" in " ".join(compare.describe_alignment(comparison.aligned))


def test_a_subset_right_at_every_prompt_at_both_says_so_instead_of_a_zero_width_interval(two_steps):
    _, result = two_steps
    (a,), (b,) = only(result, "rm", 100), only(result, "rm", 200)
    easy = a.prompts.subset_codes == a.prompts.subsets.index("alpacaeval-easy")
    right = lambda kept: kept.__class__(**{**kept.__dict__, "outcome": np.where(easy, 1, kept.outcome)})  # noqa: E731
    comparison = compare.compare_outcomes((right(a),), (right(b),), 95)
    (row,) = [row for row in comparison.rows if row.metric == "alpacaeval-easy"]
    assert row.note == "every prompt right at both"
    (shown,) = [shown for shown in compare.table_rows(comparison, 95) if shown["metric"] == "alpacaeval-easy"]
    assert shown["interval"] == "" and shown["p_text"] == "every prompt right at both"


def test_a_subset_of_one_prompt_is_compared_without_error():
    prompts = compare.PromptSet(("hep-go",), np.zeros(1, dtype=np.int16), np.array([7]))
    a = compare.Outcomes("v1", prompts, np.array([1.0], dtype=np.float16))
    b = compare.Outcomes("v1", prompts, np.array([0.0], dtype=np.float16))
    comparison = compare.compare_outcomes((a,), (b,), 95)
    rows = {row.metric: row for row in comparison.rows}
    assert rows["hep-go"].difference == -100 and rows["hep-go"].p == 1.0
    assert list(comparison.flipped["id"]) == ["7"]


def test_checkpoints_without_per_prompt_files_are_compared_approximately_from_their_intervals(tmp_path):
    for step in (100, 200):
        _, scores = tools.run_rm(tmp_path, f"rm/checkpoint-{step}", tools.Evaluation(seed=step))
        scores.unlink()
    provider = DataProvider(Settings(data_path=tmp_path, upload_dir=tmp_path / "uploads"))
    frame = provider.load().frame
    data = comparison_data(provider, frame, "rm@100", "rm@200", 95)
    assert "Not paired (not both have per-prompt files)" in data["notes"][0]
    rows = {row["metric"]: row for row in data["rows"]}
    assert rows["Chat Hard"]["test"] == compare.UNPAIRED and rows["Chat Hard"]["interval"].startswith("≈")
    assert data["flipped"] is None


def test_the_page_says_what_is_wrong_with_a_pick_instead_of_comparing(two_steps):
    directory, result = two_steps
    provider = DataProvider(Settings(data_path=directory, upload_dir=directory / "uploads"))
    frame = provider.load().frame
    assert comparison_data(provider, frame, "", "", 95) == {}
    assert "second checkpoint" in comparison_data(provider, frame, "rm@100", "", 95)["notes"][0]
    assert "Not in the data: rm@300" in comparison_data(provider, frame, "rm@100", "rm@300", 95)["notes"][0]
    assert "same checkpoint" in comparison_data(provider, frame, "rm@100", "rm@100", 95)["notes"][0]
    data = comparison_data(provider, frame, "rm@100", "rm@200", 95)
    assert data["heading"] == "A: rm at step 100. B: rm at step 200."
    assert any(row["_class"] == "significant" for row in data["rows"]) and data["flipped"]


def test_a_checkpoint_is_named_run_at_step_even_when_the_run_has_an_at_sign():
    assert compare.checkpoint_value("org/rm@v2", 300) == "org/rm@v2@300"
    assert compare.parse_checkpoint("org/rm@v2@300") == ("org/rm@v2", 300)
    for bad in ("", "rm", "rm@", "@300", "rm@x", None, 3):
        assert compare.parse_checkpoint(bad) is None


def test_a_click_compares_with_the_runs_last_checkpoint_then_changes_b():
    frame = pd.DataFrame({"run": ["rm"] * 3, "step": [100, 200, 300], "metric": ["Chat"] * 3, "value": [1, 2, 3]})
    assert picked(frame, {"run": "rm", "step": 100}, "", "") == {"a": "rm@100", "b": "rm@300"}
    assert picked(frame, {"run": "rm", "step": 300}, "", "") == {"a": "rm@300", "b": "rm@100"}
    assert picked(frame, {"run": "rm", "step": 200}, "rm@100", "rm@300") == {"a": "rm@100", "b": "rm@200"}
    assert picked(frame, {"run": "rm", "step": 200, "with": "last"}, "rm@100", "rm@300") == {"a": "rm@200",
                                                                                             "b": "rm@300"}  # fmt: skip
    assert picked(frame, {"run": "rm", "step": 300, "with": "last"}, "", "") == {"a": "rm@100", "b": "rm@300"}
    assert picked(frame, {"run": "rm", "step": 250}, "", "") is None
    assert picked(frame, {"run": "other", "step": 100}, "", "") is None


def test_the_flipped_csv_names_the_checkpoints_in_its_columns(two_steps):
    _, result = two_steps
    comparison = compare.compare_outcomes(only(result, "rm", 100), only(result, "rm", 200), 95)
    table = compare.flipped_csv(comparison.flipped, "rm at step 100", "rm at step 200")
    assert list(table.columns) == [
        "id", "subset", "outcome at A (rm at step 100)", "outcome at B (rm at step 200)",
        "chosen - rejected at A (rm at step 100)", "chosen - rejected at B (rm at step 200)",
    ]  # fmt: skip
    assert len(table) == len(comparison.flipped)


def test_rewardbench_2_is_compared_on_its_categories_with_ties_by_the_paired_bootstrap(tmp_path):
    for number, step in enumerate((100, 200)):
        tools.run_v2(tmp_path, f"rb2/checkpoint-{step}", tools.Evaluation(skill=0.6 + 0.1 * number, seed=step))
    result = load_path(tmp_path)
    comparison = compare.compare_outcomes(only(result, "rb2", 100), only(result, "rb2", 200), 95)
    rows = {row.metric: row for row in comparison.rows}
    assert rows["RB2 Ties"].test == compare.BOOTSTRAP_TEST and rows["RB2 Focus"].test == compare.MCNEMAR
    assert rows["RB2 Score"].family == compare.SCORE and rows["RB2 Ties"].family == compare.SUBSET
    assert rows["RB2 Ties"].a == pytest.approx(value_of(result.frame, "rb2", 100, "RB2 Ties"))
    assert not comparison.flipped["margin_a"].isna().any()


def test_the_pickers_offer_the_checkpoints_a_search_names_and_always_the_current_one():
    from components.features.compare import checkpoint_options

    frame = pd.DataFrame({"run": ["rm-a"] * 3 + ["rm-b"] * 3, "step": [100, 200, 300] * 2, "metric": ["Chat"] * 6,
                          "value": [1.0] * 6})  # fmt: skip
    frame["run"] = frame["run"].astype("category")
    labels = [option["label"] for option in checkpoint_options(frame, "rm-b 200")]
    assert labels == ["rm-b at step 200"]
    current = checkpoint_options(frame, "", "rm-b@300", most=2)
    assert [option["value"] for option in current] == ["rm-b@100", "rm-b@200", "rm-b@300"]  # its run first
