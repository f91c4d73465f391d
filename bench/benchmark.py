"""Benchmark: how fast the dashboard is at three sizes, in a real browser and on the server. A script, not a test.

    python bench/benchmark.py [--sizes small medium large] [--loads 5] [--out bench/results]

For each size it generates runs (seeded), serves them with gunicorn on loopback and measures, with the system
Chromium: time from navigation start until the Overall line is drawn and painted, bytes and requests of a fresh
load, JS heap; then toggling a metric, changing the step range and showing a hover label. On the server: start-up
to ready, the loader against pandas.read_csv(engine="pyarrow") on the same files, a cached re-read, worker peak
RSS, the live-reload poll with nothing changed (its size, gunicorn's own time for it from the access log, and the
round trip), and chart callback latency with 20 concurrent clients. Beside the dashboard it times the first chart
and the step-range change of bench/floor_app.py, a page with nothing but the same chart and its slider: what Dash
and Plotly alone cost. It prints one table (medians, with min and max) and writes it as JSON and Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402
import pandas as pd  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.generate import SIZES, SWEEPS, write_result_runs, write_sweep, write_wide_runs  # noqa: E402
from components import ids  # noqa: E402
from components.compare import checkpoint_value  # noqa: E402
from components.config import Settings  # noqa: E402
from components.features.compare import comparison_data  # noqa: E402
from components.loader import ParseCache, load_path  # noqa: E402
from components.provider import DataProvider  # noqa: E402
from tests import rewardbench_tools  # noqa: E402
from tests.support import (  # noqa: E402
    CHROMIUM_ARGS,
    callback_payload,
    chromium_path,
    free_port,
    gunicorn_command,
    page_values,
    part_key,
    pattern_keys,
    with_view,
)

# Requests the benchmark sends itself carry this header, so the access log tells them apart.
PROBE_HEADER = "x-bench-probe"
# The chart's plots on screen: one, or one per metric panel (not those of the panels hidden).
PLOTS = "[...document.querySelectorAll('#rewardbench-chart .panel-box:not([hidden]) .js-plotly-plot')]"
PLOT = f"{PLOTS}[0]"
FIRST_CHART_LIMIT_MS = 120_000
# The Overall line is on screen: its path has points, looked for at the start of each frame, and the frame that
# shows it has been drawn (the first task after that frame, ahead of waiting ones).
OVERALL_DRAWN = f"""() => new Promise(resolve => {{
    const check = () => {{
        const lines = {PLOTS}.flatMap(gd => (gd._fullData || []).map(trace => [gd, trace]));
        const isOverall = ([_, t]) => t.meta && t.meta.metric === 'Overall' && !t.meta.best && !t.meta.raw;
        const [gd, overall] = lines.find(isOverall) || [];
        const path = overall && gd.querySelector(`.trace${{overall.uid}} path.js-line`);
        if (path && path.getAttribute('d') && path.getAttribute('d').length > 10) {{
            scheduler.postTask(() => resolve(performance.now()), {{priority: 'user-blocking'}});
        }} else {{
            requestAnimationFrame(check);
        }}
    }};
    requestAnimationFrame(check);
}})"""
# Every panel of the chart has been drawn, and then the page is left alone for a moment (the browser paints the
# last panels): only then are the interactions timed.
SETTLE_MS = 500
ALL_PANELS_DRAWN = """() => [...document.querySelectorAll('#rewardbench-chart .panel-box')]
    .every(box => box.querySelector('.js-plotly-plot .scatterlayer .trace'))"""


# Timed inside the page, from the click (or the mouse move) until the chart shows the change: looked for at the start
# of each frame, and timed once the frame that shows it is drawn (the first task after it, ahead of waiting ones).
TOGGLE_CHAT_HARD = f"""() => new Promise(resolve => {{
    const box = document.querySelector('#metric-picker input[value="Chat Hard"]');
    const started = performance.now();
    box.click();
    const check = () => {{
        const shown = {PLOTS}.some(gd =>
            gd._fullData.some(t => t.meta && t.meta.metric === 'Chat Hard' && t.visible === true));
        if (shown) {{ requestAnimationFrame(check); return; }}
        scheduler.postTask(() => resolve(performance.now() - started), {{priority: 'user-blocking'}});
    }};
    requestAnimationFrame(check);
}})"""
HOVER = f"""() => new Promise(resolve => {{
    const gd = {PLOT};
    const drag = gd.querySelector('.nsewdrag');
    const box = drag.getBoundingClientRect();
    const started = performance.now();
    const at = {{bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + 20}};
    drag.dispatchEvent(new MouseEvent('mousemove', at));
    const check = () => {{
        if (gd.querySelector('.hoverlayer .legend')) requestAnimationFrame(() => resolve(performance.now() - started));
        else requestAnimationFrame(check);
    }};
    check();
}})"""


def count_request(sizes: dict, request: dict) -> None:
    sizes["requests"] += 1
    # A server callback set off by the metric picker (not the favicon, a poll, or the first page's own calls).
    if "_dash-update-component" in request["url"]:
        changed = json.loads(request.get("postData") or "{}").get("changedPropIds", [])
        if any(prop.startswith(("metric-picker.", "metrics-")) for prop in changed):
            sizes["callbacks"] += 1


def spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def start_server(data: Path, log: Path, app: str = "app:server") -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    # Each access-log line names the probe that sent the request and gunicorn's own time for it, in microseconds.
    access_format = ["--access-logformat", f"%({{{PROBE_HEADER}}}i)s %(D)s"]
    process = subprocess.Popen(
        gunicorn_command(port, workers=2, app=app) + access_format,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "REWARDBENCH_DATA": str(data), "REWARDBENCH_LOG_LEVEL": "WARNING"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return process, url, time.perf_counter() - started
        except OSError:
            if process.poll() is not None or time.perf_counter() - started > 300:
                raise RuntimeError(f"server did not start:\n{log.read_text()}") from None
            time.sleep(0.1)


def peak_rss_mb(master: int) -> float:
    """The largest peak resident set (VmHWM) among the server's processes."""
    peaks = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == master or int(stat[1]) == master:
            peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM")]
    return round(max(peaks), 1)


