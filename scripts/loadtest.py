"""Load test: simulated users against a 4-worker gunicorn on loopback; prints requests/s, latency and errors.

    python scripts/loadtest.py [--users 50] [--rounds 4] [--workers 4] [--slow-clients 0] [--data PATH] [--json F]

Each user loads the page (index, layout, dependencies) and then, each round, zooms the chart, polls for new
data and asks for the summary, as the page does. The number of requests is fixed (users x (3 + 3 x rounds));
it stops by itself, and every request has a time limit. With --slow-clients, that many connections meanwhile send
a request's headers a byte every half second and never finish them, as a stuck or hostile client would. Only
127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from components import ids  # noqa: E402
from tests.support import (  # noqa: E402
    callback_payload,
    free_port,
    gunicorn_command,
    page_values,
    part_key,
    pattern_keys,
    running_server,
    with_view,
)

REQUEST_TIMEOUT_S = 30


def timed(url: str, body: dict | None = None) -> tuple[float, int]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return time.perf_counter() - started, status


def user_requests(base: str, dependencies: list[dict], layout: dict, rounds: int, user: int) -> list[tuple]:
    """The requests one simulated user sends, in order: (url, body or None)."""
    values = page_values(layout)
    panels = {ids.PANEL_GRAPH: pattern_keys(layout, ids.PANEL_GRAPH, "metric")}
    low, high = values[f"{ids.STEP_SLIDER}.min"], values[f"{ids.STEP_SLIDER}.max"]
    update = f"{base}/_dash-update-component"
    requests = [(f"{base}/", None), (f"{base}/_dash-layout", None), (f"{base}/_dash-dependencies", None)]
    for round_ in range(rounds):
        span = high - low
        zoom = [low + span * ((user + round_) % 4) // 8, high - span * (round_ % 3) // 8]
        zoomed = with_view(values, steps=zoom)
        chart = callback_payload(dependencies, f"..{ids.CHART}.children", part_key("chart"), zoomed, panels)
        poll = callback_payload(dependencies, f"{ids.DATA_VERSION}.data", f"{ids.POLL}.n_intervals", values)
        summary = callback_payload(dependencies, f"..{ids.SUMMARY_ROWS}.data", part_key("tables"), zoomed)
        requests += [(update, chart), (update, poll), (update, summary)]
    return requests


def trickle(port: int, stop: threading.Event) -> None:
    """A client that starts a request and sends its headers a byte at a time, never finishing them."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            while not stop.wait(0.5):
                connection.sendall(b"a")
    except OSError:
        pass  # the server closed it: that is allowed


def run(users: int, rounds: int, workers: int, data: str, log: Path, slow_clients: int = 0) -> dict:
    port = free_port()
    command = gunicorn_command(port, workers=workers)
    stop = threading.Event()
    with running_server(command, port, env={"REWARDBENCH_DATA": data}, log=log) as base:
        slow = [threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(slow_clients)]
        for client in slow:
            client.start()
        time.sleep(0.5 if slow_clients else 0)
        with urllib.request.urlopen(f"{base}/_dash-dependencies", timeout=REQUEST_TIMEOUT_S) as response:
            dependencies = json.load(response)
        with urllib.request.urlopen(f"{base}/_dash-layout", timeout=REQUEST_TIMEOUT_S) as response:
            layout = json.load(response)
        plans = [user_requests(base, dependencies, layout, rounds, user) for user in range(users)]
        results: list[tuple[float, int]] = []
        lock = threading.Lock()

        def simulate(plan):
            for url, body in plan:
                outcome = timed(url, body)
                with lock:
                    results.append(outcome)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=users) as pool:
            list(pool.map(simulate, plans))
        elapsed = time.perf_counter() - started
        stop.set()
        for client in slow:
            client.join(timeout=5)
    boots = log.read_text(errors="replace").count("Booting worker with pid")
    latencies = sorted(latency for latency, _ in results)
    errors = sum(1 for _, status in results if status not in (200, 204))
    return {
        "users": users,
        "slow_clients": slow_clients,
        "workers": workers,
        "requests": len(results),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(results) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
        "errors": errors,
        "worker_restarts": boots - workers,  # every boot after the first of each worker is a restart
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--slow-clients", type=int, default=0, help="connections that never finish their headers")
    parser.add_argument("--data", default="", help="data path (default: the shipped run)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        figures = run(args.users, args.rounds, args.workers, args.data, Path(scratch) / "gunicorn.log",
                      args.slow_clients)  # fmt: skip
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        sys.stdout.write(f"{key:<{width}}  {value}\n")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if figures["errors"] or figures["worker_restarts"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
