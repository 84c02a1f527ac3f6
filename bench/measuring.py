"""One command's wall time, CPU time and memory: of its biggest process and of all its processes at once.

A build is more than one process: ours forks Markdown workers and runs Pagefind;
Hugo's side runs Hugo and then Pagefind. `wait4()` reports the peak RSS of the
largest single process among those waited for, which says nothing of processes
alive at the same time. So while the command runs, a thread sums the RSS of its
whole process tree every `SAMPLE_SECONDS` (from /proc, Linux only) and keeps the
highest sum. Pages shared between a parent and its forked workers count once
per process, as RSS does: the sum is an upper bound of what the tree needs.

The same sum enforces a memory limit: a command whose tree passes it is killed,
with its whole process group, and reported as `MemoryLimitExceeded`, so a run
too large for the machine ends as a figure ("stopped at 12 GiB after 310 s")
instead of swapping or taking the machine down.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02
PROC = Path("/proc")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class BenchError(Exception):
    """A build the benchmark depends on failed; the message says which and why."""


class MemoryLimitExceeded(BenchError):
    """A command's process tree passed the memory limit and was stopped."""

    def __init__(self, what: str, limit: int, seconds: float) -> None:
        super().__init__(f"{what}: stopped when its processes passed {limit / GIB:.1f} GiB, after {seconds:.0f} s")
        self.what, self.limit, self.seconds = what, limit, seconds


GIB = 1024 ** 3


class GroupKiller:
    """Kills a child started in a session of its own, and every process it started, until
    `reaped()`: after that its number may belong to someone else's process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._lock = threading.Lock()
        self._reaped = False

    def kill(self) -> None:
        with self._lock, contextlib.suppress(ProcessLookupError, PermissionError):
            if not self._reaped:
                os.killpg(self.pid, signal.SIGKILL)

    def reaped(self) -> None:
        with self._lock:
            self._reaped = True


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu: float  # user + system seconds of the process and its children
    max_rss: int  # bytes: the largest single process (wait4)
    tree_rss: int  # bytes: the highest sampled sum over the whole process tree; 0 where not sampled

    @property
    def peak(self) -> int:
        """The whole command's peak: the tree's sum, or the single process where /proc gave none."""
        return max(self.tree_rss, self.max_rss)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _rss(pid: int) -> int:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0  # gone between listing and reading: it holds nothing any more


def tree_rss(root: int) -> int:
    """The summed RSS of `root` and every process below it, now."""
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss(pid)
        pending += _children(pid)
    return total


class TreeSampler:
    """Samples a process tree's summed RSS on a thread until stopped; `peak` is the highest sum.

    With a `limit` (bytes), the first sum above it calls `on_exceeded` once and sets `exceeded`."""

    def __init__(self, root: int, interval: float = SAMPLE_SECONDS, limit: int | None = None,
                 on_exceeded: Callable[[], None] | None = None) -> None:
        self.root, self.interval, self.peak = root, interval, 0
        self.limit, self.on_exceeded, self.exceeded = limit, on_exceeded, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.available = (PROC / str(os.getpid()) / "task").is_dir()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = tree_rss(self.root)
            self.peak = max(self.peak, now)
            if self.limit is not None and now > self.limit and not self.exceeded:
                self.exceeded = True
                if self.on_exceeded is not None:
                    self.on_exceeded()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()


def measure(cmd: Sequence[str | Path], env: dict[str, str] | None = None, what: str = "",
            limit: int | None = None) -> Measured:
    """Run one command as a fresh child: wall time, CPU time, the largest process's peak RSS
    (wait4, which covers every process it waited for) and the whole tree's sampled peak.

    wait4() reports this child's own resource use, so each measurement stands alone
    instead of mixing into RUSAGE_CHILDREN's running maximum. The child leads a
    session of its own, so passing `limit` (bytes, summed over the tree) kills it
    and everything it started, and raises `MemoryLimitExceeded`.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        killer = GroupKiller(proc.pid)
        with TreeSampler(proc.pid, limit=limit, on_exceeded=killer.kill) as sampler:
            # Wait for the exit without reaping, so the sampler can still kill the group
            # (the leader's number stays ours while it is a zombie); then reap it.
            os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
            killer.reaped()
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler.exceeded:
            assert limit is not None
            raise MemoryLimitExceeded(what or str(cmd[0]), limit, seconds)
        if proc.returncode != 0:
            out.seek(0)
            tail = out.read().decode("utf-8", "replace")[-3000:]
            raise BenchError(f"{what or cmd[0]} failed with exit status {proc.returncode}:\n{tail}")
    # Linux reports ru_maxrss in KiB.
    return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, sampler.peak)


def in_sequence(first: Measured, second: Measured) -> Measured:
    """Two commands run one after the other (Hugo, then Pagefind), as one build."""
    return Measured(first.seconds + second.seconds, first.cpu + second.cpu,
                    max(first.max_rss, second.max_rss), max(first.tree_rss, second.tree_rss))
