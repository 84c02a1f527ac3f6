"""Notice every change to a site's sources and report each burst of changes once.

The truth is a snapshot: every relevant file under the watched folders with
its (mtime, ctime, size, inode, device). Two snapshots that differ name the
files that changed, whatever the editor did: wrote in place, wrote a
temporary file and renamed it over the old one (new inode), deleted, or
touched. A burst (a `git checkout` that rewrites twenty files) is gathered
until no change has been seen for `quiet` seconds (50 ms, counted from the
event that brought the last change; with inotify, a quiet period without
events needs no further snapshot), then reported as one batch; a change
that arrives after a batch was reported starts the next batch, so nothing
is ever skipped.

What decides *when* to take a snapshot: inotify events through `watchdog`
when it is importable and the kernel grants the watches, so an idle preview
costs nothing and a save is seen at once; a slow safety poll besides, in
case an event is lost (a full inotify queue, a folder replaced). Without
inotify the watcher polls every `fallback_poll` seconds instead.

livereload's own `Watcher` is not used: it runs its task once per changed
path, compares modification times only, and its optional inotify watcher
does not listen for renames (`IN_MOVED_TO`), so "save via temporary file"
editors go unseen.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from projcat.engine.files import RACY_NS, StatKey, file_digest, settled
from projcat.engine.files import stat_key as _stat_key

# RACY_NS is named here too: a file changed that recently may change again without its
# stat key changing, so its bytes are compared as well.
__all__ = ["RACY_NS", "Snapshot", "Source", "SourceWatcher", "differences", "ignored", "snapshot"]

# The stat key, and the content's digest while the stat key alone cannot be trusted.
FileKey = tuple[StatKey, str | None]
# By the path as the folder listing spells it: a `Path` made for each of thousands of files
# was most of a scan, and a scan is on the way from a save to the browser.
Snapshot = dict[str, FileKey]

QUIET_SECONDS = 0.05
SAFETY_POLL_SECONDS = 1.0
FALLBACK_POLL_SECONDS = 0.1
# After a wake-up, wait this long so one save's several events make one snapshot.
COALESCE_SECONDS = 0.002


def ignored(name: str) -> bool:
    """Editors' swap, backup and probe files: never a source, and noisy while someone types."""
    return (
        name.endswith(("~", ".swp", ".swx", ".swo"))
        or name == "4913"  # vim probes whether it may write in the folder
        or name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))
    )


@dataclass(frozen=True)
class Source:
    """A watched file or folder (folders recursively)."""

    path: Path


