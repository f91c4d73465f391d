"""The data files under a data path: walked down as far as the tools write them, never into a loop.

RewardBench's tools write results/<target>/<model>.json with the model path as given (runs/rm/checkpoint-400 is
two folders deep), so the data path may be the folder they ran in, results/, results/eval-set/, one run's folder
or anything between. The walk goes MAX_DEPTH folders down, follows a link to a folder only when it does not lead
back to a folder above it, and reports unreadable folders instead of stopping.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from components import formats

MAX_DEPTH = 8
# Files that sit in Hugging Face checkpoint folders (a Trainer's output_dir) and are never results.
CHECKPOINT_COMPANIONS = frozenset({
    "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    "trainer_state.json", "adapter_config.json", "model.safetensors.index.json", "preprocessor_config.json",
    "added_tokens.json", "vocab.json", "training_args.json", "all_results.json", "train_results.json",
    "eval_results.json",
})  # fmt: skip
SAVE_ALL = "_all.jsonl"
# Said in a note as well: a user pointing at /output may expect it to be read.
BEAKER_COPY = (
    "the copy of the last summary that RewardBench's scripts keep for Beaker (/output/metrics.json), overwritten at "
    "every evaluation; the results/ folder has every checkpoint's"
)  # the rewardbench command's --save_all rewards: no subsets, beside <model>_outputs.jsonl


@dataclass
class Found:
    """What a walk found: the files to read, in path order, and what the user should hear of the rest. Messages
    name files below the data path relative to it (the server's own folders are nobody's business)."""

    root: Path
    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # files seen and not read, with why

    def shown(self, path: Path) -> str:
        return shown_path(self.root, path)


def shown_path(root: Path, path: Path) -> str:
    """``path`` as a message names it: relative to the data path ``root``, or ``root`` as it was given."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return str(path)
    return str(relative) if relative.parts else str(root)


def discover(root: Path, follow_links_out: bool = False) -> Found:
    """The files under ``root``; a link that leads out of it is not followed unless ``follow_links_out``: a data
    path is what its owner chose to show, and a link to elsewhere (a home folder, /etc) could show anything."""
    found = Found(root)
    inside = None if follow_links_out else os.path.realpath(root)
    _walk(root, 0, frozenset(), found, inside)
    return found


def skip_reason(path: Path) -> str | None:
    """Why a file is not read although its name is one a format claims, or None when it is read."""
    name = path.name
    if name in CHECKPOINT_COMPANIONS:
        return "a model checkpoint's own file, not a result"
    if name == "metrics.json" and path.parent.name == "output":
        return BEAKER_COPY
    if name.endswith(SAVE_ALL):
        model = name[: -len(SAVE_ALL)]
        if (path.parent / f"{model}.json").exists() or (path.parent / f"{model}_outputs.jsonl").exists():
            return "the rewardbench command's --save_all rewards, without subsets; its _outputs.jsonl is read"
    return None


def _leads_out(path: Path, inside: str | None) -> bool:
    if inside is None:
        return False
    target = os.path.realpath(path)
    return target != inside and not target.startswith(inside.rstrip(os.sep) + os.sep)


def _walk(directory: Path, depth: int, above: frozenset, found: Found, inside: str | None) -> None:
    try:
        identity = _identity(directory)
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        found.problems.append(
            f"{found.shown(directory)}: folder cannot be read ({error.strerror or error}); its files are skipped"
        )
        return
    above = above | {identity}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as error:
            found.problems.append(f"{found.shown(path)}: cannot be read ({error.strerror or error})")
            continue
        if entry.is_symlink() and (is_dir or is_file) and _leads_out(path, inside):
            found.skipped.append((path, "a link that leads out of the data path"))
            found.notes.append(
                f"{found.shown(path)}: a link that leads out of the data path; not followed "
                "(REWARDBENCH_FOLLOW_LINKS_OUT=true follows such links)"
            )
        elif is_dir:
            _enter(path, entry, depth, above, found, inside)
        elif not is_file:
            found.skipped.append((path, "a broken link" if entry.is_symlink() else "not a regular file"))
        elif not formats.claims(entry.name):
            found.skipped.append((path, "not a kind of file the dashboard reads"))
        elif (reason := skip_reason(path)) is not None:
            found.skipped.append((path, reason))
            if reason == BEAKER_COPY:
                found.notes.append(f"{found.shown(path)}: skipped: {reason}")
        else:
            found.files.append(path)


def _enter(path: Path, entry: os.DirEntry, depth: int, above: frozenset, found: Found, inside: str | None) -> None:
    if depth + 1 > MAX_DEPTH:
        found.notes.append(f"{found.shown(path)}: more than {MAX_DEPTH} folders below the data path; not read")
        return
    if entry.is_symlink():
        try:
            target = _identity(path)
        except OSError as error:
            found.problems.append(f"{found.shown(path)}: link cannot be followed ({error.strerror or error})")
            return
        if target in above:
            found.problems.append(f"{found.shown(path)}: a link back to a folder above it; not followed")
            return
    _walk(path, depth + 1, above, found, inside)


def _identity(directory: Path) -> tuple[int, int]:
    stat = os.stat(directory)
    return (stat.st_dev, stat.st_ino)


def no_runs_message(root: Path, found: Found, shown: int = 5) -> str:
    """What the page says when a data path holds no runs: what was looked for, how deep, and what was seen."""
    looked_for = "; ".join(formats.described())
    text = f"No runs found in {root}. Looked up to {MAX_DEPTH} folders down for {looked_for}."
    if found.skipped:
        listed = "; ".join(f"{found.shown(path)} ({why})" for path, why in found.skipped[:shown])
        more = f" and {len(found.skipped) - shown} more" if len(found.skipped) > shown else ""
        text += f" Seen and skipped: {listed}{more}."
    elif not found.files:
        text += " The folder holds no files."
    return text
