"""App wiring through app.server.test_client(): page, layout, health, and the callbacks' requests."""

import base64
import json
import re
import shutil

import pytest
from plotly.offline import get_plotlyjs_version

from app import create_app
from components import ids
from components.config import Settings
from components.private.page import GRAPH_CHUNK, PLOTLY_ASSET, REGENERATOR_ASSET
from tests.support import (
    REPO,
    SHIPPED_RUN,
    callback_payload,
    find_component,
    page_values,
    part_key,
    pattern_keys,
    with_view,
)

ALL = ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]


class Dashboard:
    """Calls the app's callbacks the way the browser does, by their output and named input values."""

    def __init__(self, settings: Settings):
        self.client = create_app(settings).server.test_client()
        self.dependencies = self.client.get("/_dash-dependencies").get_json()

    def call(self, output_prefix: str, changed: str, **values):
        panels = pattern_keys(layout_of(self.client), ids.PANEL_GRAPH, "metric")
        payload = callback_payload(self.dependencies, output_prefix, changed, values, {ids.PANEL_GRAPH: panels})
        return self.client.post("/_dash-update-component", data=json.dumps(payload), content_type="application/json")


def layout_of(client) -> dict:
    return client.get("/_dash-layout").get_json()


def all_text(node) -> str:
    return json.dumps(node, ensure_ascii=False)


CHART_OUTPUT = f"..{ids.CHART}.children..."


CHART_PART = part_key("chart")


def chart_call(dashboard, changed=CHART_PART, runs=("seed-run",), slider=(0, 600), visible=ALL, **extra):
    """A chart callback request from a page that shows what the layout drew, its view changed as the arguments
    say, after ``changed`` changed."""
    values = {**page_values(layout_of(dashboard.client)), f"{ids.STEP_SLIDER}.min": 0, f"{ids.STEP_SLIDER}.max": 600}
    values = {**with_view(values, runs=list(runs), steps=list(slider), metrics=list(visible)), **extra}
    return dashboard.call(CHART_OUTPUT, changed, **values)


def view_fix(response):
    """The chart's correction of the view (and that it names the view it was worked out for)."""
    correction = response.get_json()["response"][ids.CHART_FIX]["data"]
    assert correction["for"]["runs"] == ["seed-run"]
    return correction["patch"]


def patch_operations(response, panel=""):
    graph = json.dumps(ids.panel_graph(panel), sort_keys=True, separators=(",", ":"))
    figure = response.get_json()["response"][graph]["figure"]
    assert figure["__dash_patch_update"] == "__dash_patch_update"
    return {tuple(op["location"]): op["params"]["value"] for op in figure["operations"]}


@pytest.fixture(scope="module")
def dashboard():
    return Dashboard(Settings(data_path=SHIPPED_RUN))


def test_page_and_health(dashboard):
    page = dashboard.client.get("/")
    assert page.status_code == 200
    assert b"<title>RewardBench Dashboard</title>" in page.data
    assert dashboard.client.get("/health").status_code == 200


def test_the_page_loads_the_basic_plotly_bundle_and_no_polyfill(dashboard):
    page = dashboard.client.get("/").get_data(as_text=True)
    assert f'href="/assets/{PLOTLY_ASSET}"' in page
    assert f'src="/assets/{REGENERATOR_ASSET}"' in page
    assert "polyfill" not in page and "plotly.min.js" not in page
    for asset in (PLOTLY_ASSET, REGENERATOR_ASSET):
        assert dashboard.client.get(f"/assets/{asset}").status_code == 200
    # dcc.Graph's lazy part runs with the page: a renamed chunk would be a failed request
    assert f'<script src="/{GRAPH_CHUNK}"></script>' in page
    assert dashboard.client.get(f"/{GRAPH_CHUNK}").status_code == 200


def test_the_bundled_plotly_is_the_major_version_plotly_builds_figures_for():
    header = (REPO / "assets" / PLOTLY_ASSET).read_text(encoding="utf-8")[:200]  # its licence header
    bundled = re.search(r"plotly\.js \([^)]*\) v(\d+\.\d+\.\d+)", header).group(1)
    assert bundled.split(".")[0] == get_plotlyjs_version().split(".")[0]


def test_layout_has_the_chart_and_its_controls(dashboard):
    layout = dashboard.client.get("/_dash-layout").get_data(as_text=True)
    for component_id in (ids.CHART, ids.METRIC_PICKER, ids.STEP_SLIDER, ids.RESET_ZOOM_BUTTON, ids.RUN_PICKER,
                         ids.UPLOAD, ids.LIVE_TOGGLE):  # fmt: skip
        assert f'"{component_id}"' in layout
    assert "RewardBench over training: seed-run" in layout