def first_chart_s(page, url: str) -> float:
    """Loads ``url`` in ``page``: seconds from navigation start until the Overall line is on screen."""
    page.goto(url, wait_until="commit")
    timeout = f"new Promise(r => setTimeout(() => r(NaN), {FIRST_CHART_LIMIT_MS}))"
    return page.evaluate(f"() => Promise.race([({OVERALL_DRAWN})(), {timeout}])") / 1000


def settle(page) -> None:
    """Until every panel has been drawn, and the browser has painted the last ones."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(ALL_PANELS_DRAWN, timeout=FIRST_CHART_LIMIT_MS)
    page.wait_for_timeout(SETTLE_MS)


def step_range_ms(page) -> float:
    """From pressing Enter in the slider's low box (set to the middle step) until every panel shows the range."""
    low = page.evaluate("() => Number(document.querySelector('#step-range').querySelector('input').min)")
    high = page.evaluate("() => Number(document.querySelector('#step-range').querySelector('input').max)")
    target = low + (high - low) // 2
    box = page.locator("#step-range .dash-range-slider-min-input")
    box.fill(str(target))
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(
        f"() => {PLOTS}.every(gd => gd._fullLayout.xaxis.range[0] > {target - (high - low) * 0.05})",
        polling="raf",
        timeout=60_000,
    )
    return (time.perf_counter() - started) * 1000


