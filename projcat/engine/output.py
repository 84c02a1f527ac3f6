"""Write a whole site or nothing.

A build that changes much (or makes the first output) writes the new tree
into a temporary folder beside the output and swaps it in with one atomic
rename exchange: a build that fails, is interrupted or is killed halfway
leaves the previous output exactly as it was. Files whose bytes did not
change are hard-linked from the previous output, so their modification
times stay and `rsync` moves only what changed.

A build that changes a few files (an edited record: its page and the lists
showing it) does not copy a tree of thousands of files for that. It writes
the new files into a temporary folder beside the output, then renames each
over its old version: each file is replaced atomically, project pages
before the lists that link to them. Only a build killed during those few
renames can leave a mix of old and new files; the next build compares every
file with what it should hold, so it puts the mix right.

Files come one at a time (`SiteWriter`), as the build makes them, so the
site's bytes are never held whole: a file that differs from the previous
output's is written at once into the temporary folder, at its own path, and
an unchanged one is only noted. Which of the two ways above to take is
decided once every file is there.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from projcat.problems import OutputError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# At most this many changed files (or this share of all) are replaced in place; more swap a new tree.
IN_PLACE_FILES = 200
IN_PLACE_SHARE = 0.2


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
        # One lstat: at thousands of files, asking three times was a noticeable part of a rebuild.
        st = os.lstat(old)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        with open(old, "rb") as stream:
            return stream.read() == data
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


def _present(out: Path) -> set[str]:
    """Every file (anything not a folder) under `out`, as a relative path with slashes."""
    present: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    present.add(prefix + entry.name)

    walk(str(out), "")
    return present


def _in_place_order(rel: str) -> tuple[int, str]:
    # Deeper files (project pages) first, then the lists and feeds that link to them.
    return (-rel.count("/"), rel)


def _blocked(out: Path, rel: str) -> bool:
    """Whether writing `rel` in place needs a file turned into a folder, or the other way round."""
    target = out / rel
    if target.is_dir() and not target.is_symlink():
        return True
    parent = target.parent
    while parent != out:
        if parent.exists() and not parent.is_dir():
            return True
        parent = parent.parent
    return False


def _update_in_place(staging: Path, out: Path, changed: list[str], removed: list[str]) -> None:
    # Everything was written into `staging` before anything is replaced: a failure while writing changes nothing.
    for rel in sorted(changed, key=_in_place_order):
        parts = _safe_relative(rel).parts
        target = out.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging.joinpath(*parts), target)
    for rel in removed:
        target = out.joinpath(*_safe_relative(rel).parts)
        target.unlink(missing_ok=True)
        parent = target.parent
        while parent != out:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


class SiteWriter:
    """Takes a site's files one at a time and writes each as it comes, so a build never holds the
    whole site's bytes: `add` every file, then `finish` (or `abort` on failure, which leaves the
    output as it was).

    A file whose bytes differ from the previous output's is written at once into a new tree
    beside the output; an unchanged one is only noted. `finish` then either renames the few
    changed files over their old versions (see the module's docstring) or hard-links every
    unchanged file into the new tree and swaps the tree in. Until `finish`, the output is never
    touched. Used as a context manager, a failure inside the block aborts."""

    def __init__(self, out: Path) -> None:
        self.out = out.absolute()
        self.parent = self.out.parent
        self.parent.mkdir(parents=True, exist_ok=True)
        self.prefix = f".{self.out.name}.tmp-"
        remove_stale_temporaries(self.parent, self.prefix)
        self.staging = Path(tempfile.mkdtemp(prefix=f"{self.prefix}{os.getpid()}-", dir=self.parent))
        self.previous = self.out.is_dir()
        self.names: set[str] = set()
        self.changed: list[str] = []
        self.unchanged: list[str] = []
        self._folders: set[PurePosixPath] = set()

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None:
            self.abort()

    def __contains__(self, rel: object) -> bool:
        return rel in self.names

    def add(self, rel: str, data: bytes, as_before: bool = False) -> None:
        """One file of the site; `as_before` when the caller has just read `data` from the
        previous output's `rel` itself, so comparing them would read the file a second time."""
        path = _safe_relative(rel)
        if rel in self.names:
            raise OutputError("output.same_address", name=rel)
        self.names.add(rel)
        if self.previous and (as_before or _same_bytes(self.out.joinpath(*path.parts), data)):
            self.unchanged.append(rel)
            return
        self._write(path, data)
        self.changed.append(rel)

    def _write(self, path: PurePosixPath, data: bytes) -> None:
        if path.parent not in self._folders:
            self.staging.joinpath(*path.parent.parts).mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        with open(self.staging.joinpath(*path.parts), "xb") as stream:
            stream.write(data)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def finish(self) -> WriteReport:
        """Put the new files in place; the report counts what was written and what was already there."""
        try:
            return self._finish()
        finally:
            self.abort()

    def _finish(self) -> WriteReport:
        out, changed = self.out, self.changed
        total = len(self.names)
        if self.previous:
            removed = sorted(_present(out) - self.names)
            if not changed and not removed:
                return WriteReport(0, total, ())
            small = len(changed) + len(removed) <= min(IN_PLACE_FILES, max(1, int(total * IN_PLACE_SHARE)))
            if small and not any(_blocked(out, rel) for rel in changed):
                _update_in_place(self.staging, out, changed, removed)
                return WriteReport(len(changed), total - len(changed), tuple(sorted(changed)))
        for rel in self.unchanged:
            path = _safe_relative(rel)
            target = self.staging.joinpath(*path.parts)
            if path.parent not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            previous = out.joinpath(*path.parts)
            try:
                os.link(previous, target)
            except OSError:
                shutil.copy2(previous, target)
        os.chmod(self.staging, 0o755)
        if not out.exists():
            os.rename(self.staging, out)
        elif _exchange(self.staging, out):
            pass  # the old tree is now where the new one was: `finish` removes it
        else:
            aside = self.parent / f"{self.prefix}{os.getpid()}-old"
            os.rename(out, aside)
            os.rename(self.staging, out)
            shutil.rmtree(aside, ignore_errors=True)
        return WriteReport(len(changed), len(self.unchanged), tuple(sorted(changed)))


def write_site(files: dict[str, bytes], out: Path) -> WriteReport:
    """Write `files` (output path -> bytes) as the whole content of `out`; see `SiteWriter`."""
    with SiteWriter(out) as writer:
        for rel, data in files.items():
            writer.add(rel, data)
        return writer.finish()
