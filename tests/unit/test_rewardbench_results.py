"""RewardBench's tools' own output, laid out as they leave it (tests/rewardbench_tools.py), read by the loader."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.loader import DataError, ParseCache, load_path, parse_bytes
from components.scoring import PAPER, SUBSET_WEIGHTS
from tests import rewardbench_tools as tools
from tests.rewardbench_tools import Evaluation

SECTIONS = ("Chat", "Chat Hard", "Safety", "Reasoning")


def values(frame, run, metric):
    rows = frame[(frame["run"] == run) & (frame["metric"] == metric)]
    return dict(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


def section(summary: dict, name: str) -> float:
    """rewardbench/utils.py calculate_scores_per_section for one section, in percent."""
    weights = SUBSET_WEIGHTS[name]
    present = [subset for subset in weights if subset in summary]
    return sum(summary[s] * weights[s] for s in present) / sum(weights[s] for s in present) * 100


@pytest.fixture
def swept(tmp_path):
    """run_rm.py on three checkpoints of runs/rm, then on the Trainer's final output_dir runs/rm."""
    for number, step in enumerate((200, 400, 600)):
        tools.run_rm(tmp_path, f"runs/rm/checkpoint-{step}", Evaluation(skill=0.6 + 0.05 * number, seed=step))
    tools.run_rm(tmp_path, "runs/rm", Evaluation(skill=0.8, seed=1))
    return tmp_path


@pytest.mark.parametrize(
    "below", ["", "results", "results/eval-set", "results/eval-set/runs", "results/eval-set/runs/rm"]
)
def test_every_folder_from_where_the_tools_ran_down_to_a_run_finds_the_run(swept, below):
    result = load_path(swept / below)
    assert result.problems == ()
    final = [] if below.endswith("rm") else [800]  # runs/rm.json, the final model, lies beside the run's folder
    assert sorted(values(result.frame, "runs/rm", "Overall")) == [200, 400, 600, *final]


def test_one_result_file_is_one_checkpoint_of_its_run(swept):
    frame = load_path(swept / "results" / "eval-set" / "runs" / "rm" / "checkpoint-400.json").frame
    assert set(frame["run"]) == {"runs/rm"} and set(frame["step"]) == {400}


def test_sections_and_overall_are_rewardbenchs_own_arithmetic(swept):
    frame = load_path(swept).frame
    summary = json.loads((swept / "results/eval-set/runs/rm/checkpoint-400.json").read_text())
    for name in SECTIONS:
        assert values(frame, "runs/rm", name)[400] == pytest.approx(section(summary, name), abs=1e-9)
    overall = sum(section(summary, name) for name in SECTIONS) / 4
    assert values(frame, "runs/rm", "Overall")[400] == pytest.approx(overall, abs=1e-9)


def test_the_final_model_is_drawn_after_the_last_step_and_marked_final(swept):
    result = load_path(swept / "results")
    assert result.finals == {"runs/rm": 800}
    assert "runs/rm (2)" not in set(result.frame["run"])
    summary = json.loads((swept / "results/eval-set/runs/rm.json").read_text())
    assert values(result.frame, "runs/rm", "Chat")[800] == pytest.approx(section(summary, "Chat"), abs=1e-9)


def test_a_learning_rate_in_a_name_is_never_a_step(tmp_path):
    tools.run_rm(tmp_path, "runs/rm-lr1e-5/checkpoint-100", Evaluation(seed=1))
    tools.run_rm(tmp_path, "runs/rm-lr1e-5", Evaluation(seed=2))
    result = load_path(tmp_path)
    assert sorted(values(result.frame, "runs/rm-lr1e-5", "Chat")) == [100, 200]
    assert result.finals == {"runs/rm-lr1e-5": 200}


@pytest.mark.parametrize("name", ["org/rm-7b-step-{}", "org/rm-7b-step{}", "org/rm-7b_step_{}"])
def test_one_hub_repo_per_checkpoint_is_one_run(tmp_path, name):
    for step in (100, 200, 300):
        tools.run_rm(tmp_path, name.format(step), Evaluation(seed=step))
    frame = load_path(tmp_path / "results").frame
    assert set(frame["run"]) == {"org/rm-7b"} and sorted(set(frame["step"])) == [100, 200, 300]


