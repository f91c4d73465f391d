"""Real gunicorn servers: one worker and four workers give the same answers to the same requests, and the
gunicorn path never runs in debug mode."""

import json
import re
import shutil
import urllib.request

from components import ids
from tests.support import REPO, free_port, gunicorn_command, running_server

# Fresh on each server start or zoom, by design: Dash's end_id, a zoom's axis revision.
SHIFTING = re.compile(r'("end_id": ?)"[^"]+"|("uirevision": ?)"[0-9a-f]{32}"')


def request(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    call = urllib.request.Request(url + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(call, timeout=20) as response:
        text = SHIFTING.sub(lambda found: (found.group(1) or found.group(2)) + '"*"', response.read().decode())
        # JSON is compared as data: Dash writes some props in a different order in each process.
        is_json = response.headers.get_content_type() == "application/json" and text
        return response.status, json.loads(text) if is_json else text


def callback(output, outputs, inputs, state, changed):
    return {"output": output, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": [changed]}


def session(url):
    """What one page load and a few clicks send, with their answers."""
    answers = [request(url, "/"), request(url, "/_dash-layout"), request(url, "/_dash-dependencies")]
    version = re.search(r'"id": ?"data-version", ?"data": ?"([0-9a-f]+)"', json.dumps(answers[1][1]))
    poll = callback(
        f"{ids.DATA_VERSION}.data",
        {"id": ids.DATA_VERSION, "property": "data"},
        [{"id": ids.POLL, "property": "n_intervals", "value": 3}],
        [{"id": ids.DATA_VERSION, "property": "data", "value": version.group(1)}],
        f"{ids.POLL}.n_intervals",
    )
    for _ in range(8):  # spread over the workers
        answers.append(request(url, "/_dash-update-component", poll))
    return answers


def test_one_worker_and_four_workers_answer_alike(tmp_path):
    runs = tmp_path / "runs"
    shutil.copytree(REPO / "tests" / "fixtures" / "runs", runs)
    results = []
    for workers in (1, 4):
        port = free_port()
        with running_server(gunicorn_command(port, workers=workers), port, env={"REWARDBENCH_DATA": str(runs)}) as url:
            results.append(session(url))
    assert results[0] == results[1]
    assert all(status == 200 for status, _ in results[0][:3])


def test_debug_mode_cannot_be_switched_on_under_gunicorn():
    port = free_port()
    env = {"REWARDBENCH_DATA": "", "DASH_DEBUG": "true", "DASH_HOT_RELOAD": "true"}
    with running_server(gunicorn_command(port), port, env=env) as url:
        status, page = request(url, "/")
        assert status == 200
        config = json.loads(
            re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page).group(1)
        )
        assert config["ui"] is False and config["props_check"] is False  # no dev tools, no debug checks