def test_metric_toggling_runs_in_the_browser_and_sends_no_server_callback(dashboard):
    toggled = [d for d in dashboard.dependencies
               if any(f"{i['id']}.{i['property']}" in (f"{ids.METRIC_PICKER}.value", part_key("lines"))
                      for i in d["inputs"])]  # fmt: skip
    functions = {d["clientside_function"]["function_name"] for d in toggled if d.get("clientside_function")}
    assert {"syncView", "showLines", "filterTables"} <= functions
    assert all(d.get("clientside_function") for d in toggled)


def test_moving_the_slider_zooms_the_chart_and_fits_the_y_axis(dashboard):
    response = chart_call(dashboard, slider=(300, 600), visible=["Chat", "Reasoning"])
    assert response.status_code == 200
    body = response.get_json()["response"]
    assert ids.CHART_FIX not in body  # nothing to correct
    operations = patch_operations(response)
    low, high = operations[("layout", "xaxis", "range")]
    assert 290 < low < 300 and 600 < high < 610
    y_low, y_high = operations[("layout", "yaxis", "range")]
    assert 86 < y_low < 88 and 93 < y_high < 94


def test_box_zoom_on_the_chart_moves_the_slider(dashboard):
    relayout = {"xaxis.range[0]": 149.7, "xaxis.range[1]": 402.2}
    response = chart_call(dashboard, f"{ids.ZOOM_EVENT}.data", **{f"{ids.ZOOM_EVENT}.data": relayout})
    assert view_fix(response) == {"steps": [150, 402]}
    assert patch_operations(response)[("layout", "xaxis", "range")] == [149.7, 402.2]


def test_reset_returns_to_every_step(dashboard):
    response = chart_call(dashboard, f"{ids.RESET_ZOOM_BUTTON}.n_clicks", slider=(100, 200))
    assert view_fix(response) == {"steps": [0, 600]}


def test_a_zoom_with_no_section_open_leaves_the_subsets_alone(runs_dir):
    runs = Dashboard(Settings(data_path=runs_dir))
    values = page_values(layout_of(runs.client))
    values = with_view(values, runs=["rm-checkpoints"], steps=[100, 300])
    values[f"{ids.SECTION_PICKER}.options"] = ["Chat", "Chat Hard", "Safety", "Reasoning"]
    assert runs.call(f"..{ids.SUBSET_BOX}.children", part_key("subsets"), **values).status_code == 204
    values[f"{ids.SECTION_PICKER}.value"] = "Chat"
    response = runs.call(f"..{ids.SUBSET_BOX}.children", part_key("subsets"), **values)
    assert response.get_json()["response"][ids.SUBSET_BOX]["hidden"] is False  # an open section follows the zoom


def test_a_zoom_updates_the_summary_and_leaves_the_best_checkpoints_over_every_step_alone(runs_dir):
    runs = Dashboard(Settings(data_path=runs_dir))
    insights = f"..{ids.SUMMARY_ROWS}.data..."
    values = with_view(page_values(layout_of(runs.client)), runs=["rm-checkpoints"], best="Overall")
    picked = runs.call(insights, part_key("tables"), **values).get_json()["response"]
    values = with_view({**values, f"{ids.BEST_ROWS}.data": picked[ids.BEST_ROWS]["data"]}, steps=[100, 200])
    zoomed = runs.call(insights, part_key("tables"), **values).get_json()["response"]
    assert ids.BEST_ROWS not in zoomed
    assert {row["last"] for row in zoomed[ids.SUMMARY_ROWS]["data"]} != {None}
    assert all(row["peak_step"] <= 200 for row in zoomed[ids.SUMMARY_ROWS]["data"])
    assert [best["run"] for best in picked[ids.BEST_ROWS]["data"]["runs"]] == ["rm-checkpoints"]


def test_relayout_without_a_step_change_sends_nothing(dashboard):
    response = chart_call(dashboard, f"{ids.ZOOM_EVENT}.data", **{f"{ids.ZOOM_EVENT}.data": {"autosize": True}})
    assert response.status_code == 204


