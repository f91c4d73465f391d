"""Users' own JSON Lines logs (one object per evaluation: {"step": 400, "Chat": 91.2, ...}) and JSON arrays of the
same objects. A log that training is still appending to loads up to its last complete line."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd

from components.formats.base import (
    NOT_METRICS,
    DataError,
    RunTables,
    Source,
    decode,
    deduplicate,
    json_kind,
    json_number,
    json_step,
    listed,
    step_column,
)
from components.metrics import column_metric, is_score, squash

ENDINGS = (".jsonl", ".ndjson")
DESCRIPTION = 'JSON Lines logs ({"step": 400, "Chat": 91.2, ...} a line)'
ARRAY_ENDINGS = (".json",)
ARRAY_DESCRIPTION = "JSON arrays of such objects"


def parse(source: Source, intern=None) -> RunTables:
    where, text = source.where, decode(source.where, source.raw)
    lines = text.splitlines()
    records, notes = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            if number == len(lines) and not text.endswith("\n"):
                notes.append(f"{where} line {number}: incomplete last line (still being written?); skipped")
                continue
            raise DataError(f"{where} line {number}: not valid JSON ({error.msg} at column {error.colno})") from None
        records.append((number, record))
    if not records:
        raise DataError(f"{where}: no complete evaluations yet")
    return RunTables([records_table(where, run_name(source), records, notes, "line")], notes)


def accepts(document) -> bool:
    return isinstance(document, list)


def parse_document(source: Source, document: list, intern=None) -> RunTables:
    notes: list[str] = []
    table = records_table(source.where, run_name(source), list(enumerate(document)), notes, "item")
    return RunTables([table], notes)


def run_name(source: Source) -> str:
    return source.filename[: source.filename.rfind(".")] if "." in source.filename else source.filename


def records_table(where: str, name: str, records: list[tuple[int, object]], notes: list[str], line_word: str):
    rows, steps, lines = [], [], []
    unknown: set[str] = set()
    for number, record in records:
        place = f"{where} {line_word} {number}"
        if not isinstance(record, dict):
            raise DataError(f"{place}: expected a JSON object, found {json_kind(record)}")
        step_key = step_column(record)
        if step_key is None:
            raise DataError(f'{place}: no "step" key')
        steps.append(json_step(place, step_key, record[step_key]))
        flat = {**record, **record["extra_results"]} if isinstance(record.get("extra_results"), dict) else record
        row = {}
        for key, value in flat.items():
            metric = column_metric(key)
            if metric is None:
                if key != step_key and squash(key) not in NOT_METRICS:
                    unknown.add(key)
                continue
            row[metric] = json_number(place, key, value)
        rows.append(row)
        lines.append(number)
    if unknown:
        notes.append(f"{where}: key(s) {listed(sorted(unknown))} are not RewardBench metrics; ignored")
    values = pd.DataFrame(rows, index=steps)
    if not any(is_score(str(column)) for column in values.columns):
        raise DataError(f"{where}: no RewardBench metric keys (such as Chat, Chat Hard, Safety, Overall)")
    table = deduplicate(where, name, values, np.asarray(lines), notes)
    table.field_word = "key"
    return table
