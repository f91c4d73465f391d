"""Under load: 50 concurrent simulated users against a 4-worker gunicorn on loopback, a fixed number of requests."""

import sys

from tests.support import REPO

sys.path.insert(0, str(REPO / "scripts"))

import loadtest  # noqa: E402


def test_fifty_users_get_every_answer_and_no_worker_restarts(tmp_path):
    figures = loadtest.run(users=50, rounds=1, workers=4, data="", log=tmp_path / "gunicorn.log")
    assert figures["requests"] == 50 * 6
    assert figures["errors"] == 0
    assert figures["worker_restarts"] == 0


def test_two_hundred_users_beside_twenty_stuck_clients_get_every_answer(tmp_path):
    figures = loadtest.run(users=200, rounds=1, workers=4, data="", log=tmp_path / "gunicorn.log", slow_clients=20)
    assert figures["requests"] == 200 * 6
    assert figures["errors"] == 0
    assert figures["worker_restarts"] == 0