def floor_figures(browser, data: Path, log: Path, loads: int) -> dict:
    """The first chart and the step-range change of bench/floor_app.py: the same chart and slider on a page with
    nothing else."""
    process, url, _ = start_server(data, log, app="bench.floor_app:server")
    first_chart, range_ms = [], []
    try:
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            first_chart.append(first_chart_s(page, url))
            settle(page)
            range_ms.append(step_range_ms(page))
            context.close()
        return {"floor_first_chart_s": spread(first_chart), "floor_step_range_ms": spread(range_ms)}
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def browser_figures(browser, url: str, loads: int) -> dict:
    first_chart, transferred, requests, heap = [], [], [], []
    toggle_ms, toggle_requests, range_ms, hover_ms = [], [], [], []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        sizes = {"bytes": 0, "requests": 0, "callbacks": 0}
        session.on(
            "Network.loadingFinished",
            lambda event, sizes=sizes: sizes.__setitem__("bytes", sizes["bytes"] + event["encodedDataLength"]),
        )
        session.on("Network.requestWillBeSent", lambda event, sizes=sizes: count_request(sizes, event["request"]))
        first_chart.append(first_chart_s(page, url))
        settle(page)
        transferred.append(sizes["bytes"] / 1e6)
        requests.append(sizes["requests"])
        heap.append(session.send("Runtime.getHeapUsage")["usedSize"] / 1e6)

        before = sizes["callbacks"]
        toggle_ms.append(page.evaluate(TOGGLE_CHAT_HARD))
        page.wait_for_timeout(500)
        toggle_requests.append(sizes["callbacks"] - before)

        range_ms.append(step_range_ms(page))

        hover_ms.append(page.evaluate(HOVER))
        context.close()
    return {
        "first_chart_s": spread(first_chart),
        "transferred_mb": spread(transferred),
        "requests": spread(requests),
        "js_heap_mb": spread(heap),
        "toggle_ms": spread(toggle_ms),
        "toggle_server_requests": spread(toggle_requests),
        "step_range_ms": spread(range_ms),
        "hover_ms": spread(hover_ms),
    }


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def loader_figures(data: Path, repeats: int = 5) -> dict:
    """First reads (a new cache each time) against pandas' pyarrow reader on the same files, medians of
    ``repeats`` after one untimed read of each, so that neither pays for the process's first imports."""
    files = sorted(data.rglob("*.csv"))

    def read_floor() -> None:
        for file in files:
            pd.read_csv(file, engine="pyarrow")

    load_path(data, cache=ParseCache())
    read_floor()
    loader = statistics.median(timed(lambda: load_path(data, cache=ParseCache())) for _ in range(repeats))
    floor = statistics.median(timed(read_floor) for _ in range(repeats))
    cache = ParseCache()
    load_path(data, cache=cache)
    cached = statistics.median(timed(lambda: load_path(data, cache=cache)) for _ in range(repeats))
    return {
        "loader_s": round(loader, 3),
        "pyarrow_floor_s": round(floor, 3) if files else None,
        "loader_vs_floor": round(loader / floor, 2) if files else None,
        "cached_reread_ms": round(cached * 1000, 2),
    }