def test_a_zoom_of_several_runs_patches_every_panel_with_its_own_y_range(runs_dir):
    runs = Dashboard(Settings(data_path=runs_dir))
    layout = layout_of(runs.client)
    names = page_values(layout)[f"{ids.VIEW}.data"]["runs"]
    panels = pattern_keys(layout, ids.PANEL_GRAPH, "metric")
    assert sorted(panels[:5]) == sorted(ALL)  # a figure per metric (and the RewardBench 2 sections some runs carry)
    response = chart_call(runs, runs=names, slider=(100, 300))
    patches = {panel: patch_operations(response, panel) for panel in panels}
    assert all(90 < patch[("layout", "xaxis", "range")][0] < 100 for patch in patches.values())
    y_ranges = {tuple(patch[("layout", "yaxis", "range")]) for patch in patches.values()}
    assert len(y_ranges) == len(panels)


def test_each_app_serves_its_own_runs(tmp_path):
    other = tmp_path / "other-run.csv"
    other.write_text("step,Chat,Safety\n0,70,60\n10,72,61\n")
    first = create_app(Settings(data_path=other)).server.test_client()
    second = create_app(Settings(data_path=SHIPPED_RUN)).server.test_client()
    assert "other-run" in first.get("/_dash-layout").get_data(as_text=True)
    assert "other-run" not in second.get("/_dash-layout").get_data(as_text=True)


def test_a_new_page_shows_the_data_as_it_is_now(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "first.csv").write_text("step,Chat\n0,70\n10,72\n")
    client = create_app(Settings(data_path=runs)).server.test_client()
    page = client.get("/_dash-layout").get_data(as_text=True)
    assert client.get("/_dash-layout").get_data(as_text=True) == page  # nothing changed: the same page
    (runs / "second.csv").write_text("step,Chat\n0,71\n10,73\n")
    assert "second" in client.get("/_dash-layout").get_data(as_text=True)
    (runs / "second.csv").unlink()
    assert client.get("/_dash-layout").get_data(as_text=True) == page


@pytest.fixture
def runs_dashboard(tmp_path, runs_dir):
    shutil.copytree(runs_dir, tmp_path / "runs")
    shutil.copy(REPO / "tests" / "fixtures" / "bad" / "not-a-number.csv", tmp_path / "runs")
    return Dashboard(Settings(data_path=tmp_path / "runs")), tmp_path / "runs"


def test_a_directory_lists_every_run_and_every_unreadable_file(runs_dashboard):
    dashboard, runs = runs_dashboard
    layout = layout_of(dashboard.client)
    picker = find_component(layout, ids.RUN_PICKER)["props"]
    assert {"wide", "evals", "long-a", "rm-checkpoints", "rb2-run"} <= set(picker["value"])
    assert set(picker["value"]) == set(find_component(layout, ids.VIEW)["props"]["data"]["runs"])
    problems = all_text(find_component(layout, ids.PROBLEMS))
    assert "not-a-number.csv line 3: column Chat: not a number" in problems


def test_a_poll_with_nothing_changed_costs_an_empty_answer(runs_dashboard):
    dashboard, runs = runs_dashboard
    version = find_component(layout_of(dashboard.client), ids.DATA_VERSION)["props"]["data"]
    unchanged = dashboard.call(f"{ids.DATA_VERSION}.data", f"{ids.POLL}.n_intervals",
                               **{f"{ids.POLL}.n_intervals": 1, f"{ids.DATA_VERSION}.data": version})  # fmt: skip
    assert unchanged.status_code == 204 and unchanged.data == b""
    with (runs / "wide.csv").open("a") as handle:
        handle.write("300,88.0,67.0,79.0,89.0,80.5\n")
    changed = dashboard.call(f"{ids.DATA_VERSION}.data", f"{ids.POLL}.n_intervals",
                             **{f"{ids.POLL}.n_intervals": 2, f"{ids.DATA_VERSION}.data": version})  # fmt: skip
    assert changed.status_code == 200
    assert changed.get_json()["response"][ids.DATA_VERSION]["data"] != version


UPLOAD_OUTPUT = f"..{ids.UPLOADS}.data...{ids.UPLOAD_MESSAGE}.children"


def upload(dashboard, raw: bytes, filename: str, uploads=()):
    contents = "data:text/csv;base64," + base64.b64encode(raw).decode()
    values = {f"{ids.UPLOAD}.contents": contents, f"{ids.UPLOAD}.filename": filename,
              f"{ids.RUN_PICKER}.options": ["seed-run"], f"{ids.UPLOADS}.data": list(uploads)}  # fmt: skip
    response = dashboard.call(UPLOAD_OUTPUT, f"{ids.UPLOAD}.contents", **values)
    return response.get_json()["response"]


def chart_with_uploads(dashboard, uploads, runs):
    values = with_view(page_values(layout_of(dashboard.client)), runs=list(runs))
    response = dashboard.call(CHART_OUTPUT, f"{ids.UPLOADS}.data", **{**values, f"{ids.UPLOADS}.data": uploads})
    return response.get_json()["response"]


