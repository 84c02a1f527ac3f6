"""The file helpers every cache layer shares: where caches live, content digests,
stat keys, the racy window and atomic writes.

Only the standard library is used: `projcat.build.stamp` runs before anything
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
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# The folder under a site's root that holds the build cache, compiled templates and the stamp.
CACHE_FOLDER = ".cache"
# How long after a change a file's stat key cannot be trusted to change again with its bytes.
RACY_NS = 3_000_000_000

StatKey = tuple[int, int, int, int, int]


def digest(data: bytes) -> str:
    """The content digest every cache layer keys file bytes by."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
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
