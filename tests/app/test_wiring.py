"""App wiring through app.server.test_client(): page, layout, health, and the zoom callback."""

import json

import pytest

from app import create_app
from components import ids
from components.config import Settings
from tests.support import SHIPPED_RUN

ZOOM_OUTPUT = f"..{ids.STEP_SLIDER}.value...{ids.CHART}.figure.."
ALL = ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(data_path=SHIPPED_RUN)).server.test_client()


def zoom_request(client, changed, slider=(0, 600), relayout=None, reset_clicks=None, visible=ALL):
    payload = {
        "output": ZOOM_OUTPUT,
        "outputs": [{"id": ids.STEP_SLIDER, "property": "value"}, {"id": ids.CHART, "property": "figure"}],
        "inputs": [
            {"id": ids.STEP_SLIDER, "property": "value", "value": list(slider)},
            {"id": ids.CHART, "property": "relayoutData", "value": relayout},
            {"id": ids.RESET_ZOOM_BUTTON, "property": "n_clicks", "value": reset_clicks},
        ],
        "state": [{"id": ids.METRIC_PICKER, "property": "value", "value": list(visible)}],
        "changedPropIds": [changed],
    }
    return client.post("/_dash-update-component", data=json.dumps(payload), content_type="application/json")


def patch_operations(response):
    figure = response.get_json()["response"][ids.CHART]["figure"]
    assert figure["__dash_patch_update"] == "__dash_patch_update"
    return {tuple(op["location"]): op["params"]["value"] for op in figure["operations"]}


def test_page_and_health(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b"<title>RewardBench Dashboard</title>" in page.data
    health = client.get("/health")
    assert health.status_code == 200


def test_layout_has_the_chart_and_its_controls(client):
    layout = client.get("/_dash-layout").get_data(as_text=True)
    for component_id in (ids.CHART, ids.METRIC_PICKER, ids.STEP_SLIDER, ids.RESET_ZOOM_BUTTON):
        assert f'"{component_id}"' in layout
    assert "RewardBench over training: seed-run" in layout


def test_metric_toggling_runs_in_the_browser(client):
    dependencies = client.get("/_dash-dependencies").get_json()
    toggle = next(d for d in dependencies if d["output"].startswith(f"..{ids.METRIC_PICKER}.value"))
    assert toggle["clientside_function"] == {"namespace": "rewardbench", "function_name": "toggleMetrics"}


def test_moving_the_slider_zooms_the_chart_and_fits_the_y_axis(client):
    response = zoom_request(client, f"{ids.STEP_SLIDER}.value", slider=(300, 600), visible=["Chat", "Reasoning"])
    assert response.status_code == 200
    body = response.get_json()["response"]
    assert ids.STEP_SLIDER not in body  # the slider is already where the user put it
    operations = patch_operations(response)
    low, high = operations[("layout", "xaxis", "range")]
    assert 290 < low < 300 and 600 < high < 610
    y_low, y_high = operations[("layout", "yaxis", "range")]
    assert 86 < y_low < 88 and 93 < y_high < 94


def test_box_zoom_on_the_chart_moves_the_slider(client):
    relayout = {"xaxis.range[0]": 149.7, "xaxis.range[1]": 402.2}
    response = zoom_request(client, f"{ids.CHART}.relayoutData", relayout=relayout)
    assert response.get_json()["response"][ids.STEP_SLIDER]["value"] == [150, 402]
    assert patch_operations(response)[("layout", "xaxis", "range")] == [149.7, 402.2]


def test_reset_returns_to_every_step(client):
    response = zoom_request(client, f"{ids.RESET_ZOOM_BUTTON}.n_clicks", slider=(100, 200), reset_clicks=1)
    assert response.get_json()["response"][ids.STEP_SLIDER]["value"] == [0, 600]


def test_relayout_without_a_step_change_sends_nothing(client):
    response = zoom_request(client, f"{ids.CHART}.relayoutData", relayout={"autosize": True})
    assert response.status_code == 204


def test_each_app_serves_its_own_run(tmp_path):
    other = tmp_path / "other-run.csv"
    other.write_text("step,Chat,Safety\n0,70,60\n10,72,61\n")
    first = create_app(Settings(data_path=other)).server.test_client()
    second = create_app(Settings(data_path=SHIPPED_RUN)).server.test_client()
    assert "other-run" in first.get("/_dash-layout").get_data(as_text=True)
    assert "other-run" not in second.get("/_dash-layout").get_data(as_text=True)


def test_settings_read_the_data_path_from_the_environment(tmp_path):
    assert Settings.from_env({}).data_path == SHIPPED_RUN
    assert Settings.from_env({"REWARDBENCH_DATA": str(tmp_path / "x.csv")}).data_path == tmp_path / "x.csv"
