"""Facts the browser code holds as well as the Python code: they must agree."""

import re

from components import ids
from components.viewstate import FIELDS
from tests.support import REPO

IDS_JS = REPO / "assets" / "dashboard" / "ids.js"


def test_every_id_the_browser_code_names_is_the_python_constant_of_the_same_name():
    pairs = re.findall(r"^\s+([A-Z_]+): \"([^\"]+)\",$", IDS_JS.read_text(), re.MULTILINE)
    assert len(pairs) > 20
    assert {name: value for name, value in pairs} == {name: getattr(ids, name) for name, _ in pairs}


def test_the_browser_code_names_no_field_of_the_view():
    # The owner of the view reads fields, URL names and ranges from the schema (components/viewstate.py) only.
    view_js = (REPO / "assets" / "dashboard" / "view.js").read_text()
    for field in FIELDS:
        assert f'"{field.key}"' not in view_js and (field.param is None or f'"{field.param}"' not in view_js)
