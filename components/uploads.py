"""Files users add in their browser, kept on the server under a token the browser holds.

A file crosses the network once: the browser keeps only its token (and, for a server that does not know the
token, the file itself in IndexedDB: assets/dashboard/upload.js). Each file is written to a folder the workers of one
server share (a temporary folder unless REWARDBENCH_UPLOAD_DIR names one), named by its token; a worker parses it
once and keeps the parsed runs in memory while they are used. Files expire after REWARDBENCH_UPLOAD_HOURS without use
and the folder holds at most REWARDBENCH_UPLOAD_STORE_MB (the oldest files go first). A server that does not hold a
token (another replica, or after expiry) says so, and the browser sends that file again, once.

The token is the SHA-256 of the file's name and bytes: only a browser that had the file can name it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pandas as pd

_TOKEN = re.compile(r"[0-9a-f]{64}")
_NAME_SEPARATOR = b"\0"
PARSED_KEPT = 16  # parsed uploads a worker keeps in memory (each within REWARDBENCH_UPLOAD_MAX_POINTS)


class UploadMissing(Exception):  # noqa: N818 - not an error: the browser is asked for the files
    """Uploads this server does not hold; the browser sends them again."""

    def __init__(self, tokens: list[str]) -> None:
        super().__init__(f"{len(tokens)} upload(s) to send again")
        self.tokens = tokens


def token_of(filename: str, raw: bytes) -> str:
    return hashlib.sha256(filename.encode("utf-8", "surrogatepass") + _NAME_SEPARATOR + raw).hexdigest()


def default_directory() -> Path:
    return Path(tempfile.gettempdir()) / f"rewardbench-uploads-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


class UploadStore:
    def __init__(self, directory: Path, max_bytes: int, max_age_s: float) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_age_s = max_age_s
        self._parsed: OrderedDict[str, pd.DataFrame] = OrderedDict()

    def _path(self, token: str) -> Path | None:
        return self.directory / token if isinstance(token, str) and _TOKEN.fullmatch(token) else None

    def put(self, filename: str, raw: bytes) -> str:
        """Keep a file; returns its token."""
        token = token_of(filename, raw)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self._path(token)
        if not path.exists():
            partial = path.with_name(f".{token}.{os.getpid()}")
            partial.write_bytes(filename.encode("utf-8", "surrogatepass") + _NAME_SEPARATOR + raw)
            os.replace(partial, path)  # whole or absent, for the other workers
        os.utime(path)
        self._expire()
        return token

    def get(self, token: str) -> tuple[str, bytes] | None:
        """A kept file's name and bytes, or None when this server does not hold it."""
        path = self._path(token)
        try:
            stored = path.read_bytes() if path else None
        except OSError:
            return None
        if stored is None:
            return None
        os.utime(path)
        name, _, raw = stored.partition(_NAME_SEPARATOR)
        return name.decode("utf-8", "surrogatepass"), raw

    def frames(self, tokens: list[str], parse: Callable[[str, bytes], pd.DataFrame]) -> list[pd.DataFrame]:
        """The parsed runs of each token, in order; raises UploadMissing naming the tokens this server lacks."""
        frames, missing = [], []
        for token in tokens:
            frame = self._parsed.get(token)
            if frame is None:
                kept = self.get(token)
                if kept is None:
                    missing.append(token)
                    continue
                frame = parse(*kept)
                self._parsed[token] = frame
                while len(self._parsed) > PARSED_KEPT:
                    self._parsed.popitem(last=False)
            self._parsed.move_to_end(token)
            frames.append(frame)
        if missing:
            raise UploadMissing(missing)
        return frames

    def _expire(self) -> None:
        """Drop files unused for longer than the expiry, then the oldest while the folder is over its size."""
        try:
            entries = [(path.stat(), path) for path in self.directory.iterdir() if _TOKEN.fullmatch(path.name)]
        except OSError:
            return
        now = time.time()
        entries.sort(key=lambda entry: entry[0].st_mtime)
        total = sum(stat.st_size for stat, _ in entries)
        for stat, path in entries:
            if now - stat.st_mtime <= self.max_age_s and total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= stat.st_size
