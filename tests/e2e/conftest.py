"""Browser tests: the system Chromium driven by Playwright against a real gunicorn serving the app."""

import contextlib
import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support import CHROMIUM_ARGS, chromium_path, free_port, gunicorn_command, running_server

CHART_DRAWN = "() => document.querySelectorAll('#rewardbench-chart .scatterlayer .trace').length > 0"


def downloaded_text(page, button: str) -> str:
    """The text of the file that a click on the button named ``button`` downloads."""
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    return Path(download.value.path()).read_text()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "no Chromium found: install Debian's chromium package (or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def dashboard_server(data_path: str = "", **env: str):
    """gunicorn serving the app on a free loopback port, stopped afterwards; its uploads are kept in a folder of
    its own, removed afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="rewardbench-test-uploads-") as uploads:
        environment = {"REWARDBENCH_DATA": str(data_path), "REWARDBENCH_UPLOAD_DIR": uploads, **env}
        with running_server(gunicorn_command(port, workers=2), port, env=environment) as url:
            yield url


@pytest.fixture(scope="session")
def server_url():
    with dashboard_server() as url:
        yield url


@pytest.fixture
def open_page(browser):
    """Open the dashboard at a URL with the chart drawn; fails the test if the console logged an error."""
    contexts, errors = [], []

    def open_(url, viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.wait_for_function(CHART_DRAWN)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"the browser console logged errors: {errors}"


@pytest.fixture
def page(open_page, server_url):
    return open_page(server_url)
