"""Nothing one request, one file or one slow client does takes the dashboard down for everyone: attacks against
`gunicorn app:server` as the README deploys it (4 workers), while /health and other users' pages are watched."""

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from components import ids
from tests.support import callback_payload, free_port, gunicorn_command, page_values, pattern_keys, running_server

HEALTHY_WITHIN_S = 2


@contextmanager
def deployed(data="", workers=4, **env):
    port = free_port()
    environment = {"REWARDBENCH_DATA": str(data), **env}
    with running_server(gunicorn_command(port, workers=workers), port, env=environment) as url:
        yield url


def get(url, timeout=HEALTHY_WITHIN_S):
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body = response.read()
    return response.status, body, time.monotonic() - started


def post_json(url, payload, timeout=120):
    request = urllib.request.Request(f"{url}/_dash-update-component", json.dumps(payload).encode(),
                                     {"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def chart_payload(url, **changed_values):
    with urllib.request.urlopen(f"{url}/_dash-dependencies") as response:
        dependencies = json.load(response)
    with urllib.request.urlopen(f"{url}/_dash-layout") as response:
        layout = json.load(response)
    values = {**page_values(layout), **changed_values}
    panels = {ids.PANEL_GRAPH: pattern_keys(layout, ids.PANEL_GRAPH, "metric")}
    changed = next(iter(changed_values))
    return callback_payload(dependencies, f"..{ids.CHART}.children", changed, values, panels)


def stays_healthy(url, attack, seconds=6):
    """Runs ``attack`` (which returns when it is done) while asking /health and the page; the slowest answers."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        attacking = pool.submit(attack)
        slowest_health, slowest_page = 0.0, 0.0
        deadline = time.monotonic() + seconds
        time.sleep(0.3)  # the attack reaches the workers first
        while time.monotonic() < deadline and not attacking.done():
            slowest_health = max(slowest_health, get(f"{url}/health")[2])
            slowest_page = max(slowest_page, get(f"{url}/_dash-layout", timeout=10)[2])
        return attacking.result(timeout=120), slowest_health, slowest_page


def test_a_catastrophic_run_filter_holds_no_worker(runs_dir):
    with deployed(runs_dir) as url:
        payload = chart_payload(url, **{f"{ids.RUN_FILTER}.value": "(.?){30}(.?){30}#"})

        def attack():
            with ThreadPoolExecutor(max_workers=4) as pool:
                return list(pool.map(lambda _: post_json(url, payload), range(4)))

        answers, health_s, page_s = stays_healthy(url, attack)
        assert [status for status, _ in answers] == [200] * 4
        assert health_s < HEALTHY_WITHIN_S and page_s < 10
