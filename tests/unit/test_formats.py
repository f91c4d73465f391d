"""Every supported format, read from the fixture files in tests/fixtures/, and every bad-input case."""

import json
import math
import shutil
from pathlib import Path

import pytest

from components.datawatch import fingerprint
from components.loader import SUPPORTED_SUFFIXES, DataError, ParseCache, load_path, read_file
from components.scoring import PAPER

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BAD = FIXTURES / "bad"


def values(frame, run, metric):
    rows = frame[(frame["run"] == run) & (frame["metric"] == metric)]
    return dict(zip(rows["step"], rows["value"], strict=False))


@pytest.fixture(scope="module")
def runs(runs_dir):
    return runs_dir


@pytest.fixture(scope="module")
def loaded(runs):
    return load_path(runs)


def test_a_directory_gives_one_run_per_file_or_checkpoint_folder(loaded):
    assert sorted(loaded.frame["run"].unique()) == [
        "cli-steps", "evals", "long-a", "long-b", "rb2-run", "rm-checkpoints", "spelled", "wide",
    ]  # fmt: skip
    assert loaded.problems == ()


def test_wide_csv_and_tsv_with_other_spellings_and_fractions(loaded):
    assert values(loaded.frame, "wide", "Chat Hard") == {0: 60.2, 100: 63.5, 200: 66.0}
    spelled = values(loaded.frame, "spelled", "Chat Hard")
    assert spelled == {0: pytest.approx(60.0), 50: pytest.approx(62.0)}
    assert values(loaded.frame, "spelled", "Overall")[50] == pytest.approx(76.5)


def test_long_csv_splits_runs_and_keeps_their_own_step_grids(loaded):
    assert values(loaded.frame, "long-a", "Safety") == {0: 70.0, 100: 71.0}
    assert values(loaded.frame, "long-b", "Chat") == {0: 78.0, 200: 84.0}


def test_json_lines_sections_get_a_leaderboard_overall(loaded):
    assert values(loaded.frame, "evals", "Overall")[0] == pytest.approx((81.0 + 60.5 + 74.2 + 85.3) / 4)


def subset_doc(path):
    document = json.loads(path.read_text())
    return document.get("extra_results", document)


def test_run_rm_result_files_give_weighted_sections_and_keep_subsets(runs, loaded):
    frame = loaded.frame
    doc = subset_doc(runs / "results" / "eval-set" / "rm-checkpoints" / "checkpoint-200.json")
    chat = (
        doc["alpacaeval-easy"] * 100 + doc["alpacaeval-length"] * 95 + doc["alpacaeval-hard"] * 95
        + doc["mt-bench-easy"] * 28 + doc["mt-bench-med"] * 40
    ) / 358 * 100  # fmt: skip
    assert values(frame, "rm-checkpoints", "Chat")[200] == pytest.approx(chat)
    assert sorted(values(frame, "rm-checkpoints", "Overall")) == [100, 200, 300]
    assert values(frame, "rm-checkpoints", "math-prm")[300] == pytest.approx(
        subset_doc(runs / "results" / "eval-set" / "rm-checkpoints" / "checkpoint-300.json")["math-prm"] * 100
    )
    sections = [values(frame, "rm-checkpoints", s)[100] for s in ("Chat", "Chat Hard", "Safety", "Reasoning")]
    assert values(frame, "rm-checkpoints", "Overall")[100] == pytest.approx(sum(sections) / 4)


def test_rewardbench_cli_files_use_extra_results_not_accuracy(runs, loaded):
    reasoning = values(loaded.frame, "cli-steps", "Reasoning")
    assert sorted(reasoning) == [0, 250, 500]
    accuracy = json.loads((runs / "results" / "cli-steps" / "step_0.json").read_text())["accuracy"]
    assert values(loaded.frame, "cli-steps", "Overall")[0] != pytest.approx(accuracy * 100)


