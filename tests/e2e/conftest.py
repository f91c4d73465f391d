"""Browser tests: the system Chromium driven by Playwright against a real gunicorn serving the app."""

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.support import CHROMIUM_ARGS, chromium_path, free_port, gunicorn_command, running_server


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


@pytest.fixture(scope="session")
def server_url():
    port = free_port()
    with running_server(gunicorn_command(port, workers=2), port, env={"REWARDBENCH_DATA": ""}) as url:
        yield url


@pytest.fixture
def page(browser, server_url):
    """A fresh page on the dashboard, with the chart drawn; fails the test if the console logged an error."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server_url)
    page.wait_for_function("() => document.querySelectorAll('#rewardbench-chart .scatterlayer .trace').length > 0")
    yield page
    context.close()
    assert errors == [], f"the browser console logged errors: {errors}"
