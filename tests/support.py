"""Helpers shared by the serving tests, the browser tests and scripts/screenshot.py.

Servers bind 127.0.0.1 on a free port and are always stopped, by the PID we started.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_RUN = REPO / "data" / "seed-run.csv"
BIN_DIR = Path(sys.executable).parent

# Flags that keep headless Chromium off the network and quick to start on this kind of machine.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium (never a downloaded one): $CHROMIUM_PATH, else chromium on PATH."""
    candidates = [os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((c for c in candidates if c and Path(c).exists()), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int, workers: int = 1, app: str = "app:server") -> list[str]:
    return [
        str(BIN_DIR / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",
        app,
    ]


def app_command(port: int, *extra: str) -> list[str]:
    return [sys.executable, str(REPO / "app.py"), "--port", str(port), *extra]


def _healthy(url: str, health_path: str = "/health") -> bool:
    try:
        with urllib.request.urlopen(f"{url}{health_path}", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running_server(
    command: list[str],
    port: int,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path = REPO,
    inherit_env: bool = True,
    log: Path | None = None,
    health_path: str = "/health",
):
    """Start ``command`` (which must serve on ``port``), wait until ``health_path`` answers, yield its base URL.

    The server's output goes to ``log`` when given (to read it afterwards), else to a temporary file.
    """
    url = f"http://127.0.0.1:{port}"
    with open(log, "w+b") if log else tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**(os.environ if inherit_env else {}), **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url, health_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    raise RuntimeError(f"server did not start: {command}\n{output.read().decode(errors='replace')}")
                time.sleep(0.2)
            yield url
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started (and the workers it forked) by its PID.

    A gunicorn worker still booting when the first SIGTERM comes loses it (its own handlers are not installed
    yet) and its master waits the whole graceful timeout for it; a second SIGTERM a moment later reaches it."""
    for signal_number, wait_s in ((signal.SIGTERM, 2), (signal.SIGTERM, 13), (signal.SIGKILL, None)):
        if process.poll() is not None:
            return
        os.killpg(process.pid, signal_number)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait_s)


def prop_key(component_id, prop: str) -> str:
    """An input's "id.property" as Dash writes it (a pattern-matching id as compact JSON, keys sorted)."""
    name = (
        component_id
        if isinstance(component_id, str)
        else json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    )
    return f"{name}.{prop}"


def callback_payload(
    dependencies: list[dict], output_prefix: str, changed: str, values: dict, wildcards: dict | None = None
) -> dict:
    """The request body the browser sends for the callback whose output starts with ``output_prefix``, after
    ``changed`` changed; ``values`` gives input and state values by prop_key (missing ones are null), and
    ``wildcards`` the keys of the components a pattern-matching output (ALL) stands for, by their id's type."""
    spec = next(d for d in dependencies if d["output"].startswith(output_prefix))

    def output(part):
        component, prop = part.rsplit(".", 1)
        prop = prop.split("@")[0]
        if not component.startswith("{"):
            return {"id": component, "property": prop}
        pattern = json.loads(component)
        wild = [name for name, value in pattern.items() if value == ["ALL"]]
        if not wild:
            return {"id": pattern, "property": prop}
        (key,) = wild
        return [{"id": {**pattern, key: each}, "property": prop} for each in (wildcards or {}).get(pattern["type"], [])]

    outputs = [output(part) for part in spec["output"].strip(".").split("...")]

    def entries(items):
        return [{**item, "value": values.get(prop_key(item["id"], item["property"]))} for item in items]

    return {
        "output": spec["output"],
        "outputs": outputs if spec["output"].startswith("..") else outputs[0],
        "inputs": entries(spec["inputs"]),
        "state": entries(spec["state"]),
        "changedPropIds": [changed],
    }


def part_key(reader: str) -> str:
    """The prop id of the part of the view ``reader`` depends on (components/viewstate.py)."""
    from components import ids

    return prop_key(ids.view_part(reader), "data")


def with_view(values: dict, **changes) -> dict:
    """``values`` after the view changed as ``changes`` say, with each reader's part, as the browser sends them."""
    from components import ids
    from components.viewstate import READERS, read_view, view_part

    view = {**values.get(f"{ids.VIEW}.data", {}), **changes}
    shown = read_view(view)
    parts = {part_key(reader): {key: view.get(key) for key in view_part(shown, reader)} for reader in READERS}
    return {**values, f"{ids.VIEW}.data": view, **parts}


def find_component(node, component_id) -> dict | None:
    """The layout component (as Dash serves it: {"props": ..., "type": ...}) with ``component_id``, depth first."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        children = node.get("props", {}).get("children")
        return find_component(children, component_id) if children is not None else None
    if isinstance(node, list):
        return next((found for child in node if (found := find_component(child, component_id)) is not None), None)
    return None


def pattern_keys(node, component_type: str, key: str) -> list:
    """The ``key`` of every layout component whose pattern-matching id has type ``component_type``, in order."""
    if isinstance(node, list):
        return [found for child in node for found in pattern_keys(child, component_type, key)]
    if not isinstance(node, dict):
        return []
    props = node.get("props", {})
    component_id = props.get("id")
    own = [component_id[key]] if isinstance(component_id, dict) and component_id.get("type") == component_type else []
    children = props.get("children")
    return own + (pattern_keys(children, component_type, key) if children is not None else [])


def page_values(layout: dict) -> dict:
    """The values a freshly loaded page sends to its callbacks, by prop_key, read from the layout."""
    from components import ids
    from components.viewstate import READERS

    def prop(component_id, name):
        return find_component(layout, component_id)["props"].get(name)

    values = {
        f"{ids.RUN_PICKER}.options": prop(ids.RUN_PICKER, "options"),
        f"{ids.METRIC_PICKER}.options": prop(ids.METRIC_PICKER, "options"),
        f"{ids.DATA_VERSION}.data": prop(ids.DATA_VERSION, "data"),
        f"{ids.DRAWN}.data": prop(ids.DRAWN, "data"),
        f"{ids.STEP_SLIDER}.min": prop(ids.STEP_SLIDER, "min"),
        f"{ids.STEP_SLIDER}.max": prop(ids.STEP_SLIDER, "max"),
        f"{ids.VIEW}.data": prop(ids.VIEW, "data"),
        f"{ids.UPLOADS}.data": [],
        f"{ids.BEST_ROWS}.data": prop(ids.BEST_ROWS, "data"),
        f"{ids.POLL}.n_intervals": 1,
    }
    return {**values, **{part_key(reader): prop(ids.view_part(reader), "data") for reader in READERS}}