def test_rewardbench_2_files_have_their_own_metrics(runs, loaded):
    rb2 = loaded.frame[loaded.frame["run"] == "rb2-run"]
    assert set(rb2["metric"]) == {
        "RB2 Factuality", "RB2 Precise IF", "RB2 Math", "RB2 Safety", "RB2 Focus", "RB2 Ties", "RB2 Score",
    }  # fmt: skip
    assert "Safety" not in set(rb2["metric"])
    summary = json.loads((runs / "results" / "eval-set" / "rb2-run-step-200.json").read_text())
    categories = ("Factuality", "Precise IF", "Math", "Safety", "Focus", "Ties")
    mean = sum(summary[category] for category in categories) / 6 * 100
    assert values(loaded.frame, "rb2-run", "RB2 Score")[200] == pytest.approx(mean, abs=1e-9)


def test_step_key_wins_over_the_file_name(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "step_10.json").write_text(json.dumps({"step": 12, "alpacaeval-easy": 0.9}))
    assert values(load_path(run).frame, "run", "Chat") == {12: pytest.approx(90.0)}


def test_a_missing_section_is_missing_not_zero(tmp_path):
    run = tmp_path / "partial"
    run.mkdir()
    (run / "100.json").write_text(json.dumps({"alpacaeval-easy": 0.9, "hep-go": 0.8}))
    frame = load_path(run).frame
    assert set(frame["metric"]) == {"alpacaeval-easy", "hep-go", "Chat", "Reasoning"}
    assert "Overall" not in set(frame["metric"])


def test_missing_subsets_drop_out_and_the_weights_renormalise(tmp_path):
    run = tmp_path / "r"
    run.mkdir()
    (run / "1.json").write_text(json.dumps({"alpacaeval-easy": 0.9, "mt-bench-easy": 0.5}))
    assert values(load_path(run).frame, "r", "Chat")[1] == pytest.approx((0.9 * 100 + 0.5 * 28) / 128 * 100)


def test_paper_convention_counts_prior_sets(tmp_path):
    run = tmp_path / "r"
    run.mkdir()
    subsets = {"alpacaeval-easy": 0.9, "mt-bench-hard": 0.6, "donotanswer": 0.8, "hep-go": 0.7}
    prior = {"anthropic_helpful": 0.6, "anthropic_hhh": 0.7, "shp": 0.5, "summarize": 0.6}
    (run / "1.json").write_text(json.dumps({**subsets, **prior}))
    paper = values(load_path(run, convention=PAPER).frame, "r", "Overall")[1]
    leaderboard = values(load_path(run).frame, "r", "Overall")[1]
    assert leaderboard == pytest.approx((90 + 60 + 80 + 70) / 4)
    assert paper == pytest.approx((2 * (90 + 60 + 80 + 70) + 60) / 9)


