"""Deployment behaviour through the Flask test client: auth on every route, headers, compression, base path,
paths that try to leave the data directory, and settings that stop start-up."""

import base64
import json

import pytest

from app import create_app
from components import ids
from components.config import ConfigError, Settings
from tests.support import SHIPPED_RUN

BUNDLE = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def routes(prefix="/"):
    """One request of each kind the page makes, as (method, path, body)."""
    update = {
        "output": f"{ids.DATA_VERSION}.data",
        "outputs": {"id": ids.DATA_VERSION, "property": "data"},
        "inputs": [{"id": ids.POLL, "property": "n_intervals", "value": 1}],
        "state": [{"id": ids.DATA_VERSION, "property": "data", "value": "x"}],
        "changedPropIds": [f"{ids.POLL}.n_intervals"],
    }
    return [
        ("GET", prefix, None),
        ("GET", f"{prefix}_dash-layout", None),
        ("GET", f"{prefix}_dash-dependencies", None),
        ("POST", f"{prefix}_dash-update-component", json.dumps(update)),
        ("GET", f"{prefix}assets/style.css", None),
        ("GET", f"{prefix}assets/dashboard/view.js", None),
        ("GET", f"{prefix}_rewardbench/private/private-hooks.js", None),
        ("GET", f"{prefix}_favicon.ico", None),
        ("GET", BUNDLE.replace("/", prefix, 1), None),
    ]


def send(client, method, path, body, headers=None):
    if method == "POST":
        return client.post(path, data=body, content_type="application/json", headers=headers or {})
    return client.get(path, headers=headers or {})


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture(scope="module")
def basic_client():
    settings = Settings(data_path=SHIPPED_RUN, auth="basic", auth_users=(("ana", "s3cret:pass"),))
    return create_app(settings).server.test_client()


@pytest.mark.parametrize(("method", "path", "body"), routes())
def test_basic_auth_refuses_every_route_without_credentials(basic_client, method, path, body):
    refused = send(basic_client, method, path, body)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic realm=")
    wrong = send(basic_client, method, path, body, basic("ana", "guess"))
    assert wrong.status_code == 401
    allowed = send(basic_client, method, path, body, basic("ana", "s3cret:pass"))
    assert allowed.status_code in (200, 204)


def test_health_needs_no_credentials(basic_client):
    assert basic_client.get("/health").status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), routes())
def test_proxy_header_auth_refuses_every_route_without_the_header(method, path, body):
    client = create_app(Settings(data_path=SHIPPED_RUN, auth="header", auth_header="X-Auth-User")).server.test_client()
    assert send(client, method, path, body).status_code == 401
    assert send(client, method, path, body, {"X-Auth-User": "ana"}).status_code in (200, 204)
    assert client.get("/health").status_code == 200


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(data_path=SHIPPED_RUN, frame_ancestors="https://intranet.example")).server.test_client()


def test_security_headers(client):
    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'sha256-" in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors https://intranet.example" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_responses_are_compressed(client):
    plain = client.get(BUNDLE)
    compressed = client.get(BUNDLE, headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert len(compressed.data) < len(plain.data) / 3


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../app.py",
        "/assets/%2e%2e/app.py",
        "/assets/..%2fapp.py",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/_dash-component-suites/dash/../../../../etc/passwd",
        "/_dash-component-suites/dash/%2e%2e/%2e%2e/app.py",
    ],
)
def test_no_path_reads_outside_the_served_folders(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404, 500) or b"root:" not in response.data
    assert b"create_app" not in response.data and b"root:x:" not in response.data


