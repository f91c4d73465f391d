"""The data path's version for the live-reload poll: a fingerprint of its data files, cheap to keep up to date.

A full scan looks at the size and modification time of every data file (a thousand result files: 5-10 ms, most
of it the stat calls). Between full scans a directory whose own modification time has not changed keeps what it
held, and of its files only some are looked at again: tables and JSON Lines logs, which training appends to, and
result files (JSON documents, written whole once per checkpoint) written in the last RECENT_SECONDS. Adding,
removing or renaming a file changes its directory's time (and a directory changed recently is listed again), and
a result file still being written is recent. A result file rewritten in place long after it was made (an old
checkpoint evaluated again) is seen by the next full scan, at most FULL_SCAN_SECONDS later. Every worker scans
fully in the same clock window, so they agree on the version but for a moment; a browser that hears two versions
in that moment only redraws the same data once more.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from components.discovery import MAX_DEPTH

RECENT_SECONDS = 120
WRITTEN_WHOLE = (".json",)
FULL_SCAN_SECONDS = 60
DATA_DEPTH = MAX_DEPTH + 1  # the data path and as many folders below it as the loader reads


@dataclass(frozen=True)
class Scan:
    """What a directory held when it was looked at: its own modification time, its data files' sizes and
    modification times, and its subdirectories."""

    mtime_ns: int
    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    dirs: dict[str, Scan] = field(default_factory=dict)

    def entries(self) -> tuple:
        """Files as (name, size, time) and subdirectories as (name, their entries), by name."""
        listed = [(name, *stat) for name, stat in self.files.items()]
        listed += [(name, sub.entries()) for name, sub in self.dirs.items()]
        return tuple(sorted(listed, key=lambda item: item[0]))


def scan(
    directory: str,
    suffixes: Collection[str],
    depth: int,
    previous: Scan | None = None,
    recent_ns: int = 0,
    above: frozenset = frozenset(),
) -> Scan:
    """The data files (names ending in one of ``suffixes``) in ``directory`` and ``depth`` - 1 levels below.
    Subdirectories that ``previous`` holds are refreshed (see refresh) rather than scanned. A link back to a folder
    ``above`` is not followed, and a folder that cannot be listed is kept as UNREADABLE (the loader says why)."""
    # The directory's time is read before its listing: a file added meanwhile shows as a change next time.
    own = os.stat(directory)
    above = above | {(own.st_dev, own.st_ino)}
    files, dirs = {}, {}
    with os.scandir(directory) as listing:
        for entry in listing:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                if depth > 1 and not _loops(entry, above):
                    known = previous.dirs.get(entry.name) if previous else None
                    dirs[entry.name] = _subdirectory(entry.path, suffixes, depth - 1, known, recent_ns, above)
            elif entry.name[entry.name.rfind(".") :].lower() in suffixes:
                try:
                    stat = entry.stat()
                except FileNotFoundError:  # removed since the listing: the next look sees the folder changed
                    continue
                files[entry.name] = (stat.st_size, stat.st_mtime_ns)
    return Scan(own.st_mtime_ns, files, dirs)


UNREADABLE = Scan(-1)


def _loops(entry: os.DirEntry, above: frozenset) -> bool:
    if not entry.is_symlink():
        return False
    stat = entry.stat()
    return (stat.st_dev, stat.st_ino) in above


def _subdirectory(path: str, suffixes, depth: int, known: Scan | None, recent_ns: int, above: frozenset) -> Scan:
    try:
        if known is None or known is UNREADABLE:
            return scan(path, suffixes, depth, above=above)
        return refresh(known, path, suffixes, depth, recent_ns, above)
    except OSError:  # unreadable, or removed or replaced since its folder was listed
        return UNREADABLE


def refresh(
    previous: Scan,
    directory: str,
    suffixes: Collection[str],
    depth: int,
    recent_ns: int,
    above: frozenset = frozenset(),
) -> Scan:
    """``previous`` brought up to date: a directory whose time changed is listed again, and files that may have
    grown since (logs, and result files last modified at or after ``recent_ns``) are looked at again; the rest is
    kept as it was."""
    # A recently changed directory is listed again even when its time is the same: file times are kept in clock
    # ticks of a few milliseconds, and a second change within the same tick would not move it.
    own = os.stat(directory)
    if previous.mtime_ns >= recent_ns or own.st_mtime_ns != previous.mtime_ns:
        return scan(directory, suffixes, depth, previous, recent_ns, above)
    files = {}
    for name, (size, mtime_ns) in previous.files.items():
        if mtime_ns >= recent_ns or not name.lower().endswith(WRITTEN_WHOLE):
            try:
                stat = os.stat(os.path.join(directory, name))
            except FileNotFoundError:  # removed: its folder's time has changed, and the next look lists it again
                continue
            files[name] = (stat.st_size, stat.st_mtime_ns)
        else:
            files[name] = (size, mtime_ns)
    above = above | {(own.st_dev, own.st_ino)}
    dirs = {
        name: _subdirectory(os.path.join(directory, name), suffixes, depth - 1, sub, recent_ns, above)
        for name, sub in previous.dirs.items()
    }
    return Scan(previous.mtime_ns, files, dirs)


def fingerprint(path: str | Path, suffixes: Collection[str]) -> str:
    """A short fingerprint of every data file under ``path`` (names, sizes, modification times), from a full scan."""
    path = Path(path)
    try:
        if path.is_file():
            stat = path.stat()
            return _digest((stat.st_size, stat.st_mtime_ns))
        return _digest(scan(str(path), suffixes, DATA_DEPTH).entries())
    except OSError as error:
        return _digest(f"unreadable {error.errno}")


def _digest(value) -> str:
    return hashlib.sha1(repr(value).encode()).hexdigest()[:16]


class _Seen(NamedTuple):
    scan: Scan
    window: int
    version: str


class DataWatch:
    """The fingerprint of the data under ``path`` (as ``fingerprint`` gives it), from a full scan once per clock
    window and cheap refreshes in between.

    One per app (so per gunicorn worker). What it sees late, and for how long, is in this module's docstring."""

    def __init__(self, path: str | Path, suffixes: Collection[str], clock: Callable[[], float] = time.time) -> None:
        self._path = Path(path)
        self._suffixes = suffixes
        self._clock = clock
        # Replaced whole, never changed in place: a threaded server may ask from two threads at once.
        self._seen: _Seen | None = None

    def version(self) -> str:
        if not self._path.is_dir():
            return fingerprint(self._path, self._suffixes)
        now = self._clock()
        window = int(now // FULL_SCAN_SECONDS)
        seen = self._seen
        try:
            if seen is None or seen.window != window:
                current = scan(str(self._path), self._suffixes, DATA_DEPTH)
            else:
                recent_ns = int((now - RECENT_SECONDS) * 1e9)
                current = refresh(seen.scan, str(self._path), self._suffixes, DATA_DEPTH, recent_ns)
        except OSError:
            # Changing underfoot (a file removed between listing and stat) or unreadable: a full scan says which,
            # and the next poll starts afresh.
            self._seen = None
            return fingerprint(self._path, self._suffixes)
        unchanged = seen is not None and current == seen.scan
        version = seen.version if unchanged else _digest(current.entries())
        self._seen = _Seen(current, window, version)
        return version
