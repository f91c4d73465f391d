"""The format registry: every kind of file the dashboard reads, in one list.

A format is a module that says which files it claims (by the end of their names) and how it parses them. JSON
documents are claimed by content as well: the file is decoded once and the first document format that accepts it
parses it. Discovery, the parse cache, uploads (the picker's accept list and hint) and live reload all read this
registry; to read a new kind of file, add its module here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from components.formats import records, rewardbench_scores, rewardbench_summary, tables
from components.formats.base import DataError, RunTables, Source, decode, json_decode_error, listed


@dataclass(frozen=True)
class Format:
    """One kind of file. Every parse takes ``intern``, the parse cache's PromptSets.intern (components/outcomes.py),
    which per-prompt formats use to share the prompts of checkpoints evaluated on the same ones."""

    name: str
    label: str  # the upload hint's short name for it
    description: str  # what the user is told is read
    endings: tuple[str, ...]  # the ends of the file names it claims, lower case
    parse: Callable[..., object] | None = None  # for files read as a whole: parse(source, intern)
    accepts: Callable[[object], bool] | None = None  # for JSON documents: does this document belong to it?
    parse_document: Callable[..., object] | None = None  # parse_document(source, document, intern)


FORMATS: tuple[Format, ...] = (
    Format("table", "CSV, TSV", tables.DESCRIPTION, tables.ENDINGS, parse=tables.parse),
    Format(
        "rewardbench-outputs",
        "the rewardbench command's _outputs.jsonl",
        rewardbench_scores.OUTPUTS_DESCRIPTION,
        rewardbench_scores.OUTPUTS_ENDINGS,
        parse=rewardbench_scores.parse_outputs,
    ),
    Format(
        "json-lines",
        "JSON Lines",
        records.DESCRIPTION,
        records.ENDINGS,
        parse=records.parse,
    ),
    Format(
        "rewardbench-scores",
        "RewardBench per-prompt files",
        rewardbench_scores.DESCRIPTION,
        rewardbench_scores.ENDINGS,
        accepts=rewardbench_scores.accepts,
        parse_document=rewardbench_scores.parse_document,
    ),
    Format(
        "rewardbench-summary",
        "RewardBench summaries",
        rewardbench_summary.DESCRIPTION,
        rewardbench_summary.ENDINGS,
        accepts=rewardbench_summary.accepts,
        parse_document=rewardbench_summary.parse_document,
    ),
    Format(
        "json-array",
        "JSON arrays",
        records.ARRAY_DESCRIPTION,
        records.ARRAY_ENDINGS,
        accepts=records.accepts,
        parse_document=records.parse_document,
    ),
)

# Every name ending any format claims, and the suffixes (after the last dot) that live reload watches.
ENDINGS: tuple[str, ...] = tuple(dict.fromkeys(ending for fmt in FORMATS for ending in fmt.endings))
SUFFIXES: frozenset[str] = frozenset(ending[ending.rfind(".") :] for ending in ENDINGS)


def formats_for(filename: str) -> list[Format]:
    """The formats that claim a file of this name, the one with the longest matching ending first."""
    name = filename.lower()
    matching = [(max(len(e) for e in fmt.endings if name.endswith(e)), index, fmt)
                for index, fmt in enumerate(FORMATS) if any(name.endswith(e) for e in fmt.endings)]  # fmt: skip
    longest = max((length for length, _, _ in matching), default=0)
    return [fmt for length, _, fmt in sorted(matching, key=lambda item: item[1]) if length == longest]


def claims(filename: str) -> bool:
    return bool(formats_for(filename))


def parse(source: Source, intern=None) -> RunTables | object:
    """What the file holds (RunTables, or an Evaluation of one checkpoint); raises DataError when it cannot be
    used, saying where and what."""
    candidates = formats_for(source.filename)
    if not candidates:
        suffix = source.filename[source.filename.rfind(".") :] if "." in source.filename else source.filename
        raise DataError(f"{source.where}: unsupported file type '{suffix}'; expected {claimed_suffixes()}")
    whole = [fmt for fmt in candidates if fmt.parse is not None]
    if whole:
        return whole[0].parse(source, intern)
    document = _json_document(source)
    for fmt in candidates:
        if fmt.accepts(document):
            parsed = fmt.parse_document(source, document, intern)
            repeated = _repeated_keys(source.raw)
            if repeated:
                parsed.notes.append(f"{source.where}: key(s) {listed(repeated)} appear more than once in one object; "
                                    "the last of each is used")  # fmt: skip
            return parsed
    kind = "a string" if isinstance(document, str) else "null" if document is None else "a number"
    raise DataError(f"{source.where}: expected a JSON object or an array of objects, found {kind}")


def _json_document(source: Source):
    try:
        return orjson.loads(source.raw.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as error:
        decode(source.where, source.raw)  # raises first when the bytes are not UTF-8 or blank, with the line
        raise json_decode_error(source.where, error) from None


REPEATS_CHECKED_BELOW = 1_000_000  # bytes: summaries are a kilobyte; per-prompt files are megabytes of texts


def _repeated_keys(raw: bytes) -> list[str]:
    """Keys that one object of a small JSON document gives twice (orjson, like every parser, keeps the last)."""
    if len(raw) >= REPEATS_CHECKED_BELOW:
        return []
    repeated: list[str] = []

    def pairs(items):
        seen = set()
        for key, _ in items:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(raw.removeprefix(b"\xef\xbb\xbf"), object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return []
    return repeated


def upload_accept() -> str:
    """The upload picker's accept attribute: every ending a format claims, by its last suffix."""
    return ",".join(sorted(SUFFIXES))


def claimed_suffixes() -> str:
    return ", ".join(sorted(SUFFIXES))


def upload_hint() -> str:
    """What the upload control says it takes."""
    labels = [fmt.label for fmt in FORMATS]
    return ", ".join(labels[:-1]) + f" or {labels[-1]}"


def described() -> list[str]:
    """What is read, one line per format, for the message of a path without runs."""
    return [fmt.description for fmt in FORMATS]