@pytest.mark.parametrize("filename", ["../../../etc/passwd.csv", "/etc/passwd.csv", "..\\..\\app.csv"])
def test_upload_names_never_become_paths(client, filename):
    contents = "data:text/csv;base64," + base64.b64encode(b"step,Chat\n0,80\n").decode()
    payload = {
        "output": f"..{ids.UPLOADS}.data...{ids.UPLOAD_MESSAGE}.children...{ids.UPLOAD_MESSAGE}.className..",
        "outputs": [
            {"id": ids.UPLOADS, "property": "data"},
            {"id": ids.UPLOAD_MESSAGE, "property": "children"},
            {"id": ids.UPLOAD_MESSAGE, "property": "className"},
        ],
        "inputs": [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        "state": [
            {"id": ids.UPLOAD, "property": "filename", "value": filename},
            {"id": ids.UPLOADS, "property": "data", "value": None},
            {"id": ids.RUN_PICKER, "property": "options", "value": ["seed-run"]},
        ],
        "changedPropIds": [f"{ids.UPLOAD}.contents"],
    }
    response = client.post("/_dash-update-component", data=json.dumps(payload), content_type="application/json")
    body = response.get_json()["response"]
    (entry,) = body[ids.UPLOADS]["data"]
    bare = filename.replace("\\", "/").rsplit("/", 1)[-1]
    assert entry["file"] == bare and entry["runs"] == [[bare.removesuffix(".csv")] * 2]


def test_under_a_base_path_the_page_and_its_callbacks_work():
    client = create_app(Settings(data_path=SHIPPED_RUN, base_path="/tools/rewardbench/")).server.test_client()
    page = client.get("/tools/rewardbench/")
    assert page.status_code == 200
    assert b'"url_base_pathname": "/tools/rewardbench/"' in page.data or b"/tools/rewardbench/" in page.data
    for method, path, body in routes("/tools/rewardbench/"):
        assert send(client, method, path, body).status_code in (200, 204), path
    assert client.get("/tools/rewardbench/health").status_code == 200
    assert client.get("/_dash-layout").status_code == 404


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"REWARDBENCH_RELOAD_SECONDS": "soon"}, "REWARDBENCH_RELOAD_SECONDS='soon': not a number"),
        ({"REWARDBENCH_RELOAD_SECONDS": "-1"}, "REWARDBENCH_RELOAD_SECONDS='-1': must be 0"),
        ({"REWARDBENCH_UPLOAD_LIMIT_MB": "0"}, "REWARDBENCH_UPLOAD_LIMIT_MB='0': must be a size in MB above 0"),
        ({"REWARDBENCH_OVERALL": "median"}, "REWARDBENCH_OVERALL='median': expected one of leaderboard, paper"),
        ({"REWARDBENCH_BASE_PATH": "/a b/"}, "REWARDBENCH_BASE_PATH='/a b/': expected a URL path"),
        ({"REWARDBENCH_AUTH": "oauth"}, "REWARDBENCH_AUTH='oauth': expected one of none, basic, header"),
        ({"REWARDBENCH_AUTH": "basic"}, "REWARDBENCH_AUTH=basic needs credentials"),
        ({"REWARDBENCH_AUTH_USERS": "ana"}, "REWARDBENCH_AUTH_USERS='ana': expected user:password pairs"),
        ({"REWARDBENCH_AUTH_FILE": "/nonexistent/users"}, "REWARDBENCH_AUTH_FILE='/nonexistent/users': cannot be read"),
        ({"REWARDBENCH_LOG_LEVEL": "loud"}, "REWARDBENCH_LOG_LEVEL='loud': expected one of DEBUG"),
        ({"REWARDBENCH_WORKERS": "2.5"}, "REWARDBENCH_WORKERS='2.5': expected a whole number of workers"),
        ({"REWARDBENCH_BIND": "8050"}, "REWARDBENCH_BIND='8050': expected host:port"),
        ({"REWARDBENCH_AUTH_HEADER": "X_Remote_User"}, "auth_header='X_Remote_User': use letters, digits and hyphens"),
        ({"REWARDBENCH_TRUSTED_PROXIES": "proxy.internal"}, "REWARDBENCH_TRUSTED_PROXIES='proxy.internal': 'proxy"),
        ({"REWARDBENCH_MAX_POINTS": "0"}, "REWARDBENCH_MAX_POINTS='0': expected a whole number above 0"),
        (
            {"REWARDBENCH_FRAME_ANCESTORS": "https://a.example; script-src *"},
            "REWARDBENCH_FRAME_ANCESTORS='https://a.example; script-src *': expected 'none', 'self' or origins",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_variable_and_the_problem(environ, message):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(environ)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"workers": 0}, "workers=0: expected a whole number of workers from 1 to 64"),
        ({"workers": "4"}, "workers='4': expected a whole number of workers"),
        ({"bind": "localhost"}, "bind='localhost': expected host:port"),
        ({"frame_ancestors": "'self'; report-uri /x"}, "frame_ancestors=\"'self'; report-uri /x\": expected 'none'"),
        ({"frame_ancestors": ""}, "frame_ancestors='': expected 'none'"),
        ({"max_points": 0}, "max_points=0: expected a whole number above 0"),
        ({"request_limit_mb": -1}, "request_limit_mb=-1: must be a size in MB above 0"),
        ({"trusted_proxies": ("proxy.internal",)}, "trusted_proxies=('proxy.internal',): 'proxy.internal' is not"),
    ],
)
def test_settings_made_in_code_are_checked_as_the_environment_is(given, message):
    with pytest.raises(ConfigError) as caught:
        Settings(**given)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("sources", ["'none'", "'self'", "https://intranet.example https://*.corp.example:8443"])
def test_frame_ancestors_take_the_source_lists_csp_allows(sources):
    assert Settings(frame_ancestors=sources).frame_ancestors == sources


def test_credentials_come_from_a_file_too(tmp_path):
    users = tmp_path / "users"
    users.write_text("# team\nana:one\nben:two:three\n")
    settings = Settings.from_env({"REWARDBENCH_AUTH": "basic", "REWARDBENCH_AUTH_FILE": str(users)})
    assert settings.auth_users == (("ana", "one"), ("ben", "two:three"))
