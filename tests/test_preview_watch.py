"""The source watcher: one report per burst, every change reported, renames and deletions seen."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from projcat.preview.watch import Source, SourceWatcher, differences, snapshot

TIMEOUT = 20.0


class Batches:
    def __init__(self) -> None:
        self.batches: list[frozenset[Path]] = []
        self._changed = threading.Condition()

    def __call__(self, batch: frozenset[Path]) -> None:
        with self._changed:
            self.batches.append(batch)
            self._changed.notify_all()

    def wait(self, count: int) -> list[frozenset[Path]]:
        deadline = time.monotonic() + TIMEOUT
        with self._changed:
            while len(self.batches) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"only {len(self.batches)} of {count} batches: {self.batches}"
                self._changed.wait(left)
            return list(self.batches)


@pytest.fixture(params=[True, False], ids=["inotify", "polling"])
def watched(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, Batches, SourceWatcher]]:
    (tmp_path / "content" / "projects").mkdir(parents=True)
    for name in ("a", "b", "c"):
        (tmp_path / "content" / "projects" / f"{name}.md").write_text(name, encoding="utf-8")
    (tmp_path / "site.yaml").write_text("title: x\n", encoding="utf-8")
    batches = Batches()
    watcher = SourceWatcher(
        [Source(tmp_path / "site.yaml"), Source(tmp_path / "content"), Source(tmp_path / "templates")],
        batches, use_events=request.param,
    )
    watcher.start()
    if request.param:
        assert watcher.uses_events, "inotify through watchdog is not available here"
    yield tmp_path, batches, watcher
    watcher.stop()


def _settle(batches: Batches, count: int) -> list[frozenset[Path]]:
    got = batches.wait(count)
    time.sleep(0.6)  # a further batch, were one coming, has come by now
    assert len(batches.batches) == count, batches.batches
    return got


def test_a_burst_of_saves_is_reported_once_with_every_file(watched: tuple[Path, Batches, SourceWatcher]) -> None:
    root, batches, _ = watched
    projects = root / "content" / "projects"
    for name in ("a", "b", "c"):
        (projects / f"{name}.md").write_text(name * 2, encoding="utf-8")
    (root / "site.yaml").write_text("title: y\n", encoding="utf-8")
    [batch] = _settle(batches, 1)
    assert batch == {projects / "a.md", projects / "b.md", projects / "c.md", root / "site.yaml"}


def test_a_save_by_rename_and_a_deletion_are_seen(watched: tuple[Path, Batches, SourceWatcher]) -> None:
    root, batches, _ = watched
    projects = root / "content" / "projects"
    temporary = projects / ".a.md.tmp"
    temporary.write_text("a", encoding="utf-8")  # the same bytes and size: only the inode tells
    os.replace(temporary, projects / "a.md")
    (projects / "b.md").unlink()
    [batch] = _settle(batches, 1)
    assert projects / "a.md" in batch and projects / "b.md" in batch


def test_a_change_right_after_a_report_is_reported_too(watched: tuple[Path, Batches, SourceWatcher]) -> None:
    root, batches, _ = watched
    projects = root / "content" / "projects"
    (projects / "a.md").write_text("first", encoding="utf-8")
    batches.wait(1)
    (projects / "a.md").write_text("second", encoding="utf-8")
    second = _settle(batches, 2)[1]
    assert second == {projects / "a.md"}


def test_a_folder_made_later_is_watched(watched: tuple[Path, Batches, SourceWatcher]) -> None:
    root, batches, _ = watched
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text("<html>", encoding="utf-8")
    got = batches.wait(1)
    assert root / "templates" / "base.html" in frozenset().union(*got)


def test_editors_swap_and_backup_files_are_not_sources(tmp_path: Path) -> None:
    for name in ("a.md", ".a.md.swp", "a.md~", "#a.md#", ".#a.md", "4913"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert set(snapshot([Source(tmp_path)])) == {str(tmp_path / "a.md")}


def test_a_touch_that_keeps_the_modification_time_is_still_a_change(tmp_path: Path) -> None:
    file = tmp_path / "a.md"
    file.write_text("one", encoding="utf-8")
    before = snapshot([Source(tmp_path)])
    stat = file.stat()
    file.write_text("two", encoding="utf-8")
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert differences(before, snapshot([Source(tmp_path)])) == {file}


def test_two_saves_within_one_tick_of_the_file_clock_are_two_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import projcat.preview.watch as watch

    # A coarse file clock: both saves get the same times, so only the bytes differ.
    tick = time.time_ns()
    monkeypatch.setattr(watch, "_stat_key", lambda st: (tick, tick, st.st_size, st.st_ino, st.st_mode))
    file = tmp_path / "a.md"
    file.write_text("title: A", encoding="utf-8")
    first = snapshot([Source(tmp_path)])
    file.write_text("title: B", encoding="utf-8")
    second = snapshot([Source(tmp_path)], first)
    assert differences(first, second) == {file}

    # The clock moves on; a save from the same tick still shows once, then the stat key is trusted again.
    file.write_text("title: C", encoding="utf-8")
    monkeypatch.setattr(watch.time, "time_ns", lambda: tick + watch.RACY_NS + 1)
    third = snapshot([Source(tmp_path)], second)
    assert differences(second, third) == {file}
    fourth = snapshot([Source(tmp_path)], third)
    assert differences(third, fourth) == set() and fourth[str(file)][1] is None
    assert differences(fourth, snapshot([Source(tmp_path)], fourth)) == set()
