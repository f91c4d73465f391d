"""Nothing one request, one file or one slow client does takes the dashboard down for everyone: attacks against
`gunicorn app:server` as the README deploys it (4 workers), while /health and other users' pages are watched."""

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from components import ids
from tests.support import (
    callback_payload,
    free_port,
    gunicorn_command,
    page_values,
    part_key,
    pattern_keys,
    running_server,
    with_view,
)

HEALTHY_WITHIN_S = 2


# Root reads every folder whatever its mode; without these two capabilities it meets folder modes as a server's
# unprivileged user does, while still reaching the interpreter wherever the clone is.
AS_UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []


@contextmanager
def deployed(data="", workers=4, unprivileged=False, **env):
    port = free_port()
    environment = {"REWARDBENCH_DATA": str(data), **env}
    health = f"{env.get('REWARDBENCH_BASE_PATH', '/')}health"
    command = [*(AS_UNPRIVILEGED if unprivileged else []), *gunicorn_command(port, workers=workers)]
    with running_server(command, port, env=environment, health_path=health) as url:
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


def chart_payload(url, **view_changes):
    """The chart's request after the view changed as ``view_changes`` say."""
    with urllib.request.urlopen(f"{url}/_dash-dependencies") as response:
        dependencies = json.load(response)
    with urllib.request.urlopen(f"{url}/_dash-layout") as response:
        layout = json.load(response)
    values = with_view(page_values(layout), **view_changes)
    panels = {ids.PANEL_GRAPH: pattern_keys(layout, ids.PANEL_GRAPH, "metric")}
    return callback_payload(dependencies, f"..{ids.CHART}.children", part_key("chart"), values, panels)


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
        payload = chart_payload(url, filter="(.?){30}(.?){30}#")

        def attack():
            with ThreadPoolExecutor(max_workers=4) as pool:
                return list(pool.map(lambda _: post_json(url, payload), range(4)))

        answers, health_s, page_s = stays_healthy(url, attack)
        assert [status for status, _ in answers] == [200] * 4
        assert health_s < HEALTHY_WITHIN_S and page_s < 10


def test_clients_that_never_finish_their_headers_hold_no_worker():
    with deployed() as url:
        port = int(url.rsplit(":", 1)[1])
        stop = threading.Event()

        def trickle():
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                while not stop.wait(0.5):
                    connection.sendall(b"a")

        clients = [threading.Thread(target=trickle, daemon=True) for _ in range(8)]  # two for each of 4 workers
        try:
            for client in clients:
                client.start()
            time.sleep(1)
            for _ in range(10):
                assert get(f"{url}/health")[2] < HEALTHY_WITHIN_S
                assert b"seed-run" in get(f"{url}/_dash-layout", timeout=10)[1]
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=5)


def page_text(body: bytes) -> str:
    """Every string in a served layout, one a line (the layout's JSON escapes slashes)."""

    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    return "\n".join(strings(json.loads(body)))


