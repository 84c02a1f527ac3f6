"""Pages and output files kept by a cache as the digest of what the output folder holds.

A build writes every page as it is made and lets it go. Were the cache to
keep each page's bytes for the next build, the whole site would stay in
memory all the same (and be saved with the cache): a 10,000-record site's
pages are hundreds of megabytes. `ByDigest` stands between the rendering and
the cache for the steps whose values are output files (`page`: one file's
bytes; `files`: output path -> bytes): the cache keeps a `Written` (path,
size, digest) instead, and a later build that reuses the step reads the
bytes back from the output folder, where this build wrote them.

Reading back is checked: a file that is missing or does not have the kept
digest (edited by hand, or a build to another folder) is made again, by the
same pure function from the same arguments, so the bytes are those a build
without any cache would write. The kept digest is then the right one again,
as the function's result is the same, and the next build reads the file the
build writes now.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from projcat.engine.files import digest
from projcat.engine.memory import Written

if TYPE_CHECKING:
    from jinja2 import Environment

    from projcat.engine.cache import BuildCache

T = TypeVar("T")

# The steps whose values are output files: a page's bytes, or a mapping of output paths to bytes.
STEPS = ("page", "files")


def written(path: str, data: bytes) -> Written:
    return Written(path, len(data), digest(data))


def read_back(out: Path | str, kept: Written) -> bytes | None:
    """The bytes the output holds for `kept`, or None when it holds anything else.

    Asked for every reused page: plain path strings spare the `pathlib` joins that were a third
    of its time at 10,000 pages."""
    path = kept.path
    parts = path.split("/")
    if path.startswith("/") or ".." in parts:
        return None  # not a path this tool writes: a cache from elsewhere
    target = f"{os.fspath(out)}/{path}" if os.sep == "/" else os.path.join(out, *parts)
    try:
        # Looked at before it is opened: a link, a folder or a pipe where the page was is not read.
        found = os.lstat(target)
        if not stat.S_ISREG(found.st_mode) or found.st_size != kept.size:
            return None
        with open(target, "rb") as stream:
            data = stream.read()
    except OSError:
        return None
    return data if digest(data) == kept.digest else None


class ByDigest:
    """A `RenderMemo` over `cache` that keeps the output steps' values as `Written` (see the module).

    Without an output folder (the preview, which serves what it holds) the values are kept as
    bytes, and a `Written` left by a build is made again rather than read."""

    def __init__(self, cache: BuildCache, out: Path | None) -> None:
        self.cache = cache
        self.out = out
        # The output paths whose bytes this build read back from the output and found as kept.
        self.read_back: set[str] = set()

    def environment(self, fresh: Environment) -> Environment:
        return self.cache.environment(fresh)

    def memo(self, step: str, name: str, args: tuple[Any, ...], function: Callable[..., T]) -> T:
        if step not in STEPS:
            return self.cache.memo(step, name, args, function)
        made: list[T] = []

        def produce(*args: Any) -> object:
            value = function(*args)
            made.append(value)
            return value if self.out is None else self._light(name, value)

        kept = self.cache.memo(step, name, args, produce)
        if made:
            return made[0]
        value = self._read(kept)
        # Not what the output holds any more: made again, the same bytes a build without a cache makes.
        return function(*args) if value is None else cast(T, value)

    @staticmethod
    def _light(name: str, value: object) -> object:
        if isinstance(value, bytes):
            return written(name, value)
        if isinstance(value, dict) and all(isinstance(data, bytes) for data in value.values()):
            return {path: written(path, data) for path, data in value.items()}
        return value

    def _read(self, kept: object) -> object | None:
        if self.out is None:
            return None if _holds_written(kept) else kept
        if isinstance(kept, Written):
            data = read_back(self.out, kept)
            if data is not None:
                self.read_back.add(kept.path)
            return data
        if isinstance(kept, dict) and all(isinstance(item, Written) for item in kept.values()):
            files = {}
            for path, item in kept.items():
                data = read_back(self.out, item)
                if data is None:
                    return None
                files[path] = data
            self.read_back.update(item.path for item in kept.values())
            return files
        return kept


def _holds_written(kept: object) -> bool:
    return isinstance(kept, Written) or (isinstance(kept, dict) and any(isinstance(item, Written)
                                                                         for item in kept.values()))
