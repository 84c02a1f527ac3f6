"""The preview's served folder, brought from one build's files to the next.

Only files whose bytes changed are written, each replaced in one step, so a
request served meanwhile gets the old page or the new one, never half.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from projcat.engine.files import write_atomically


class UnsafePath(ValueError):
    """A generated file name that would land outside the served folder."""


def _target(out: Path, rel: str) -> Path:
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or ".." in path.parts or rel != path.as_posix():
        raise UnsafePath(rel)
    return out.joinpath(*path.parts)


def _prune_empty_parents(out: Path, target: Path) -> None:
    parent = target.parent
    while parent != out and parent.is_relative_to(out):
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def sync_folder(out: Path, previous: dict[str, bytes], files: dict[str, bytes]) -> list[str]:
    """Make `out` hold `files`, given that it holds `previous`; return the paths that changed, sorted.

    Removals come first: a name that was a file and is now a folder (or the
    other way round) is free by the time it is written.
    """
    changed: list[str] = []
    for rel in sorted(previous.keys() - files.keys()):
        target = _target(out, rel)
        target.unlink(missing_ok=True)
        _prune_empty_parents(out, target)
        changed.append(rel)
    for rel, data in sorted(files.items()):
        if previous.get(rel) == data:
            continue
        # Readable by whoever serves the folder, whatever the umask.
        write_atomically(_target(out, rel), data, mode=0o644)
        changed.append(rel)
    return sorted(changed)
