"""The canary of components/private/: each hook on Dash's, React's and Plotly's internals is in effect with the
versions installed, and the page works without any of them (REWARDBENCH_PRIVATE_HOOKS=off)."""

from tests.e2e.conftest import dashboard_server

HOOKS = {"plotly-bundle", "plotly-react", "graph-early"}
PLOT = "document.querySelector('#rewardbench-chart .js-plotly-plot')"


def test_every_private_hook_finds_the_internal_it_relies_on(browser, server_url):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    warnings = []
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    page.goto(server_url)
    page.wait_for_function(f"() => {PLOT} && {PLOT}._fullLayout")
    page.wait_for_timeout(300)
    hooks = page.evaluate("() => window.rewardbench.hooks")
    context.close()
    assert {name: hooks.get(name) for name in HOOKS} == dict.fromkeys(HOOKS, "active")
    assert [text for text in warnings if "[rewardbench]" in text] == []


def test_with_the_hooks_off_the_page_is_dashs_own_and_works(open_page):
    with dashboard_server(REWARDBENCH_PRIVATE_HOOKS="off") as url:
        fetched = []
        page = open_page(url)
        page.on("request", lambda request: fetched.append(request.url))
        assert page.evaluate("() => window.rewardbench.hooks") is None
        scripts = page.evaluate("() => [...document.scripts].map(s => s.src)")
        assert not [src for src in scripts if "private" in src or "plotly-basic" in src]
        page.get_by_label("Safety").uncheck()
        page.wait_for_function(f"() => !{PLOT}._fullData.some(t => t.name === 'Safety' && t.visible === true)")
        box = page.locator("#step-range .dash-range-slider-min-input")
        box.fill("200")
        box.press("Enter")
        page.wait_for_function(f"() => {PLOT}._fullLayout.xaxis.range[0] > 150")