def test_an_upload_is_kept_on_the_server_and_the_browser_holds_only_its_token(tmp_path):
    dashboard = Dashboard(Settings(data_path=SHIPPED_RUN, upload_dir=tmp_path / "uploads"))
    raw = b"step,Chat\n0,80\n100,85\n"
    body = upload(dashboard, raw, "mine.csv")
    (entry,) = body[ids.UPLOADS]["data"]
    assert entry["file"] == "mine.csv" and entry["runs"] == [["mine", "mine"]] and len(entry["token"]) == 64
    assert len(json.dumps(entry)) < 200  # what every later request carries: no data
    assert body[ids.UPLOAD_MESSAGE]["children"].startswith("Added mine (2 checkpoints)")
    chart = all_text(chart_with_uploads(dashboard, [entry], ["seed-run", "mine"]))
    assert "RewardBench over training: 2 runs" in chart and '"mine"' in chart


def test_a_server_that_does_not_hold_an_upload_asks_for_it_and_draws_it_once_sent(tmp_path):
    raw = b"step,Chat\n0,80\n100,85\n"
    first = Dashboard(Settings(data_path=SHIPPED_RUN, upload_dir=tmp_path / "first"))
    (entry,) = upload(first, raw, "mine.csv")[ids.UPLOADS]["data"]
    other = Dashboard(Settings(data_path=SHIPPED_RUN, upload_dir=tmp_path / "other"))  # a replica sharing nothing
    asked = chart_with_uploads(other, [entry], ["seed-run", "mine"])
    missing = json.dumps(ids.upload_missing("chart"), sort_keys=True, separators=(",", ":"))
    assert asked[missing]["data"] == [entry["token"]] and ids.CHART not in asked
    sent = {
        "token": entry["token"],
        "file": "mine.csv",
        "contents": "data:text/csv;base64," + base64.b64encode(raw).decode(),
    }
    restored = other.call(f"..{ids.UPLOADS}.data@", f"{ids.UPLOAD_RESEND}.data",
                          **{f"{ids.UPLOAD_RESEND}.data": sent, f"{ids.UPLOADS}.data": [entry]})  # fmt: skip
    assert restored.get_json()["response"][ids.UPLOADS]["data"][0]["token"] == entry["token"]
    assert "RewardBench over training: 2 runs" in all_text(chart_with_uploads(other, [entry], ["seed-run", "mine"]))
    forged = {**sent, "contents": "data:text/csv;base64," + base64.b64encode(b"step,Chat\n0,1\n").decode()}
    refused = other.call(f"..{ids.UPLOADS}.data@", f"{ids.UPLOAD_RESEND}.data",
                         **{f"{ids.UPLOAD_RESEND}.data": forged, f"{ids.UPLOADS}.data": [entry]})  # fmt: skip
    assert refused.status_code == 204  # a file is kept only under the token of its own bytes


def test_an_upload_named_as_a_run_of_the_data_path_is_shown_apart(tmp_path):
    dashboard = Dashboard(Settings(data_path=SHIPPED_RUN, upload_dir=tmp_path / "uploads"))
    (entry,) = upload(dashboard, b"step,Chat\n0,80\n100,85\n", "seed-run.csv")[ids.UPLOADS]["data"]
    assert entry["runs"] == [["seed-run", "seed-run (uploaded)"]]
    chart = all_text(chart_with_uploads(dashboard, [entry], ["seed-run", "seed-run (uploaded)"]))
    assert "RewardBench over training: 2 runs" in chart


def test_an_uploaded_rewardbench_per_prompt_file_is_a_checkpoint_of_its_model(tmp_path):
    from tests import rewardbench_tools as tools

    dashboard = Dashboard(Settings(data_path=SHIPPED_RUN, upload_dir=tmp_path / "uploads"))
    _, scores = tools.run_rm(tmp_path, "runs/rm/checkpoint-400", tools.Evaluation(text_bytes=30))
    body = upload(dashboard, scores.read_bytes(), scores.name)
    (entry,) = body[ids.UPLOADS]["data"]
    assert entry["runs"] == [["runs/rm", "runs/rm"]]
    assert body[ids.UPLOAD_MESSAGE]["children"].startswith("Added runs/rm (1 checkpoint)")


def test_a_broken_upload_says_why_and_changes_nothing(dashboard):
    body = upload(dashboard, b"step,Chat\n0,80\n100,abc\n", "broken.csv")
    assert ids.UPLOADS not in body
    assert body[ids.UPLOAD_MESSAGE]["children"] == "Not added: broken.csv line 3: column Chat: not a number"


