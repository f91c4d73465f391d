"""Property tests: whatever bytes or tables the loader is fed, it returns a valid frame or raises DataError."""

import math
import string

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.loader import TIDY_COLUMNS, DataError, parse_bytes

SUFFIXES = [".csv", ".tsv", ".jsonl", ".json"]
COLUMN_NAMES = ["step", "Step", "global_step", "Chat", "chat_hard", "Safety", "Reasoning", "Overall", "score",
                "alpacaeval-easy", "metric", "value", "run", "epoch", "x", ""]  # fmt: skip


def assert_valid(frame: pd.DataFrame) -> None:
    assert tuple(frame.columns) == TIDY_COLUMNS
    assert str(frame["step"].dtype) == "int64" and (frame["step"] >= 0).all()
    scores = frame[~frame["metric"].astype(str).str.startswith("x:")]  # axis columns (epoch, tokens) are not percent
    finite = scores["value"].dropna()
    assert ((finite >= 0) & (finite <= 100)).all()
    assert not frame.duplicated(["run", "step", "metric"]).any()


def parse_or_error(name: str, raw: bytes) -> None:
    try:
        frame, notes = parse_bytes(name, raw)
    except DataError as error:
        message = str(error)
        assert message.startswith(name) and "\n" not in message
        return
    assert_valid(frame)
    assert all(isinstance(note, str) for note in notes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=400), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_escape_as_anything_but_a_data_error(raw, suffix):
    parse_or_error(f"run{suffix}", raw)


cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(alphabet=string.printable, max_size=6),
    st.just(""),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=6),
    rows=st.lists(st.lists(cell, min_size=0, max_size=7), max_size=8),
    separator=st.sampled_from([",", "\t", ";"]),
    final_newline=st.booleans(),
)
def test_random_tables_never_escape_as_anything_but_a_data_error(header, rows, separator, final_newline):
    text = "\n".join(separator.join(row) for row in [header, *rows]) + ("\n" if final_newline else "")
    parse_or_error("run.csv" if separator != "\t" else "run.tsv", text.encode())


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False), st.integers(), st.text(max_size=5)),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(COLUMN_NAMES), children, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(json_value, max_size=6))
def test_random_json_lines_never_escape_as_anything_but_a_data_error(records):
    import json

    text = "\n".join(json.dumps(record) for record in records)
    parse_or_error("run.jsonl", text.encode())
    parse_or_error("run.json", json.dumps(records[0] if records else {}).encode())


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20),
    scores=st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=20, max_size=20),
)
def test_valid_wide_tables_keep_every_value(steps, scores):
    lines = ["step,Chat"] + [f"{step},{score!r}" for step, score in zip(steps, scores, strict=False)]
    frame, _ = parse_bytes("run.csv", ("\n".join(lines) + "\n").encode())
    assert_valid(frame)
    expected = {step: score for step, score in zip(steps, scores, strict=False)}  # the last row of a repeated step wins
    all_fractions = max(expected.values()) <= 1
    got = dict(zip(frame["step"], frame["value"], strict=False))
    assert set(got) == set(expected)
    for step, score in expected.items():
        assert math.isclose(got[step], score * 100 if all_fractions else score, rel_tol=1e-9, abs_tol=1e-9)
