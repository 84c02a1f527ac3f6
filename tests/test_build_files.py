"""The one set of file helpers the caches, the stamp, the output writer and the preview share."""

from __future__ import annotations

import inspect
import os
import time
from pathlib import Path

import pytest

from projcat.engine import cache, files
from projcat.engine.disk import DiskCache
from projcat.engine.memory import MemoryCache
from projcat.render.memo import RenderMemo


def test_an_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "a.txt"
    files.write_atomically(target, b"one")
    files.write_atomically(target, lambda stream: stream.write(b"two"), mode=0o600)
    assert target.read_bytes() == b"two"
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(target.parent) == ["a.txt"]


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")

    def broken(stream: object) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        files.write_atomically(target, broken)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.txt"]


def test_a_stat_key_is_trusted_only_once_the_racy_window_has_passed(tmp_path: Path) -> None:
    file = tmp_path / "a.md"
    file.write_text("x", encoding="utf-8")
    key = files.stat_key(file.stat())
    assert not files.settled(key, time.time_ns())
    assert files.settled(key, max(key[0], key[1]) + files.RACY_NS)
    assert files.file_digest(file) == files.digest(b"x")


def _methods(protocol: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(protocol, inspect.isfunction) if not name.startswith("_")}


@pytest.mark.parametrize("implementation", [MemoryCache, DiskCache])
def test_both_caches_offer_every_method_of_the_interfaces(implementation: type) -> None:
    for protocol in (cache.BuildCache, RenderMemo):
        wanted = _methods(protocol)
        assert wanted and wanted <= _methods(implementation), protocol
        for name in wanted:
            assert inspect.signature(getattr(protocol, name)).parameters.keys() == \
                inspect.signature(getattr(implementation, name)).parameters.keys(), name