def test_run_v2_revisions_are_one_run(tmp_path):
    for step in (100, 200):
        tools.run_v2(tmp_path, "org/rm-7b", Evaluation(seed=step), revision=f"step-{step}")
    frame = load_path(tmp_path).frame
    assert set(frame["run"]) == {"org/rm-7b"} and sorted(set(frame["step"])) == [100, 200]


def test_the_rewardbench_command_with_an_output_dir_per_revision(tmp_path):
    for step in (100, 200):
        tools.rewardbench_command(tmp_path, "org/rm-7b", Evaluation(seed=step), output_dir=f"evals/step-{step}/")
    result = load_path(tmp_path / "evals")
    assert set(result.frame["run"]) == {"org/rm-7b"} and sorted(set(result.frame["step"])) == [100, 200]
    assert set(result.outcomes) == {("org/rm-7b", 100), ("org/rm-7b", 200)}  # its _outputs.jsonl


def test_an_absolute_model_path_is_found_below_results(tmp_path):
    tools.run_rm(tmp_path, "/data/x/checkpoint-12", Evaluation())
    assert set(load_path(tmp_path).frame["run"]) == {"data/x"}


def test_a_reference_free_dpo_result_is_its_own_line(tmp_path):
    tools.run_dpo(tmp_path, "runs/dpo/checkpoint-400", Evaluation(seed=1))
    tools.run_dpo(tmp_path, "runs/dpo/checkpoint-400", Evaluation(seed=2), ref_model="runs/sft")
    result = load_path(tmp_path)
    assert sorted(set(result.frame["run"])) == ["runs/dpo", "runs/dpo (reference-free)"]
    prompts = result.outcomes[("runs/dpo (reference-free)", 400)][0].prompts
    assert prompts.ids is None  # run_dpo.py writes no ids


def test_summary_and_per_prompt_file_are_one_point_and_agree(tmp_path):
    summary, scores = tools.run_rm(tmp_path, "runs/rm/checkpoint-5", Evaluation())
    result = load_path(tmp_path)
    assert result.notes == () and sorted(set(result.frame["step"])) == [5]
    alone = load_path(scores).frame  # the per-prompt file by itself gives the same scores
    both = result.frame.sort_values(["metric"]).reset_index(drop=True)
    assert np.allclose(alone.sort_values(["metric"])["value"], both["value"], atol=1e-9, rtol=0)


@pytest.mark.parametrize("tool", [tools.run_generative, tools.rewardbench_command])
def test_per_prompt_files_of_every_v1_tool_give_the_summarys_subsets(tmp_path, tool):
    summary_path, scores_path = tool(tmp_path, "runs/rm/checkpoint-5", Evaluation(seed=3))
    summary = json.loads(summary_path.read_text())
    summary = summary.get("extra_results", summary)
    alone = load_path(scores_path).frame
    run = alone["run"].iloc[0]  # the rewardbench command's _outputs.jsonl has no "model" key: named after its folder
    for subset, score in summary.items():
        if subset in ("model", "model_type", "chat_template"):
            continue
        assert values(alone, run, subset)[5] == pytest.approx(score * 100, abs=1e-9)


@pytest.mark.parametrize("tool", [tools.run_v2, tools.run_generative_v2])
def test_rewardbench_2_per_prompt_files_give_ties_as_process_single_model_does(tmp_path, tool):
    summary_path, scores_path = tool(tmp_path, "runs/rb2/checkpoint-7", Evaluation(seed=11))
    summary = json.loads(summary_path.read_text())
    alone = load_path(scores_path).frame
    for category in ("Factuality", "Precise IF", "Math", "Safety", "Focus", "Ties"):
        assert values(alone, "runs/rb2", f"RB2 {category}")[7] == pytest.approx(summary[category] * 100, abs=1e-9)
    assert load_path(tmp_path).notes == ()


