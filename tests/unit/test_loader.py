"""The loader, on real files: good runs become a tidy frame; bad ones a DataError saying where and what."""

import math

import pytest

from components.loader import TIDY_COLUMNS, DataError, load_run, read_file
from tests.support import SHIPPED_RUN


def write(tmp_path, text, name="run.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def series(frame, metric):
    points = frame[frame["metric"] == metric]
    return dict(zip(points["step"], points["value"], strict=False))


def test_shipped_run_loads_as_a_tidy_frame():
    frame = load_run(SHIPPED_RUN)
    assert tuple(frame.columns) == TIDY_COLUMNS
    assert len(frame) == 25 * 5
    assert set(frame["run"]) == {"seed-run"}
    assert str(frame["step"].dtype) == "int64" and str(frame["value"].dtype) == "float64"
    assert list(frame["metric"].unique()) == ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]
    assert series(frame, "Chat Hard")[350] == 75.0


@pytest.mark.parametrize(
    "header",
    [
        "step,Chat,Chat Hard,Safety,Reasoning,Overall",
        "Step,chat,chat_hard,safety,reasoning,score",
        "global_step,CHAT,chat-hard,Safety,Reasoning,overall_score",
        " step , Chat , ChatHard , Safety , Reasoning , Overall ",
    ],
)
def test_usual_column_spellings_are_recognised(tmp_path, header):
    frame = load_run(write(tmp_path, f"{header}\n0,80,60,70,85,74\n25,81,61,71,86,75\n"))
    assert series(frame, "Chat Hard") == {0: 60.0, 25: 61.0}
    assert series(frame, "Overall") == {0: 74.0, 25: 75.0}


def test_tab_separated_files_load(tmp_path):
    frame = load_run(write(tmp_path, "step\tChat\tSafety\n0\t80.5\t70\n100\t82\t71\n", name="run.tsv"))
    assert series(frame, "Chat") == {0: 80.5, 100: 82.0}


def test_a_run_is_named_after_its_file(tmp_path):
    frame = load_run(write(tmp_path, "step,Chat\n0,80\n", name="rm-7b-lr2e-6.csv"))
    assert set(frame["run"]) == {"rm-7b-lr2e-6"}


def test_fractions_are_shown_as_percent(tmp_path):
    frame = load_run(write(tmp_path, "step,Chat,Safety\n0,0.812,0.7\n25,0.9,1\n"))
    assert series(frame, "Chat") == {0: pytest.approx(81.2), 25: pytest.approx(90.0)}
    assert series(frame, "Safety")[25] == pytest.approx(100.0)


def test_missing_values_are_gaps_not_zeros(tmp_path):
    frame = load_run(write(tmp_path, "step,Chat,Safety\n0,80,70\n25,,71\n50,NaN,72\n"))
    chat = series(frame, "Chat")
    assert chat[0] == 80.0 and math.isnan(chat[25]) and math.isnan(chat[50])


def test_steps_are_sorted_and_a_repeated_step_keeps_its_last_row_and_says_so(tmp_path):
    frame, notes = read_file(write(tmp_path, "step,Chat\n50,82\n0,80\n50,83\n25,81\n"))
    assert list(series(frame, "Chat").items()) == [(0, 80.0), (25, 81.0), (50, 83.0)]
    assert notes == [f"{tmp_path / 'run.csv'}: step(s) 50 appear more than once; the last row of each is kept"]


def test_unknown_columns_are_ignored_with_a_note_and_the_run_still_loads(tmp_path):
    frame, notes = read_file(write(tmp_path, "step,Chat,Helpfulness,epoch\n0,80,70,0.1\n"))
    assert set(frame["metric"]) == {"Chat", "x:Epoch"}  # epoch is kept for the x axis
    assert notes == [f"{tmp_path / 'run.csv'} line 1: column 'Helpfulness' is not a RewardBench metric; ignored"]


