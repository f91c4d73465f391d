"""The live-reload poll's version of the data: real files, a clock the test moves."""

import json
import os
import time

import pytest

from components.datawatch import FULL_SCAN_SECONDS, DataWatch, fingerprint
from components.loader import SUPPORTED_SUFFIXES

A_DAY_AGO = time.time() - 86_400


class Clock:
    def __init__(self) -> None:
        # The start of a full-scan window, so that moving a few seconds stays inside it.
        self.now = (time.time() // FULL_SCAN_SECONDS) * FULL_SCAN_SECONDS

    def __call__(self) -> float:
        return self.now


def result(path, score, when=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": "rm", "chat": score}))
    if when is not None:
        os.utime(path, (when, when))


@pytest.fixture
def runs(tmp_path):
    """Two runs of result files evaluated a day ago, and a training log, also last written a day ago."""
    for run in ("rm-a", "rm-b"):
        for step in (100, 200):
            result(tmp_path / run / f"step_{step}.json", 0.7, when=A_DAY_AGO)
        os.utime(tmp_path / run, (A_DAY_AGO, A_DAY_AGO))
    log = tmp_path / "log.csv"
    log.write_text("step,Chat\n0,80\n")
    os.utime(log, (A_DAY_AGO, A_DAY_AGO))
    return tmp_path


@pytest.fixture
def clock():
    return Clock()


def test_the_version_is_the_fingerprint_of_the_files(runs, clock):
    watch = DataWatch(runs, SUPPORTED_SUFFIXES, clock)
    assert watch.version() == fingerprint(runs, SUPPORTED_SUFFIXES)
    clock.now += 10  # kept up to date without a full scan, the same answer
    assert watch.version() == fingerprint(runs, SUPPORTED_SUFFIXES)


def test_a_new_removed_or_renamed_result_file_changes_the_version_at_once(runs, clock):
    watch = DataWatch(runs, SUPPORTED_SUFFIXES, clock)
    seen = [watch.version()]
    for change in (
        lambda: result(runs / "rm-a" / "step_300.json", 0.8),
        lambda: (runs / "rm-b" / "step_100.json").unlink(),
        lambda: (runs / "rm-a" / "step_300.json").rename(runs / "rm-a" / "step_400.json"),
        lambda: result(runs / "rm-c" / "step_100.json", 0.6),
    ):
        change()
        clock.now += 1
        seen.append(watch.version())
        assert seen[-1] == fingerprint(runs, SUPPORTED_SUFFIXES)
    assert len(set(seen)) == len(seen)


def test_a_log_appended_in_place_changes_the_version_at_once(runs, clock):
    watch = DataWatch(runs, SUPPORTED_SUFFIXES, clock)
    before = watch.version()
    with (runs / "log.csv").open("a") as log:  # an append leaves the directory's time as it was
        log.write("25,81\n")
    clock.now += 1
    assert watch.version() != before


def test_a_result_file_still_being_written_is_seen_when_it_is_complete(runs, clock):
    watch = DataWatch(runs, SUPPORTED_SUFFIXES, clock)
    path = runs / "rm-a" / "step_300.json"
    path.write_text("")  # created: the directory's time changes
    clock.now += 1
    partial = watch.version()
    path.write_text(json.dumps({"model": "rm", "chat": 0.8}))  # written in place: only the file's time changes
    clock.now += 1
    assert watch.version() != partial


def test_an_old_result_file_rewritten_in_place_is_seen_by_the_next_full_scan(runs, clock):
    watch = DataWatch(runs, SUPPORTED_SUFFIXES, clock)
    before = watch.version()
    result(runs / "rm-a" / "step_100.json", 0.9)  # an old checkpoint evaluated again, same name
    clock.now += 1
    assert watch.version() == before  # the price of not looking at a thousand old files on every poll
    clock.now += FULL_SCAN_SECONDS
    assert watch.version() == fingerprint(runs, SUPPORTED_SUFFIXES) != before


def test_a_data_path_that_disappears_is_reported_not_raised(runs, clock):
    watch = DataWatch(runs / "rm-a", SUPPORTED_SUFFIXES, clock)
    before = watch.version()
    for path in (runs / "rm-a").iterdir():
        path.unlink()
    (runs / "rm-a").rmdir()
    clock.now += 1
    assert watch.version() == fingerprint(runs / "rm-a", SUPPORTED_SUFFIXES) != before


def test_a_single_file_is_watched_by_its_own_size_and_time(runs, clock):
    watch = DataWatch(runs / "log.csv", SUPPORTED_SUFFIXES, clock)
    before = watch.version()
    with (runs / "log.csv").open("a") as log:
        log.write("25,81\n")
    assert watch.version() != before


def test_a_new_checkpoint_deep_under_results_is_seen_by_the_next_cheap_refresh(tmp_path):
    from tests import rewardbench_tools as tools

    for step in (100, 200):
        tools.run_rm(tmp_path, f"runs/team/rm-7b/checkpoint-{step}", tools.Evaluation(text_bytes=5, seed=step))
    for directory, _, _ in os.walk(tmp_path):
        os.utime(directory, (A_DAY_AGO, A_DAY_AGO))
    clock = Clock()
    watch = DataWatch(tmp_path, SUPPORTED_SUFFIXES, clock=clock)
    before = watch.version()
    clock.now += 5  # the same full-scan window: a refresh, not a full scan
    assert watch.version() == before
    tools.run_rm(tmp_path, "runs/team/rm-7b/checkpoint-300", tools.Evaluation(text_bytes=5))
    clock.now += 5
    assert watch.version() != before  # results/eval-set-scores/runs/team/rm-7b/ is five folders down


def test_a_link_back_up_the_tree_is_not_followed_by_the_watch(tmp_path):
    from components.datawatch import DATA_DEPTH, scan

    result(tmp_path / "runs" / "rm" / "checkpoint-1.json", 0.7)
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path, tmp_path / "runs" / "rm" / "up")
    os.symlink(tmp_path / "elsewhere", tmp_path / "runs" / "rm" / "across")
    folders = scan(str(tmp_path), SUPPORTED_SUFFIXES, DATA_DEPTH).dirs["runs"].dirs["rm"].dirs
    assert set(folders) == {"across"}