def test_a_private_rewardbench_2_sweep_with_only_per_prompt_files_loads(tmp_path):
    for step in (10, 20):
        summary, _ = tools.run_v2(tmp_path, "runs/rb2", Evaluation(seed=step), revision=f"step-{step}",
                                  do_not_save=True)  # fmt: skip
        assert summary is None
    result = load_path(tmp_path / "results")
    assert sorted(values(result.frame, "runs/rb2", "RB2 Score")) == [10, 20]
    assert "Chat" not in set(result.frame["metric"])


def test_a_ties_score_above_one_is_101_percent_and_scales_nothing_else(tmp_path):
    path = tmp_path / "results" / "eval-set" / "runs" / "rb2" / "checkpoint-1.json"
    path.parent.mkdir(parents=True)
    categories = {"Factuality": 0.53, "Focus": 0.6, "Math": 0.5, "Precise IF": 0.4, "Safety": 0.7, "Ties": 1.01}
    path.write_text(json.dumps({"model": "runs/rb2/checkpoint-1", **categories}, indent=4, sort_keys=True))
    frame = load_path(tmp_path).frame
    assert values(frame, "runs/rb2", "RB2 Ties") == {1: pytest.approx(101.0)}
    assert values(frame, "runs/rb2", "RB2 Factuality") == {1: pytest.approx(53.0)}


def test_a_result_file_is_fractions_by_kind_even_when_every_value_is_small(tmp_path):
    path = tmp_path / "results" / "eval-set" / "m.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"model": "m", "alpacaeval-easy": 0.004}))
    assert values(load_path(tmp_path).frame, "m", "alpacaeval-easy") == {0: pytest.approx(0.4)}


def test_a_percentage_in_a_result_file_is_refused_with_its_key(tmp_path):
    path = tmp_path / "results" / "eval-set" / "m.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"model": "m", "alpacaeval-easy": 91.2}))
    result = load_path(tmp_path)
    assert result.problems == ('results/eval-set/m.json: key "alpacaeval-easy": 91.2 is outside 0-1; RewardBench '
                               "writes scores as fractions",)  # fmt: skip


def test_prior_sets_from_pref_sets_count_in_the_paper_convention(tmp_path):
    tools.run_rm(tmp_path, "runs/rm/checkpoint-1", Evaluation(seed=1))
    tools.run_rm(tmp_path, "runs/rm/checkpoint-1", Evaluation(seed=2), pref_sets=True)
    leaderboard = load_path(tmp_path).frame
    paper = load_path(tmp_path, convention=PAPER).frame
    sections = sum(values(paper, "runs/rm", name)[1] for name in SECTIONS)
    prior = values(paper, "runs/rm", "Prior Sets")[1]
    assert values(paper, "runs/rm", "Overall")[1] == pytest.approx((2 * sections + prior) / 9, abs=1e-9)
    assert values(leaderboard, "runs/rm", "Overall")[1] == pytest.approx(sections / 4, abs=1e-9)
    assert len(set(paper["step"])) == 1  # eval-set and pref-sets of one checkpoint are one point


def test_outcomes_are_kept_per_checkpoint_as_compact_arrays_sharing_their_prompts(swept):
    result = load_path(swept, cache=ParseCache())
    first, second = result.outcomes[("runs/rm", 200)][0], result.outcomes[("runs/rm", 400)][0]
    assert first.prompts is second.prompts  # the same 2,985 prompts, kept once
    assert len(first.prompts) == 2985 and first.prompts.subsets[0] == "alpacaeval-easy"
    assert set(np.unique(first.outcome)) <= {0.0, 1.0}
    assert first.nbytes <= 2985 * 10  # outcome, chosen and rejected rewards: no texts
    scores = json.loads((swept / "results/eval-set-scores/runs/rm/checkpoint-200.json").read_text())
    assert first.chosen.tolist() == pytest.approx(scores["scores_chosen"])
    assert first.prompts.ids.tolist() == scores["id"]