def test_an_upload_over_the_limit_is_refused(tmp_path):
    dashboard = Dashboard(Settings(data_path=SHIPPED_RUN, upload_limit_mb=0.001))
    body = upload(dashboard, b"step,Chat\n" + b"0,80\n" * 400, "big.csv")
    assert body[ids.UPLOAD_MESSAGE]["children"] == "Not added: big.csv: 0.0 MB is over the upload limit of 0.001 MB"


def test_the_upload_takes_every_kind_of_file_the_registry_reads(dashboard):
    from components import formats

    layout = layout_of(dashboard.client)
    accept = find_component(layout, ids.UPLOAD)["props"]["accept"].split(",")
    assert {".csv", ".tsv", ".jsonl", ".json"} <= set(accept)
    assert all(any(ending.endswith(suffix) for suffix in accept) for fmt in formats.FORMATS for ending in fmt.endings)
    page_text = all_text(layout)
    assert "RewardBench per-prompt files" in page_text and "the rewardbench command's _outputs.jsonl" in page_text


def test_health_says_unavailable_while_the_page_cannot_be_built_and_the_page_says_so(monkeypatch):
    import app as application

    real = application.make_layout
    broken = {"on": True}

    def make_layout(result, settings, version, provider=None):
        if broken["on"] and version != "unavailable":
            raise RuntimeError("a bug in building the page")
        return real(result, settings, version, provider)

    monkeypatch.setattr(application, "make_layout", make_layout)
    client = create_app(Settings(data_path=SHIPPED_RUN)).server.test_client()
    health = client.get("/health")
    assert health.status_code == 503 and health.get_data(as_text=True).startswith("unavailable: the page could not")
    page = client.get("/_dash-layout")
    assert page.status_code == 200 and "the page could not be built from the data" in all_text(page.get_json())
    broken["on"] = False
    assert client.get("/health").status_code == 200


def test_the_csv_download_neutralises_cells_a_spreadsheet_would_run_as_formulas(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "long.csv").write_text(
        'run,step,metric,value\n"=HYPERLINK(""http://x"")",0,Chat,80\n"+cmd|\' /C calc\'!A0",0,Chat,70\n'
        "@SUM(1+1),0,Chat,60\nplain,0,Chat,50\n"
    )
    dashboard = Dashboard(Settings(data_path=runs))
    values = {**with_view(page_values(layout_of(dashboard.client)), metrics=["Chat"]), f"{ids.EXPORT_CSV}.n_clicks": 1}
    response = dashboard.call(f"..{ids.DOWNLOAD}.data", f"{ids.EXPORT_CSV}.n_clicks", **values)
    lines = response.get_json()["response"][ids.DOWNLOAD]["data"]["content"].splitlines()
    cells = {line.rsplit(",", 2)[0] for line in lines[1:]}
    assert cells == {'"\'=HYPERLINK(""http://x"")"', "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "plain"}


def test_the_csv_download_of_several_zoomed_runs_has_a_row_for_each_runs_own_steps(tmp_path):
    (tmp_path / "every-10.csv").write_text("step,Chat,Safety\n" + "".join(f"{s},80,70\n" for s in range(0, 101, 10)))
    (tmp_path / "every-25.csv").write_text("step,Chat,Safety\n" + "".join(f"{s},60,50\n" for s in range(0, 101, 25)))
    dashboard = Dashboard(Settings(data_path=tmp_path))
    values = {**with_view(page_values(layout_of(dashboard.client)), steps=[20, 80]), f"{ids.EXPORT_CSV}.n_clicks": 1}
    response = dashboard.call(f"..{ids.DOWNLOAD}.data", f"{ids.EXPORT_CSV}.n_clicks", **values)
    lines = response.get_json()["response"][ids.DOWNLOAD]["data"]["content"].splitlines()
    assert lines[0] == "run,step,Chat,Safety"
    assert lines[1:] == [*(f"every-10,{s},80,70" for s in range(20, 81, 10)), "every-25,25,60,50",
                         "every-25,50,60,50", "every-25,75,60,50"]  # fmt: skip


def test_an_upload_the_server_cannot_keep_says_so_and_changes_nothing(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the upload folder's place is taken by a file
    dashboard = Dashboard(Settings(data_path=SHIPPED_RUN, upload_dir=blocked))
    body = upload(dashboard, b"step,Chat\n0,80\n", "mine.csv")
    assert ids.UPLOADS not in body
    assert body[ids.UPLOAD_MESSAGE]["children"].startswith("Not added: mine.csv: the server could not keep the file")