def _scan_folder(folder: str, into: dict[str, StatKey]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if ignored(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            _scan_folder(entry.path, into)
        else:
            into[entry.path] = _stat_key(st)


def _digest(path: str) -> str | None:
    try:
        return file_digest(Path(path))
    except OSError:
        return None


def snapshot(sources: list[Source], previous: Snapshot | None = None) -> Snapshot:
    """Every relevant file now: symlinks as themselves (the build refuses them), folders walked.

    A file changed within `RACY_NS`, or one whose previous key needed its
    bytes and whose stat key is the same, is keyed by its bytes too (as
    git treats a "racily clean" file): two saves within one tick of the
    file clock are then still two different snapshots.
    """
    stats: dict[str, StatKey] = {}
    for source in sources:
        try:
            st = source.path.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            _scan_folder(str(source.path), stats)
        elif not ignored(source.path.name):
            stats[str(source.path)] = _stat_key(st)
    now = time.time_ns()
    found: Snapshot = {}
    for path, key in stats.items():
        before = previous.get(path) if previous else None
        recent = not settled(key, now)
        inherited = before is not None and before[0] == key and before[1] is not None
        digest = None
        if stat.S_ISREG(key[4]) and (recent or inherited):
            digest = _digest(path)
            if not recent and before is not None and digest == before[1]:
                # Checked once the file clock moved on: from now on the stat key is enough.
                digest = None
        found[path] = (key, digest)
    return found


def _same(before: FileKey, after: FileKey) -> bool:
    if before[0] != after[0]:
        return False
    return before[1] is None or after[1] is None or before[1] == after[1]


def differences(before: Snapshot, after: Snapshot) -> set[Path]:
    changed = {path for path, key in after.items() if path not in before or not _same(before[path], key)}
    changed.update(before.keys() - after.keys())
    return {Path(path) for path in changed}


class _Events:
    """inotify wake-ups through watchdog; `None` from `start` when not available here."""

    def __init__(self, wake: threading.Event) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        class Wake(FileSystemEventHandler):
            def on_any_event(self, event: object) -> None:
                wake.set()

        self._handler = Wake()
        self._observer = Observer()
        self._watches: dict[Path, tuple[object, tuple[int, int]]] = {}

    @classmethod
    def start(cls, wake: threading.Event, sources: list[Source]) -> _Events | None:
        try:
            events = cls(wake)
            events.refresh(sources)
            events._observer.start()
        except (ImportError, OSError):
            return None
        return events

    def refresh(self, sources: list[Source]) -> None:
        """Watch each folder that exists now; follow a folder that was deleted and made again."""
        wanted: dict[Path, tuple[bool, tuple[int, int]]] = {}
        for source in sources:
            folder, recursive = (source.path, True) if source.path.is_dir() else (source.path.parent, False)
            try:
                st = folder.stat()
            except OSError:
                continue
            previous = wanted.get(folder)
            wanted[folder] = (recursive or (previous is not None and previous[0]), (st.st_ino, st.st_dev))
        for folder in list(self._watches):
            watch, identity = self._watches[folder]
            if folder not in wanted or wanted[folder][1] != identity:
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self._observer.unschedule(watch)  # type: ignore[arg-type]
                del self._watches[folder]
        for folder, (recursive, identity) in wanted.items():
            if folder not in self._watches:
                watch = self._observer.schedule(self._handler, str(folder), recursive=recursive)
                self._watches[folder] = (watch, identity)

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)


class SourceWatcher:
    """Calls `on_batch(changed paths)` once per quiet-ended burst of changes, from its own thread."""

    def __init__(
        self,
        sources: list[Source],
        on_batch: Callable[[frozenset[Path]], None],
        *,
        quiet: float = QUIET_SECONDS,
        use_events: bool = True,
        safety_poll: float = SAFETY_POLL_SECONDS,
        fallback_poll: float = FALLBACK_POLL_SECONDS,
    ) -> None:
        self._sources = sources
        self._on_batch = on_batch
        self._quiet = quiet
        self._use_events = use_events
        self._safety_poll = safety_poll
        self._fallback_poll = fallback_poll
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._events: _Events | None = None
        self._thread: threading.Thread | None = None
        self._snapshot: Snapshot = {}

    @property
    def uses_events(self) -> bool:
        return self._events is not None

    def start(self) -> None:
        """Take the first snapshot now, so changes made after this call are all reported."""
        self._snapshot = snapshot(self._sources)
        if self._use_events:
            self._events = _Events.start(self._wake, self._sources)
        self._thread = threading.Thread(target=self._run, name="projcat-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._events is not None:
            self._events.stop()

    def _run(self) -> None:
        pending: set[Path] = set()
        last_change = 0.0
        while not self._stopping.is_set():
            poll = self._safety_poll if self._events is not None else self._fallback_poll
            if pending:
                timeout = max(0.0, last_change + self._quiet - time.monotonic())
                # While a burst settles, look again often even without events.
                timeout = min(timeout, self._fallback_poll)
            else:
                timeout = poll
            woke = self._wake.wait(timeout)
            if woke:
                self._stopping.wait(COALESCE_SECONDS)
            if self._stopping.is_set():
                return
            # With inotify, a burst that raised no event while it settled has ended: looking
            # at every file once more would only delay the build by a scan of the whole site.
            if woke or self._events is None or not pending:
                # The change was there when the event came: the quiet period counts from
                # then, not from the end of the scan.
                seen_at = time.monotonic()
                self._wake.clear()
                changed = self._look()
                if changed:
                    pending |= changed
                    last_change = seen_at
            # An event that came during the scan may be the burst going on: look again first.
            if pending and time.monotonic() - last_change >= self._quiet and not self._wake.is_set():
                batch = frozenset(pending)
                pending = set()
                try:
                    self._on_batch(batch)
                except Exception:  # the watcher must outlive one failed hand-off
                    if os.environ.get("PROJCAT_DEBUG"):
                        raise

    def _look(self) -> set[Path]:
        """A new snapshot; the files that differ from the last one."""
        if self._events is not None:
            # Before the snapshot: a folder made just now is watched before its files are listed.
            try:
                self._events.refresh(self._sources)
            except OSError:
                # Out of inotify watches, say: polling still sees everything, only later.
                self._events.stop()
                self._events = None
        current = snapshot(self._sources, self._snapshot)
        changed = differences(self._snapshot, current)
        self._snapshot = current
        return changed
