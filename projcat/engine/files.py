"""The file helpers every cache layer shares: where caches live, content digests,
stat keys, the racy window and atomic writes.

Only the standard library is used: `projcat.engine.stamp` runs before anything
heavy is imported, and `projcat.preview.watch` polls with these many times a
second.

A stat key is `(mtime_ns, ctime_ns, size, inode, mode)`: whatever rewrites a
file in place, renames another over it, `touch -d`es it or turns it into a
folder changes at least one of them. The ctime counts because `touch -d` and
restoring a backup set the modification time back, never the change time.

File times tick coarsely (a few milliseconds on Linux, two seconds on FAT):
a file changed within `RACY_NS` of a look at it may change again without its
key changing, so such a file is compared by its bytes, as git treats a
"racily clean" index entry.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

# The folder under a site's root that holds the build cache, compiled templates and the stamp.
CACHE_FOLDER = ".cache"
# How long after a change a file's stat key cannot be trusted to change again with its bytes.
RACY_NS = 3_000_000_000

StatKey = tuple[int, int, int, int, int]
T = TypeVar("T")


def digest(data: bytes) -> str:
    """The content digest every cache layer keys file bytes by."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as stream:
        return digest(stream.read())


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode)


def settled(key: StatKey | list[int], at_ns: int) -> bool:
    """Whether a file with this key had been left alone for `RACY_NS` when looked at `at_ns`:
    only then does an equal key later mean equal bytes."""
    return at_ns - max(key[0], key[1]) >= RACY_NS


def write_temporary(folder: Path, data: bytes | Callable[[BinaryIO], None], mode: int | None = None) -> Path:
    """A new hidden file in `folder` holding `data` (or what `data(stream)` writes), to be renamed into place.

    Created as any new file is (with the process's umask), or with exactly `mode` when given."""
    while True:
        temporary = folder / f".write-{os.urandom(6).hex()}"
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(handle, "wb") as stream:
            if callable(data):
                data(stream)
            else:
                stream.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_atomically(target: Path, data: bytes | Callable[[BinaryIO], None], mode: int | None = None) -> None:
    """Replace `target` in one step: a reader, or a process killed meanwhile, sees the old
    file or the new one, never half of either."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = write_temporary(target.parent, data, mode)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# A file's digest in a trace; `None`: it was not a file. A path's resolution is noted under
# `RESOLVED` + the path, with the path it resolved to.
Trace = dict[str, str | None]
RESOLVED = "resolved\0"


class InputFiles:
    """The files cached steps read, by digest: the `content.inputs.InputLog` a cache installs.

    `tracing()` collects what a step reads (path -> digest, or `None` for a file that was
    looked for and not found) into a trace kept with its result; `unchanged(trace)` tells
    whether every one of those files is still as it was, for this build. Each file is
    digested at most once per build; between builds its digest is reused while its stat key
    is the one recorded when it was last digested (taken before reading, and trusted only
    once settled), as a record file's is."""

    def __init__(self, known: dict[str, tuple[StatKey, str]] | None = None,
                 facts: dict[tuple[str, str], Any] | None = None) -> None:
        # Kept between builds: path -> (stat key before the read, digest).
        self.known: dict[str, tuple[StatKey, str]] = {} if known is None else known
        # Kept between builds: (kind, digest of the bytes) -> what `decoded` made of them.
        self.facts: dict[tuple[str, str], Any] = {} if facts is None else facts
        # The digests of the bytes this build read or relied on: their facts are kept by `sweep`.
        self._used: set[str] = set()
        # The files read or looked at since the last sweep: their stat keys are kept by `sweep`.
        self._looked: set[str] = set()
        self._now: Trace = {}
        self._traces: list[Trace] = []

    def note(self, path: Path, data: bytes | None) -> None:
        value = None if data is None else digest(data)
        self._looked.add(str(path))
        for trace in self._traces:
            trace[str(path)] = value

    def resolved(self, path: Path, target: Path) -> None:
        for trace in self._traces:
            trace[RESOLVED + str(path)] = str(target)

    def decoded(self, kind: str, data: bytes, decode: Callable[[bytes], T]) -> T:
        key = (kind, digest(data))
        self._used.add(key[1])
        if key in self.facts:
            return self.facts[key]  # type: ignore[no-any-return]
        value = self.facts[key] = decode(data)
        return value

    def sweep(self) -> int:
        """Forget what was decoded from bytes, and the stat keys of files, that no build since the
        last sweep read or looked at (a photo replaced or removed); how many entries."""
        unused = [key for key in self.facts if key[1] not in self._used]
        for key in unused:
            del self.facts[key]
        gone = [name for name in self.known if name not in self._looked]
        for name in gone:
            del self.known[name]
        self._used = set()
        self._looked = set()
        return len(unused) + len(gone)

    def extend(self, trace: Trace) -> None:
        """A kept step's trace, reused: the step around it read those files too, and what was
        decoded from them is still in use."""
        if not trace:
            return  # most steps read no file: tens of thousands of reused steps a build
        self._used.update(value for value in trace.values() if value is not None)
        for active in self._traces:
            active.update(trace)

    @contextmanager
    def tracing(self) -> Iterator[Trace]:
        """The trace of what is read inside (nested steps each get what they read)."""
        trace: Trace = {}
        self._traces.append(trace)
        try:
            yield trace
        finally:
            self._traces.remove(trace)

    def current(self, name: str) -> str | None:
        """The digest of the file at `name` as this build sees it, `None` when it is no file."""
        if name in self._now:
            return self._now[name]
        if name.startswith(RESOLVED):
            found = self._now[name] = str(Path(name.removeprefix(RESOLVED)).resolve())
            return found
        self._looked.add(name)
        path = Path(name)
        try:
            st = path.stat()
        except OSError:
            st = None
        value: str | None = None
        if st is not None and os.path.isfile(path):
            key = stat_key(st)
            kept = self.known.get(name)
            if kept is not None and kept[0] == key and settled(key, time.time_ns()):
                value = kept[1]
            else:
                try:
                    value = file_digest(path)
                except OSError:
                    value = None
                if value is not None:
                    self.known[name] = (key, value)
        self._now[name] = value
        return value

    def unchanged(self, trace: Trace) -> bool:
        return not trace or all(self.current(name) == value for name, value in trace.items())

    def next_build(self) -> None:
        """Forget what this build saw: files may change before the next."""
        self._now = {}
        self._traces = []