def test_a_summary_and_a_per_prompt_file_that_disagree_are_noted(tmp_path):
    summary_path, _ = tools.run_rm(tmp_path, "runs/rm/checkpoint-5", Evaluation(seed=1))
    summary = json.loads(summary_path.read_text())
    summary["alpacaeval-easy"] = 0.123
    summary_path.write_text(json.dumps(summary))
    result = load_path(tmp_path)
    assert len(result.notes) == 1 and "disagree (alpacaeval-easy 0.123 vs" in result.notes[0]
    assert str(summary_path.relative_to(tmp_path)) in result.notes[0]
    assert "per-prompt file's scores are shown" in result.notes[0]


def test_v1_and_v2_results_for_one_path_are_both_shown_with_a_note(tmp_path):
    tools.run_rm(tmp_path, "runs/rm/checkpoint-5", Evaluation(seed=1))
    tools.run_v2(tmp_path, "runs/rm/checkpoint-5", Evaluation(seed=2), do_not_save=True)  # replaces the scores file
    result = load_path(tmp_path)
    assert {"Chat", "RB2 Score"} <= set(result.frame["metric"])
    assert any("a RewardBench result" in note and "RewardBench 2 result" in note for note in result.notes)


def test_two_files_for_one_run_and_step_keep_the_first_and_say_so(tmp_path):
    tools.rewardbench_command(tmp_path, "runs/rm/checkpoint-5", Evaluation(seed=1), output_dir="a/")
    tools.rewardbench_command(tmp_path, "runs/rm/step-5", Evaluation(seed=2), output_dir="a/")
    result = load_path(tmp_path / "a")
    assert sorted(set(result.frame["step"])) == [5]
    assert any("step-5" in note and "checkpoint-5" in note and "first of the two" in note for note in result.notes)


def test_a_debug_summary_with_some_subsets_is_noted_and_its_sections_renormalise(tmp_path):
    tools.run_rm(tmp_path, "runs/rm/checkpoint-5", Evaluation(debug=True))
    result = load_path(tmp_path)
    assert any("has 1 of the 23 subsets (a --debug run?)" in note for note in result.notes)
    assert "Chat" in set(result.frame["metric"]) and "Overall" not in set(result.frame["metric"])


