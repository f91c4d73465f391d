"""Runs added in the browser: a file crosses the network once, stays through a reload of the tab, and a server
that does not hold it (restarted with its store gone, or another replica) gets it again from the browser."""

import contextlib
import json

from tests import rewardbench_tools as tools
from tests.support import free_port, gunicorn_command, running_server

LEGEND = "document.querySelector('#rewardbench-chart .run-legend .js-plotly-plot')"
LEGEND_RUNS = f"({LEGEND} ? {LEGEND}.data.map(t => t.name).sort().join() : '')"
PANELS = "[...document.querySelectorAll('#rewardbench-chart .panel-box:not([hidden]) .js-plotly-plot')]"


@contextlib.contextmanager
def server(port, upload_dir):
    environment = {"REWARDBENCH_DATA": "", "REWARDBENCH_UPLOAD_DIR": str(upload_dir)}
    with running_server(gunicorn_command(port, workers=2), port, env=environment) as url:
        yield url


def add(page, path, message):
    page.set_input_files("#upload input[type=file]", str(path))
    page.locator("#upload-message", has_text=message).wait_for(timeout=60_000)


def test_a_20_mb_result_file_is_sent_once_and_a_zoom_after_it_sends_kilobytes(open_page, server_url, tmp_path):
    _, scores = tools.run_rm(tmp_path, "runs/big/checkpoint-300", tools.Evaluation(text_bytes=3760))
    assert 19 * 2**20 < scores.stat().st_size < 20 * 2**20
    page = open_page(server_url)
    add(page, scores, "Added runs/big (1 checkpoint)")
    page.wait_for_function(f"() => {LEGEND_RUNS} === 'runs/big,seed-run'")
    bodies = []
    page.on(
        "request", lambda request: bodies.append(len(request.post_data or "")) if request.method == "POST" else None
    )
    box = page.locator("#step-range .dash-range-slider-min-input")
    box.fill("100")
    box.press("Enter")
    page.wait_for_function(f"() => {PANELS}.every(p => p._fullLayout.xaxis.range[0] > 80)")
    page.wait_for_timeout(500)
    assert bodies and max(bodies) < 20_000
    # The tab keeps the file's entry, not its runs (a 2.8 MB file's runs overflowed sessionStorage).
    assert len(json.dumps(page.evaluate("() => ({...sessionStorage})"))) < 5_000


def test_an_upload_stays_through_a_reload_and_comes_back_to_a_server_that_lost_it(open_page, tmp_path):
    run = tmp_path / "mine.csv"
    run.write_text("step,Chat,Safety\n0,70,60\n300,75,65\n600,80,70\n")
    port = free_port()
    with server(port, tmp_path / "first") as url:
        page = open_page(url)
        add(page, run, "Added mine (3 checkpoints)")
        page.wait_for_function(f"() => {LEGEND_RUNS} === 'mine,seed-run'")
        page.reload()
        page.wait_for_function(f"() => {LEGEND_RUNS} === 'mine,seed-run'")
    # The same address, a server whose store is elsewhere: it does not hold the file, and asks the browser for it.
    sent = []
    page.on(
        "request",
        lambda request: sent.append(request.post_data) if "upload-resend" in (request.post_data or "") else None,
    )
    with server(port, tmp_path / "second"):
        page.reload()
        page.wait_for_function(f"() => {LEGEND_RUNS} === 'mine,seed-run'", timeout=30_000)
    assert len([body for body in sent if '"changedPropIds":["upload-resend.data"]' in body]) == 1
