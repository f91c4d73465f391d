"""Real servers: `python app.py`, the console script and `gunicorn app:server`, as a user starts them."""

import os
import subprocess
import urllib.request

import pytest

from tests.support import BIN_DIR, REPO, app_command, free_port, gunicorn_command, running_server


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def run_briefly(command, env=None, timeout=60):
    return subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_python_app_py_serves_the_shipped_run():
    port = free_port()
    with running_server(app_command(port), port) as url:
        status, layout = fetch(f"{url}/_dash-layout")
        assert status == 200 and "seed-run" in layout
        assert fetch(url)[0] == 200


def test_data_option_chooses_the_run(tmp_path):
    run = tmp_path / "my-run.csv"
    run.write_text("step,Chat,Overall\n0,80,75\n100,85,79\n")
    port = free_port()
    with running_server(app_command(port, "--data", str(run)), port) as url:
        assert "my-run" in fetch(f"{url}/_dash-layout")[1]


def test_help_lists_the_options():
    for command in ([*app_command(0)[:2], "--help"], [str(BIN_DIR / "rewardbench-dashboard"), "--help"]):
        result = run_briefly(command)
        assert result.returncode == 0
        for option in ("--host", "--port", "--data", "REWARDBENCH_DATA"):
            assert option in result.stdout


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such file or directory"), ("step,Chat\n0,80\n25,abc\n", "line 3: column Chat: not a number")],
)
def test_bad_data_stops_python_app_py_with_one_clear_line(tmp_path, content, problem):
    path = tmp_path / "broken.csv"
    if content is not None:
        path.write_text(content)
    result = run_briefly([*app_command(free_port())[:2], "--data", str(path)])
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"rewardbench-dashboard: {path}{' ' if content else ': '}{problem}"]


def test_gunicorn_serves_the_run_named_in_the_environment(tmp_path):
    run = tmp_path / "env-run.csv"
    run.write_text("step,Safety\n0,70\n50,72\n")
    port = free_port()
    with running_server(gunicorn_command(port, workers=2), port, env={"REWARDBENCH_DATA": str(run)}) as url:
        assert "env-run" in fetch(f"{url}/_dash-layout")[1]
        assert fetch(f"{url}/health") == (200, "OK")


def test_gunicorn_serves_the_shipped_run_by_default():
    port = free_port()
    with running_server(gunicorn_command(port), port, env={"REWARDBENCH_DATA": ""}) as url:
        assert "seed-run" in fetch(f"{url}/_dash-layout")[1]


def test_bad_data_stops_gunicorn_with_one_clear_line(tmp_path):
    missing = tmp_path / "missing.csv"
    result = run_briefly(gunicorn_command(free_port()), env={"REWARDBENCH_DATA": str(missing)})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert f"rewardbench-dashboard: {missing}: no such file or directory" in output.splitlines()
    assert "Booting worker" not in output