def test_a_per_prompt_file_being_written_is_a_problem_and_the_rest_loads(tmp_path):
    _, scores = tools.run_rm(tmp_path, "runs/rm/checkpoint-5", Evaluation(seed=1))
    tools.run_rm(tmp_path, "runs/rm/checkpoint-6", Evaluation(seed=2))
    raw = scores.read_bytes()
    scores.write_bytes(raw[: len(raw) // 2])
    tools.run_rm(tmp_path / "other", "x", Evaluation())
    result = load_path(tmp_path)
    assert len(result.problems) == 1 and result.problems[0].startswith(f"{scores.relative_to(tmp_path)} line ")
    assert "not valid JSON" in result.problems[0]
    assert sorted(set(result.frame[result.frame["run"] == "runs/rm"]["step"])) == [5, 6]  # 5 from its summary


def test_an_outputs_file_being_written_is_a_problem(tmp_path):
    _, outputs = tools.rewardbench_command(tmp_path, "m/checkpoint-1", Evaluation())
    outputs.write_bytes(outputs.read_bytes()[:-200])
    result = load_path(outputs.parent)
    assert result.problems == (f"{outputs.name}: the last line is incomplete (still being written?); read once it is "
                               "complete",)  # fmt: skip


def test_a_per_prompt_file_with_mismatched_lists_names_the_key(tmp_path):
    _, scores = tools.run_rm(tmp_path, "m/checkpoint-1", Evaluation())
    document = json.loads(scores.read_text())
    document["subset"] = document["subset"][:-1]
    scores.write_text(json.dumps(document))
    problem = f'{scores.name}: key "subset" has 2984 items where "results" has 2985'
    assert load_path(scores.parent).problems == (problem,)


def test_a_zero_byte_file_is_named(tmp_path):
    (tmp_path / "checkpoint-1.json").write_bytes(b"")
    (tmp_path / "run.csv").write_text("step,Chat\n0,80\n")
    result = load_path(tmp_path)
    assert result.problems == ("checkpoint-1.json: the file is empty",)
    assert set(result.frame["run"]) == {"run"}


def test_a_symlink_loop_is_reported_and_the_walk_ends(tmp_path):
    tools.run_rm(tmp_path, "runs/rm/checkpoint-1", Evaluation())
    os.symlink(tmp_path / "results", tmp_path / "results" / "eval-set" / "runs" / "loop")
    result = load_path(tmp_path)
    assert set(result.frame["run"]) == {"runs/rm"}
    assert result.problems == ("results/eval-set/runs/loop: a link back to a folder above it; not followed",)


UNREADABLE = """
import os, sys
from components.loader import load_path
os.setgid(65534); os.setuid(65534)
result = load_path(sys.argv[1])
print(sorted(set(result.frame["run"])), result.problems)
"""


def test_a_folder_without_read_permission_is_reported_and_the_rest_loads():
    root = Path(tempfile.mkdtemp(prefix="rewardbench-shared-"))  # a folder an unprivileged user can reach
    tools.run_rm(root, "runs/a/checkpoint-1", Evaluation())
    tools.run_rm(root, "runs/b/checkpoint-1", Evaluation())
    locked = root / "results" / "eval-set" / "runs" / "b"
    for directory, _, _ in os.walk(root):
        os.chmod(directory, 0o755)
    os.chmod(locked, 0o000)
    try:
        if os.geteuid() == 0:  # root reads every folder: look as an unprivileged user, as a server runs
            shown = subprocess.run([sys.executable, "-c", UNREADABLE, str(root)], capture_output=True, text=True,
                                   check=True, cwd=os.getcwd()).stdout  # fmt: skip
        else:
            result = load_path(root)
            shown = f"{sorted(set(result.frame['run']))} {result.problems}"
    finally:
        os.chmod(locked, 0o755)
        shutil.rmtree(root)
    assert "'runs/a'" in shown and f"{locked.relative_to(root)}: folder cannot be read (Permission denied)" in shown


def test_a_path_without_runs_says_what_was_looked_for_and_what_was_seen(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}")
    result = load_path(tmp_path)
    assert result.frame.empty and result.problems == ()
    message = result.notes[0]
    assert message.startswith(f"No runs found in {tmp_path}. Looked up to 8 folders down for CSV or TSV tables")
    assert "RewardBench per-prompt files" in message and "_outputs.jsonl" in message
    assert "model/config.json (a model checkpoint's own file, not a result)" in message
    assert "notes.txt (not a kind of file the dashboard reads)" in message


def test_the_beaker_copy_of_the_last_summary_is_skipped_with_a_note(tmp_path):
    tools.run_rm(tmp_path, "runs/rm/checkpoint-1", Evaluation(), beaker=True)
    result = load_path(tmp_path)
    assert set(result.frame["run"]) == {"runs/rm"}
    assert any(note.startswith("output/metrics.json: skipped") for note in result.notes)


def test_an_uploaded_result_file_goes_by_its_model_key(tmp_path):
    summary, scores = tools.run_rm(tmp_path, "runs/rm/checkpoint-400", Evaluation())
    for path in (summary, scores):
        frame, _ = parse_bytes(path.name, path.read_bytes())
        assert set(frame["run"]) == {"runs/rm"} and set(frame["step"]) == {400}
    _, outputs = tools.rewardbench_command(tmp_path, "rm-7b-step-9", Evaluation())
    frame, _ = parse_bytes(outputs.name, outputs.read_bytes())
    assert set(frame["run"]) == {"rm-7b"} and set(frame["step"]) == {9}


def test_an_unchanged_tree_is_not_parsed_again(swept, monkeypatch):
    cache = ParseCache()
    first = load_path(swept, cache=cache)
    monkeypatch.setattr("components.formats.parse", lambda *args: pytest.fail("parsed again"))
    assert load_path(swept, cache=cache) is first


SCORE_KEYS = ["results", "subset", "id", "scores_chosen", "scores_rejected", "scores", "num_correct", "model"]
list_item = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, width=32),
                      st.sampled_from(["alpacaeval-easy", "Ties", "Factuality", "ref:1", "tied:1", "x"]),
                      st.lists(st.floats(-5, 5, width=32), max_size=3))  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.dictionaries(st.sampled_from(SCORE_KEYS), st.lists(list_item, max_size=5), max_size=7))