def bad_files(directory):
    """A file nested 100,000 levels deep, a link looping back up, a name that is not UTF-8, beside a good run."""
    (directory / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    os.symlink(directory, directory / "loop")
    (directory / os.fsdecode(b"\xffname.csv")).write_text("step,Chat\n0,70\n")


def test_odd_files_at_start_up_are_each_one_message_and_the_page_works(tmp_path):
    (tmp_path / "good.csv").write_text("step,Chat\n0,80\n10,81\n")
    bad_files(tmp_path)
    with deployed(tmp_path) as url:
        status, body, _ = get(f"{url}/_dash-layout", timeout=10)
        page = page_text(body)
        assert status == 200 and "good" in page and "\\xffname" in page  # the name's byte 0xff, written out
        assert "deep.json: nested too deeply to be a result file" in page  # named below the data path
        assert "loop: a link back to a folder above it" in page
        assert page.count(str(tmp_path)) == 1  # the server's folders are named once, as the data path, in the header


def test_odd_files_added_while_running_break_no_page(tmp_path):
    (tmp_path / "good.csv").write_text("step,Chat\n0,80\n10,81\n")
    with deployed(tmp_path) as url:
        bad_files(tmp_path)
        for _ in range(3):
            status, body, seconds = get(f"{url}/_dash-layout", timeout=10)
            assert status == 200 and "deep.json: nested too deeply" in page_text(body)
        assert get(f"{url}/health")[0] == 200


def test_folders_without_read_permission_are_each_one_message_at_start_up_and_while_running(tmp_path):
    from tests import rewardbench_tools as tools

    for run in ("a", "b", "c"):
        tools.run_rm(tmp_path, f"runs/{run}/checkpoint-1", tools.Evaluation())
    runs = tmp_path / "results" / "eval-set" / "runs"
    (runs / "b").chmod(0o000)
    try:
        with deployed(tmp_path, unprivileged=True) as url:
            page = page_text(get(f"{url}/_dash-layout", timeout=10)[1])
            assert "runs/a" in page and "runs/c" in page
            assert "results/eval-set/runs/b: folder cannot be read (Permission denied)" in page
            (runs / "c").chmod(0o000)
            status, body, _ = get(f"{url}/_dash-layout", timeout=10)
            assert status == 200 and "results/eval-set/runs/c: folder cannot be read" in page_text(body)
            assert get(f"{url}/health")[0] == 200
    finally:
        (runs / "b").chmod(0o755)
        (runs / "c").chmod(0o755)


def test_files_removed_and_rewritten_while_the_server_reads_them_give_no_error(tmp_path):
    from tests import rewardbench_tools as tools

    for step in range(100, 1100, 100):
        tools.run_rm(tmp_path, f"runs/rm/checkpoint-{step}", tools.Evaluation(seed=step, text_bytes=5))
    (tmp_path / "log.csv").write_text("step,Chat\n0,80\n")
    with deployed(tmp_path) as url:
        stop = threading.Event()
        changes = [0]

        def churn():
            results = tmp_path / "results" / "eval-set" / "runs"
            while not stop.is_set():
                for step in range(100, 1100, 100):
                    path = results / "rm" / f"checkpoint-{step}.json"
                    text = path.read_text() if path.exists() else None
                    path.unlink(missing_ok=True)
                    if text is not None:
                        path.write_text(text)
                    changes[0] += 1
                scratch = results / "scratch"
                scratch.mkdir(exist_ok=True)
                (scratch / "checkpoint-1.json").write_text("{}")
                (scratch / "checkpoint-1.json").unlink()
                scratch.rmdir()
                with (tmp_path / "log.csv").open("w") as handle:
                    handle.write("step,Chat\n0,80\n")

        payload = chart_payload(url, filter="rm")
        statuses = []
        churning = threading.Thread(target=churn)
        churning.start()
        try:
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:
                statuses.append(get(f"{url}/_dash-layout", timeout=30)[0])
                statuses.append(post_json(url, payload)[0])
                statuses.append(get(f"{url}/health")[0])
        finally:
            stop.set()
            churning.join()
        assert changes[0] > 100
        assert set(statuses) <= {200, 204}, sorted(set(statuses))


def raw_request(url, request: bytes) -> tuple[int, bytes]:
    """Sends ``request`` as it is and reads the status line and body of the answer."""
    host, port = url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head + b"\n" + body


BASIC = {"REWARDBENCH_AUTH": "basic", "REWARDBENCH_AUTH_USERS": "ann:secret,bob:other",
         "REWARDBENCH_BASE_PATH": "/tools/rb/"}  # fmt: skip
ANN = "Basic " + __import__("base64").b64encode(b"ann:secret").decode()


def test_requests_the_page_never_sends_get_plain_answers_not_500s():
    with deployed(**BASIC) as url:
        status, _ = raw_request(url, b"GET /tools/rb/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \xff\xfe\r\n"
                                     b"Connection: close\r\n\r\n")  # fmt: skip
        assert status == 401  # bytes that are not text in Authorization
        authorised = f"Authorization: {ANN}\r\nConnection: close\r\n".encode()
        status, _ = raw_request(url, b"GET /tools/rb/_dash-component-suites/nope/x.js HTTP/1.1\r\nHost: x\r\n"
                                     + authorised + b"\r\n")  # fmt: skip
        assert status == 404
        for body in (b'{"output": 1}', b"[" * 100_000, b'{"output": "x", "inputs": 3}'):
            length = f"Content-Length: {len(body)}\r\n".encode()
            request = (b"POST /tools/rb/_dash-update-component HTTP/1.1\r\nHost: x\r\n"
                       b"Content-Type: application/json\r\n" + length + authorised + b"\r\n" + body)  # fmt: skip
            assert raw_request(url, request)[0] == 400
        status, answer = raw_request(url, b"GET /tools/rb HTTP/1.1\r\nHost: evil.example\r\n" + authorised + b"\r\n")
        assert status == 308 and b"evil.example" not in answer and b"Location: /tools/rb/" in answer


def test_wrong_passwords_are_slowed_down_for_that_user_only():
    import base64

    with deployed(workers=1, **BASIC) as url:

        def status(user, password):
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            request = urllib.request.Request(f"{url}/tools/rb/", headers={"Authorization": f"Basic {token}"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        guesses = [status("ann", f"guess-{n}") for n in range(12)]
        assert guesses[:10] == [401] * 10 and guesses[10:] == [429, 429]
        assert status("bob", "anything") == 401  # another user name is not locked out by ann's guesser


def upload_payload(url, filename, raw: bytes):
    import base64

    with urllib.request.urlopen(f"{url}/_dash-dependencies") as response:
        dependencies = json.load(response)
    contents = "data:text/csv;base64," + base64.b64encode(raw).decode()
    values = {f"{ids.UPLOAD}.contents": contents, f"{ids.UPLOAD}.filename": filename,
              f"{ids.RUN_PICKER}.options": ["seed-run"]}  # fmt: skip
    return callback_payload(dependencies, f"..{ids.UPLOADS}.data", f"{ids.UPLOAD}.contents", values)


def test_an_upload_naming_twenty_thousand_runs_is_refused_at_once():
    lines = ["run,step,metric,value"] + [f"run-{n},0,Chat,80" for n in range(20_000)]
    raw = ("\n".join(lines) + "\n").encode()
    with deployed() as url:
        payload = upload_payload(url, "many.csv", raw)
        (status, body), health_s, _ = stays_healthy(url, lambda: post_json(url, payload, timeout=30))
        assert status == 200 and health_s < HEALTHY_WITHIN_S
        message = json.loads(body)["response"][ids.UPLOAD_MESSAGE]["children"]
        assert message == ("Not added: many.csv: names 20,000 runs; one file may hold at most 1,000 "
                           "(REWARDBENCH_MAX_RUNS_PER_FILE)")  # fmt: skip


def test_a_body_over_the_request_limit_is_refused_before_it_is_read():
    with deployed(REWARDBENCH_REQUEST_LIMIT_MB="1") as url:
        # The headers announce 2 MB and no byte of the body follows: the answer comes without reading it.
        status, body = raw_request(url, b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        b"Content-Type: application/json\r\nContent-Length: 2000000\r\n"
                                        b"Connection: close\r\n\r\n")  # fmt: skip
        assert status == 413 and b"over 1 MB (REWARDBENCH_REQUEST_LIMIT_MB)" in body
        assert get(f"{url}/health")[0] == 200


def test_a_data_file_over_the_size_limit_is_one_message_and_the_rest_loads(tmp_path):
    (tmp_path / "small.csv").write_text("step,Chat\n0,80\n")
    (tmp_path / "huge.csv").write_text("step,Chat\n" + "".join(f"{n},80\n" for n in range(300_000)))
    with deployed(tmp_path, REWARDBENCH_MAX_FILE_MB="1") as url:
        page = page_text(get(f"{url}/_dash-layout", timeout=10)[1])
        assert "small" in page and "huge.csv: 3 MB is over the limit of 1 MB for one data file" in page


def test_header_sign_in_is_trusted_only_from_the_proxy_it_names():
    header = {"REWARDBENCH_AUTH": "header", "REWARDBENCH_AUTH_HEADER": "X-Remote-User"}
    with deployed(REWARDBENCH_TRUSTED_PROXIES="10.9.9.9", **header) as url:  # the proxy is not this client
        request = urllib.request.Request(f"{url}/", headers={"X-Remote-User": "mallory"})
        try:
            urllib.request.urlopen(request, timeout=10)
            status, body = 200, b""
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        assert status == 401 and b"X-Remote-User" not in body
    with deployed(**header) as url:  # by default a proxy on this machine (127.0.0.1) is trusted
        request = urllib.request.Request(f"{url}/", headers={"X-Remote-User": "ann"})
        assert urllib.request.urlopen(request, timeout=10).status == 200
