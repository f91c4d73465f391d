"""Fixtures shared by every tier of tests."""

import pytest

from tests.rewardbench_tools import fixture_runs
from tests.support import REPO


@pytest.fixture(scope="session")
def runs_dir(tmp_path_factory):
    """A data directory of every format: users' own run files and RewardBench's tools' results (see fixture_runs).
    Tests that change it copy it first."""
    return fixture_runs(tmp_path_factory.mktemp("data") / "runs", REPO / "tests" / "fixtures" / "runs")