def test_blank_lines_do_not_shift_reported_line_numbers(tmp_path):
    path = write(tmp_path, "step,Chat\n\n0,80\n\n25,abc\n")
    with pytest.raises(DataError, match=r"line 5: column Chat: not a number"):
        load_run(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r"run\.csv: the file is empty"),
        ("   \n\n", r"run\.csv: the file is empty"),
        ("step,Chat,Safety\n", r"run\.csv: no data rows below the header"),
        ("step,Chat\n0,80\n25,abc\n", r"run\.csv line 3: column Chat: not a number"),
        ("step,Chat\n0,80\n25,inf\n", r"line 3: column Chat: not a finite number"),
        ("step,Chat\n0,80\n25,1e400\n", r"line 3: column Chat: not a finite number"),
        ("step,Chat\n0,80\n25,123.5\n", r"line 3: column Chat: 123.5 is outside 0-100"),
        ("step,Chat\n0,80\n25,-3\n", r"line 3: column Chat: -3 is outside 0-100"),
        ("step,Chat\n0,80\n-25,81\n", r"line 3: column step: the step is negative"),
        ("step,Chat\n0,80\n12.5,81\n", r"line 3: column step: the step is not a whole number"),
        ("step,Chat\n0,80\n,81\n", r"line 3: column step: the step is empty"),
        ("step,Chat\n0,80\n1e30,81\n", r"line 3: column step: the step is too large"),
        ("step,Chat\n0,80\n25,81,99\n", r"run\.csv: line 3: 3 fields where the header has 2"),
        ("step,Chat,chat\n0,80,70\n", r"line 1: columns 'Chat' and 'chat' both name Chat"),
        ("epoch,Chat\n0,80\n", r"line 1: no step column"),
        ("step\n0\n25\n", r"line 1: no RewardBench metric columns"),
        ("step,Helpfulness\n0,80\n", r"line 1: no RewardBench metric columns"),
        ("step,Chat,Safety\n0,80,70\n25,81\n50,82,72\n", r"line 3: 2 fields where the header has 3"),
        ("step;Chat;Safety\n0;80;70\n", r"line 1: columns must be separated by commas"),
        # a quoted cell holding a line break is shown on the message's one line
        ('step,Chat\n0,80\n25,"8\n1"\n', r"line 3: column Chat: not a number$"),
    ],
)
def test_bad_files_are_reported_with_file_line_and_problem(tmp_path, content, message):
    with pytest.raises(DataError, match=message):
        load_run(write(tmp_path, content))


def test_non_utf8_bytes_are_reported_with_their_line(tmp_path):
    path = write(tmp_path, b"step,Chat\n0,80\n25,8\xff1\n")
    with pytest.raises(DataError, match=r"run\.csv line 3: not UTF-8 text \(byte 0xff\)"):
        load_run(path)


def test_missing_file_and_directory_are_reported(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: no such file"):
        load_run(tmp_path / "nope.csv")
    with pytest.raises(DataError, match=r"is a directory"):
        load_run(tmp_path)


def test_error_messages_are_one_line(tmp_path):
    with pytest.raises(DataError) as caught:
        load_run(write(tmp_path, "step,Chat\n0,80\n25,81,99\n"))
    assert "\n" not in str(caught.value)


def test_ten_thousand_unknown_columns_are_one_note(tmp_path):
    header = "step,Chat," + ",".join(f"extra{n}" for n in range(10_000))
    frame, notes = read_file(write(tmp_path, header + "\n0,80," + ",".join(["1"] * 10_000) + "\n"))
    assert set(frame["metric"]) == {"Chat"}
    assert notes == [f"{tmp_path / 'run.csv'} line 1: 10,000 columns ('extra0', 'extra1', 'extra2', 'extra3', "
                     "'extra4' …) are not a RewardBench metric; ignored"]  # fmt: skip


def test_a_very_long_run_name_is_cut_and_said(tmp_path):
    frame, notes = read_file(write(tmp_path, "run,step,metric,value\n" + "r" * 5000 + ",0,Chat,80\n"))
    (name,) = set(frame["run"])
    assert len(name) == 200 and name.endswith("…")
    assert any("a run name of 5,000 characters is cut to 200 (REWARDBENCH_MAX_NAME_LENGTH)" in note for note in notes)


def test_a_data_path_over_the_points_limit_shows_the_runs_that_fit_and_says_so(tmp_path):
    from components.formats.base import Limits
    from components.loader import ParseCache, load_path

    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.csv").write_text("step,Chat\n0,80\n1,81\n")
    result = load_path(tmp_path, cache=ParseCache(Limits(max_points=4)))
    assert sorted(set(result.frame["run"])) == ["a", "b"]
    assert result.problems == ("the data path holds 6 points in 3 runs; the first 2 runs are shown and 1 left out, "
                               "to stay within 4 points (REWARDBENCH_MAX_POINTS)",)  # fmt: skip


def test_names_from_files_show_characters_that_would_disguise_them(tmp_path):
    text = "run,step,metric,value\nrun-\u202eevil,0,Chat,80\nzero\u200bwidth,0,Chat,81\n"
    frame, _ = read_file(write(tmp_path, text))
    assert set(frame["run"]) == {"run-\\u202eevil", "zero\\u200bwidth"}
