"""Write a whole site or nothing.

The new tree is written into a temporary folder beside the output, then
swapped in with one atomic rename exchange: a build that fails, is
interrupted or is killed halfway leaves the previous output exactly as it
was. Files whose bytes did not change are hard-linked from the previous
output, so their modification times stay and `rsync` moves only what changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from projcat.problems import Problem, printed_line

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """The site cannot be written as asked. Carries the reason as a problem (a code of the
    strings table and its parameters), so it is worded in the reader's language when shown."""

    def __init__(self, code: str, path: str = "", **params: object) -> None:
        self.problem = Problem.make(path, code, **params)
        super().__init__(printed_line(self.problem, "en"))


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    changed_paths: tuple[str, ...]


def _safe_relative(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or rel != path.as_posix():
        raise OutputError("output.outside", name=repr(rel))
    return path


def _same_bytes(old: Path, data: bytes) -> bool:
    try:
        if old.is_symlink() or not old.is_file() or old.stat().st_size != len(data):
            return False
        return old.read_bytes() == data
    except OSError:
        return False


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(a))


def remove_stale_temporaries(parent: Path, prefix: str) -> None:
    """Folders named `<prefix><pid>-...` left by killed processes: remove those whose process is gone."""
    for candidate in parent.glob(prefix + "*"):
        try:
            pid = int(candidate.name[len(prefix):].split("-")[0])
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(candidate, ignore_errors=True)
        except PermissionError:
            pass


def check_output_folder(out: Path, root: Path, sources: list[Path]) -> None:
    """Refuse an output folder whose replacement would delete the site's own files."""
    out = out.resolve()
    root = root.resolve()
    if out == root or root.is_relative_to(out):
        raise OutputError("output.holds_root", out=out, root=root)
    for folder in sources:
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out) or out.is_relative_to(folder):
            raise OutputError("output.overlaps", out=out, folder=folder)
    if out.exists() and not out.is_dir():
        raise OutputError("output.not_folder", out=out)


def _already_written(files: dict[str, bytes], out: Path) -> bool:
    """Whether `out` holds exactly `files` and nothing else (then a rebuild touches nothing)."""
    if not out.is_dir():
        return False
    present: set[str] = set()
    for folder, _, names in os.walk(out):
        for name in names:
            present.add(os.path.relpath(os.path.join(folder, name), out).replace(os.sep, "/"))
    if present != files.keys():
        return False
    return all(_same_bytes(out / rel, data) for rel, data in files.items())


def write_site(files: dict[str, bytes], out: Path) -> WriteReport:
    out = out.absolute()
    if _already_written(files, out):
        return WriteReport(0, len(files), ())
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{out.name}.tmp-"
    remove_stale_temporaries(parent, prefix)
    temporary = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    written = unchanged = 0
    changed: list[str] = []
    try:
        seen: set[PurePosixPath] = set()
        for rel, data in sorted(files.items()):
            path = _safe_relative(rel)
            if path in seen:
                raise OutputError("output.same_address", name=rel)
            seen.add(path)
            target = temporary.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            previous = out.joinpath(*path.parts)
            if _same_bytes(previous, data):
                try:
                    os.link(previous, target)
                except OSError:
                    shutil.copy2(previous, target)
                unchanged += 1
                continue
            target.write_bytes(data)
            written += 1
            changed.append(rel)
        os.chmod(temporary, 0o755)
        if not out.exists():
            os.rename(temporary, out)
        elif _exchange(temporary, out):
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            aside = parent / f"{prefix}{os.getpid()}-old"
            os.rename(out, aside)
            os.rename(temporary, out)
            shutil.rmtree(aside, ignore_errors=True)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    return WriteReport(written, unchanged, tuple(changed))