def sweep_figures(data: Path, repeats: int = 3) -> dict:
    """A sweep of RewardBench result files with their per-prompt files: the first load (a new cache each time)
    against orjson.loads of the same bytes, a re-read of unchanged files, the memory the per-prompt outcomes hold,
    and the server's work when a new checkpoint's two files appear (the live-reload poll, then the load)."""
    files = sorted(path for path in data.rglob("*") if path.suffix in (".json", ".jsonl"))

    def floor() -> None:
        for file in files:
            orjson.loads(file.read_bytes())

    load_path(data, cache=ParseCache())
    floor()
    loader = statistics.median(timed(lambda: load_path(data, cache=ParseCache())) for _ in range(repeats))
    floor_s = statistics.median(timed(floor) for _ in range(repeats))
    cache = ParseCache()
    result = load_path(data, cache=cache)
    cached = statistics.median(timed(lambda: load_path(data, cache=cache)) for _ in range(5))
    outcomes = [outcome for kept in result.outcomes.values() for outcome in kept]
    prompts = {id(outcome.prompts): outcome.prompts for outcome in outcomes}
    per_checkpoint = sum(outcome.nbytes for outcome in outcomes)
    shared = sum(prompt.nbytes for prompt in prompts.values())
    provider = DataProvider(Settings(data_path=data))
    frame = provider.load().frame
    runs = list(frame["run"].cat.categories)
    # Every checkpoint's intervals, worked out once per data version (a new provider: nothing kept yet).
    intervals_s = timed(lambda: provider.intervals(frame, runs, 95))
    evaluated = sorted(key for key in result.outcomes if key[0] == runs[0])
    first, last = checkpoint_value(*evaluated[0]), checkpoint_value(*evaluated[-1])
    compare_cold = timed(lambda: comparison_data(provider, frame, first, last, 95)) * 1000
    compare_kept = statistics.median(timed(lambda: comparison_data(provider, frame, first, last, 95)) for _ in range(5))
    unchanged = [timed(provider.signature) * 1000 for _ in range(20)]
    new_files = rewardbench_tools.run_rm(data, "runs/rm-new/checkpoint-100", rewardbench_tools.Evaluation(
        text_bytes=1500 if len(files) > 20 else 40))  # fmt: skip
    try:
        appeared = timed(lambda: (provider.signature(), provider.load())) * 1000
        shown = "runs/rm-new" in set(provider.load().frame["run"])
    finally:
        for path in new_files:
            path.unlink()
            path.parent.rmdir()
    return {
        "files": len(files),
        "megabytes": round(sum(path.stat().st_size for path in files) / 1e6),
        "first_load_s": round(loader, 2),
        "orjson_floor_s": round(floor_s, 2),
        "first_load_vs_floor": round(loader / floor_s, 2),
        "cached_reread_ms": round(cached * 1000, 2),
        "outcomes_mb": round((per_checkpoint + shared) / 1e6, 2),
        "outcome_bytes_per_checkpoint": round(per_checkpoint / max(len(outcomes), 1)),
        "shared_prompt_bytes": shared,
        "intervals_all_checkpoints_s": round(intervals_s, 2),
        "compare_two_checkpoints_ms": round(compare_cold, 1),
        "compare_again_ms": round(compare_kept * 1000, 1),
        "poll_unchanged_ms": spread(unchanged),
        "new_checkpoint_poll_and_load_ms": round(appeared, 1) if shown else None,
    }


def server_times_ms(log: Path, probe: str, count: int) -> list[float]:
    """gunicorn's time for each of the ``count`` requests the probe sent, from its access log."""
    deadline = time.perf_counter() + 10
    while True:
        lines = log.read_text(errors="replace").splitlines()
        times = [int(line.split()[1]) / 1000 for line in lines if line.startswith(f"{probe} ")]
        # A worker writes the line just after sending the response.
        if len(times) >= count or time.perf_counter() > deadline:
            return times
        time.sleep(0.05)


