"""Files read as inputs, noted where they are read, so a cache can tell what a result depended on.

A step of the build that reads a file (a photo, a PDF) reads it through
`read_input`, and asks whether a file is there with `input_exists`. Both tell
the `InputLog` installed for the current context (the build's cache installs
one with `recording`), which notes the file's path and digest in the trace of
whatever cached step is running. What a library makes of a file's bytes
(Pillow's size and format, pikepdf's answers) goes through `decoded`, which
the log may keep by the bytes' digest. Without a log, as in a build without a
cache, they only read, look and decode. Content stays below the build: it
knows this protocol, never the cache behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Protocol, TypeVar

T = TypeVar("T")


class InputLog(Protocol):
    def note(self, path: Path, data: bytes | None) -> None:
        """`path` was read as `data`, or found not to be a file (`None`)."""
        ...

    def decoded(self, kind: str, data: bytes, decode: Callable[[bytes], T]) -> T:
        """`decode(data)`, or what it gave for the same `kind` and bytes before."""
        ...

    def resolved(self, path: Path, target: Path) -> None:
        """`path` was resolved to `target` (a symbolic link followed)."""
        ...


_LOG: ContextVar[InputLog | None] = ContextVar("input_log", default=None)


@contextmanager
def recording(log: InputLog) -> Iterator[None]:
    """Every input read inside is noted in `log`."""
    token = _LOG.set(log)
    try:
        yield
    finally:
        _LOG.reset(token)


def read_input(path: Path) -> bytes:
    """The bytes of the file at `path` (an `OSError` when it cannot be read), noted as an input."""
    data = path.read_bytes()
    log = _LOG.get()
    if log is not None:
        log.note(path, data)
    return data


def decoded(kind: str, data: bytes, decode: Callable[[bytes], T]) -> T:
    """`decode(data)`: what a library (Pillow, pikepdf) makes of a file's bytes, a pure function of
    them, so that a log may keep it by their digest and not open the same bytes again."""
    log = _LOG.get()
    return decode(data) if log is None else log.decoded(kind, data, decode)


def resolved_input(path: Path) -> Path:
    """`path.resolve()`, noted as an input: a link pointed elsewhere is a change, even to equal bytes."""
    target = path.resolve()
    log = _LOG.get()
    if log is not None:
        log.resolved(path, target)
    return target


def input_exists(path: Path) -> bool:
    """Whether `path` is a file; its absence is noted as an input (a file added later is a change),
    its presence is noted when it is read."""
    found = path.is_file()
    log = _LOG.get()
    if log is not None and not found:
        log.note(path, None)
    return found