def test_random_dicts_of_lists_never_escape_as_anything_but_a_data_error(document):
    for name, raw in (("m.json", json.dumps(document)),
                      ("m_outputs.jsonl", "".join(json.dumps(dict(zip(document, row, strict=False))) + "\n"
                                                  for row in zip(*document.values(), strict=False)))):  # fmt: skip
        try:
            frame, _ = parse_bytes(name, raw.encode())
        except DataError as error:
            assert str(error).startswith(name) and "\n" not in str(error)
            continue
        assert frame["value"].dropna().between(-1, 101).all()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=300))
def test_random_bytes_as_result_files_never_escape_as_anything_but_a_data_error(raw):
    for name in ("checkpoint-1.json", "m_outputs.jsonl"):
        try:
            parse_bytes(name, raw)
        except DataError as error:
            assert str(error).startswith(name) and "\n" not in str(error)


def test_the_data_provider_gives_a_checkpoints_outcomes_by_run_and_step(swept):
    from components.config import Settings
    from components.provider import DataProvider

    provider = DataProvider(Settings(data_path=swept))
    (outcomes,) = provider.outcomes("runs/rm", 400)
    assert len(outcomes.outcome) == 2985 and provider.outcomes("runs/rm", 401) == ()


def test_a_link_out_of_the_data_path_is_not_followed_unless_a_setting_says_so(tmp_path):
    from components.formats.base import Limits

    secrets = tmp_path / "home"
    secrets.mkdir()
    (secrets / "credentials.csv").write_text("aws_secret_access_key=abc\n")
    (secrets / "other-run.csv").write_text("step,Chat\n0,80\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "run.csv").write_text("step,Chat\n0,70\n")
    os.symlink(secrets / "credentials.csv", data / "linked.csv")
    os.symlink(secrets, data / "linked-folder")
    os.symlink(data / "run.csv", data / "inside.csv")  # a link within the data path is read
    result = load_path(data)
    assert sorted(set(result.frame["run"])) == ["inside", "run"]
    assert result.problems == () and not any("aws_secret" in message for message in result.notes)
    assert any(note.startswith("linked.csv: a link that leads out of the data path; not followed")
               for note in result.notes)  # fmt: skip
    followed = load_path(data, cache=ParseCache(Limits(follow_links_out=True)))
    assert "other-run" in set(followed.frame["run"])


def test_a_key_given_twice_in_a_result_file_is_noted(tmp_path):
    path = tmp_path / "results" / "eval-set" / "m" / "checkpoint-1.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"model": "m", "alpacaeval-easy": 0.5, "alpacaeval-easy": 0.9}')
    result = load_path(tmp_path)
    assert values(result.frame, "m", "alpacaeval-easy") == {1: pytest.approx(90.0)}
    assert result.notes[0] == ("results/eval-set/m/checkpoint-1.json: key(s) 'alpacaeval-easy' appear more than once "
                               "in one object; the last of each is used")  # fmt: skip


def test_a_file_name_with_a_line_break_forges_no_line_in_the_server_log(tmp_path, caplog):
    from app import create_app
    from components.config import Settings

    (tmp_path / "good.csv").write_text("step,Chat\n0,80\n")
    (tmp_path / "x\nERROR forged.csv").write_text("step,Chat\n0,abc\n")
    with caplog.at_level("WARNING"):
        create_app(Settings(data_path=tmp_path))
    (record,) = [record for record in caplog.records if "forged" in record.getMessage()]
    assert "\n" not in record.getMessage() and "x\\nERROR forged.csv" in record.getMessage()


def test_a_skipped_file_whose_name_is_not_utf8_can_still_be_shown(tmp_path):
    import orjson

    (tmp_path / os.fsdecode(b"\xffnotes.txt")).write_text("x")
    result = load_path(tmp_path)
    assert "\\xffnotes.txt (not a kind of file the dashboard reads)" in result.notes[0]
    orjson.dumps(list(result.notes))  # what the page sends: a lone surrogate would not encode