def server_figures(url: str, log: Path) -> dict:
    with urllib.request.urlopen(f"{url}/_dash-dependencies") as response:
        dependencies = json.load(response)
    with urllib.request.urlopen(f"{url}/_dash-layout") as response:
        layout = json.load(response)

    version = page_values(layout)[f"{ids.DATA_VERSION}.data"]
    poll = callback_payload(dependencies, f"{ids.DATA_VERSION}.data", f"{ids.POLL}.n_intervals",
                            {f"{ids.POLL}.n_intervals": 1, f"{ids.DATA_VERSION}.data": version})  # fmt: skip
    poll_times, poll_bytes = [], []
    for _ in range(20):
        request = urllib.request.Request(f"{url}/_dash-update-component", json.dumps(poll).encode(),
                                         {"Content-Type": "application/json", PROBE_HEADER: "poll"})  # fmt: skip
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            body = response.read()
        poll_times.append((time.perf_counter() - started) * 1000)
        poll_bytes.append(len(body) + sum(len(k) + len(v) + 4 for k, v in response.headers.items()))
    values = page_values(layout)
    low, high = values[f"{ids.STEP_SLIDER}.min"], values[f"{ids.STEP_SLIDER}.max"]
    values = with_view(values, steps=[low, (low + high) // 2])
    panels = {ids.PANEL_GRAPH: pattern_keys(layout, ids.PANEL_GRAPH, "metric")}
    zoom = json.dumps(
        callback_payload(dependencies, f"..{ids.CHART}.children", part_key("chart"), values, panels)
    ).encode()

    def one(_):
        request = urllib.request.Request(f"{url}/_dash-update-component", zoom, {"Content-Type": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(max_workers=20) as pool:
        latencies = sorted(pool.map(one, range(100)))
    return {
        "poll_unchanged_bytes": spread(poll_bytes),
        "poll_unchanged_server_ms": spread(server_times_ms(log, "poll", len(poll_times))),
        "poll_unchanged_round_trip_ms": spread(poll_times),
        "callback_p50_ms": round(statistics.median(latencies), 1),
        "callback_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 1),
    }


def machine() -> dict:
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "?"
    )
    return {"cores": os.cpu_count(), "memory_gb": round(int(memory) / 1048576, 1) if memory != "?" else None,
            "cpu": platform.processor() or platform.machine(), "python": platform.python_version(),
            "system": platform.platform()}  # fmt: skip


def flatten(results: dict) -> list[tuple[str, str, str]]:
    rows = []
    for size, figures in results.items():
        for name, value in figures.items():
            shown = (
                f"{value['median']} (min {value['min']}, max {value['max']})" if isinstance(value, dict) else str(value)
            )
            rows.append((size, name, shown))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=[*SIZES, "results", "sweep"],
                        choices=[*SIZES, "results", *SWEEPS])  # fmt: skip
    parser.add_argument("--keep", type=Path, default=Path(__file__).resolve().parent / "data",
                        help="where the sweep's result files are written once and kept between runs")  # fmt: skip
    parser.add_argument("--loads", type=int, default=5, help="fresh page loads per size")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        sys.exit("benchmark: no Chromium found; install Debian's chromium package or set CHROMIUM_PATH")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for size in args.sizes:
            if size in SWEEPS:
                runs, checkpoints, text_bytes = SWEEPS[size]
                data = write_sweep(args.keep / size, runs, checkpoints, text_bytes)
                figures = {"runs x checkpoints": f"{runs} x {checkpoints} (summaries and per-prompt files)"}
                figures.update(sweep_figures(data))
                process, url, startup = start_server(data, Path(scratch) / f"{size}.log")
                try:
                    figures["startup_s"] = round(startup, 2)
                    figures.update(server_figures(url, Path(scratch) / f"{size}.log"))
                    figures["worker_peak_rss_mb"] = peak_rss_mb(process.pid)
                finally:
                    os.killpg(process.pid, 15)
                    process.wait(timeout=30)
                results[size] = figures
                sys.stdout.write(f"{size}: done\n")
                continue
            if size == "results":
                data = write_result_runs(Path(scratch) / "results")
            else:
                runs, checkpoints = SIZES[size]
                data = write_wide_runs(Path(scratch) / size, runs, checkpoints)
            figures = {
                "runs x checkpoints": "20 x 50 (result files)" if size == "results" else f"{runs} x {checkpoints}"
            }
            figures.update(loader_figures(data))
            process, url, startup = start_server(data, Path(scratch) / f"{size}.log")
            try:
                figures["startup_s"] = round(startup, 2)
                figures.update(browser_figures(browser, url, args.loads))
                figures.update(server_figures(url, Path(scratch) / f"{size}.log"))
                figures["worker_peak_rss_mb"] = peak_rss_mb(process.pid)
            finally:
                os.killpg(process.pid, 15)
                process.wait(timeout=30)
            figures.update(floor_figures(browser, data, Path(scratch) / f"{size}-floor.log", args.loads))
            results[size] = figures
            sys.stdout.write(f"{size}: done\n")
        browser.close()
    report = {"machine": machine(), "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = ["| size | measure | value |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in flatten(results)]
    (args.out / "benchmark.md").write_text(f"Machine: {json.dumps(report['machine'])}\n\n" + "\n".join(lines) + "\n")
    width = max(len(b) for _, b, _ in flatten(results))
    for size, name, shown in flatten(results):
        sys.stdout.write(f"{size:<8} {name:<{width}}  {shown}\n")


if __name__ == "__main__":
    main()