BAD_CASES = {
    "empty.csv": "empty.csv: the file is empty",
    "wrong-delimiter.csv": "wrong-delimiter.csv line 1: columns must be separated by commas (or tabs); this header has ';' or '|' instead",  # noqa: E501
    "not-utf8.csv": "not-utf8.csv line 3: not UTF-8 text (byte 0xff)",
    "huge-number.csv": "huge-number.csv line 3: column Chat: not a finite number",
    "negative-step.csv": "negative-step.csv line 3: column step: the step is negative; steps count up from 0",
    "fractional-step.csv": "fractional-step.csv line 3: column step: the step is not a whole number",
    "above-100.csv": "above-100.csv line 3: column Chat: 123.5 is outside 0-100 (percent)",
    "unknown-metrics.csv": "unknown-metrics.csv line 1: no RewardBench metric columns (such as Chat, Chat Hard, Safety, Overall)",  # noqa: E501
    "not-a-number.csv": "not-a-number.csv line 3: column Chat: not a number",
    "ragged.csv": "ragged.csv: line 3: 4 fields where the header has 3",
    "array-line.jsonl": "array-line.jsonl line 2: expected a JSON object, found an array",
    "invalid.jsonl": "invalid.jsonl line 2: not valid JSON (unexpected end of data at column 24)",
    "string-value.jsonl": 'string-value.jsonl line 1: key "Chat": not a number (a string)',
    "array.json": "array.json item 0: expected a JSON object, found a number",
    "extra-results-array.json": 'extra-results-array.json: key "extra_results": expected an object, found an array',
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_each_bad_file_says_where_and_what(name):
    with pytest.raises(DataError) as caught:
        read_file(BAD / name)
    assert str(caught.value) == f"{BAD / name}{BAD_CASES[name][len(name) :]}"


def test_every_bad_fixture_has_a_case():
    assert sorted(path.name for path in BAD.iterdir()) == sorted(BAD_CASES)


def test_bad_files_in_a_directory_are_listed_and_every_other_run_loads(tmp_path, runs):
    shutil.copytree(runs, tmp_path / "runs")
    for name in ("not-a-number.csv", "array-line.jsonl"):
        shutil.copy(BAD / name, tmp_path / "runs" / name)
    result = load_path(tmp_path / "runs")
    assert "wide" in set(result.frame["run"]) and "rm-checkpoints" in set(result.frame["run"])
    assert sorted(result.problems) == sorted(
        [
            "array-line.jsonl line 2: expected a JSON object, found an array",  # named below the data path
            "not-a-number.csv line 3: column Chat: not a number",
        ]
    )


def test_a_bad_checkpoint_file_is_listed_and_the_run_keeps_its_other_checkpoints(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "step_100.json").write_text(json.dumps({"alpacaeval-easy": 0.9}))
    (run / "step_200.json").write_text("[0.9]")
    result = load_path(run)
    assert values(result.frame, "run", "Chat") == {100: pytest.approx(90.0)}
    assert result.problems == ("step_200.json item 0: expected a JSON object, found a number",)


@pytest.mark.parametrize("name", ["being-written.jsonl", "being-written.csv"])
def test_a_file_being_written_loads_what_is_complete(name):
    frame, notes = read_file(FIXTURES / "writing" / name)
    assert values(frame, "being-written", "Chat") == {0: 80.0, 25: 81.5 if name.endswith("jsonl") else 81.0}
    assert notes and "incomplete last line" in notes[0]


def test_an_empty_directory_has_no_runs_and_no_problems(tmp_path):
    result = load_path(tmp_path)
    assert result.frame.empty and result.problems == ()


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(DataError, match="no such file or directory"):
        load_path(tmp_path / "nope")


def test_same_run_name_from_two_files_is_kept_apart(tmp_path):
    (tmp_path / "a.csv").write_text("step,Chat\n0,80\n")
    (tmp_path / "a.jsonl").write_text('{"step": 0, "Chat": 70}\n')
    result = load_path(tmp_path)
    assert sorted(result.frame["run"].unique()) == ["a", "a (2)"]
    assert result.notes == ("run name 'a' comes from more than one file; renamed 'a (2)'",)


def test_unchanged_files_are_not_parsed_again(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("step,Chat\n0,80\n")
    cache = ParseCache()
    first = load_path(tmp_path, cache=cache)
    calls = []
    monkeypatch.setattr(
        "components.loader.read_file", lambda *args: calls.append(args) or (_ for _ in ()).throw(AssertionError)
    )
    second = load_path(tmp_path, cache=cache)
    assert calls == [] and second.frame.equals(first.frame)


def test_the_signature_changes_when_a_file_changes_and_only_then(tmp_path):
    run = tmp_path / "a.csv"
    run.write_text("step,Chat\n0,80\n")
    before = fingerprint(tmp_path, SUPPORTED_SUFFIXES)
    assert fingerprint(tmp_path, SUPPORTED_SUFFIXES) == before
    with run.open("a") as handle:
        handle.write("25,81\n")
    assert fingerprint(tmp_path, SUPPORTED_SUFFIXES) != before


def test_gaps_survive_in_every_format(tmp_path):
    (tmp_path / "g.jsonl").write_text('{"step": 0, "Chat": 80}\n{"step": 1, "Chat": null, "Safety": 70}\n')
    chat = values(load_path(tmp_path).frame, "g", "Chat")
    assert chat[0] == 80 and math.isnan(chat[1])
