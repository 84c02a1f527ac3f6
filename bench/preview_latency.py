"""How long from saving a record to the browser showing the change, in the live preview.

    python bench/preview_latency.py [--runs 15] [--records 1000]

For the shipped site and for a synthetic site of `--records` records (the
benchmark's corpus, `bench/corpus.py`), starts
a real `python build.py serve` on a copy, opens a project page in headless
chromium (Debian's, as the tests use), then repeatedly changes the record's
title on disk and waits until the page's heading shows it. Prints every
run's latency and the median per site, split where the browser can see it:
save -> the reload message reaches the page (the watcher, its quiet period,
the rebuild, writing and sending) and message -> heading shows the change
(the browser's own work), beside the server's own rebuild times and the load
average. Only medians of repeated runs mean anything on a shared machine.
Needs the test tools (`make test` installs them). Not a test: nothing here
passes or fails. `bench/run.py` runs the generated site's half through
`generated_site_latency` and reports it beside its other figures.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import corpus

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AS_OF = "2021-10-26"
REBUILT = re.compile(r"^Rakennettu uudelleen \((\d+) ms")
# Runs in the page before its own scripts, on every load: notes when a reload message
# arrives, in sessionStorage so that the note survives a full reload of the tab.
NOTE_MESSAGES = """
(() => {
  const Original = window.WebSocket;
  if (!Original || Original.projcatBench) return;
  const Noting = function (url, protocols) {
    const socket = protocols === undefined ? new Original(url) : new Original(url, protocols);
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string' && event.data.indexOf('"reload"') !== -1) {
        sessionStorage.setItem('benchMessageAt', String(Date.now()));
      }
    });
    return socket;
  };
  Noting.prototype = Original.prototype;
  Noting.projcatBench = true;
  Object.assign(Noting, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Noting;
})();
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, root: Path, tmpdir: Path, as_of: str) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(tmpdir))
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(free_port()),
             "--as-of", as_of],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )
        self.lines: list[str] = []
        self.address = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self.address.wait(120):
            raise SystemExit("serve did not start:\n" + "\n".join(self.lines))
        # With its path: a site published under one (the benchmark corpus's /hankkeet/) is previewed there.
        self.url = next(m.group(0) for line in self.lines
                        if (m := re.search(r"http://127\.0\.0\.1:\d+/[^\s()]*", line)))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if "http://127.0.0.1:" in line:
                self.address.set()

    def rebuild_times(self) -> list[int]:
        return [int(m.group(1)) for line in self.lines if (m := REBUILT.match(line))]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        # Until the last lines are read: the last rebuild's time may not have been yet.
        self._reader.join(timeout=10)


@dataclass(frozen=True)
class PreviewTimes:
    """Milliseconds, one value a run (the server's rebuilds as it logged them)."""

    latencies: list[float]  # save -> the page shows the change
    to_message: list[float]  # save -> the reload message reaches the page
    after_message: list[float]  # the message -> the page shows the change
    rebuilds: list[int]
    plain_reload: list[float]  # a browser reload of the page, nothing changed

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)


def measure(name: str, root: Path, slug: str, runs: int, browser: object, as_of: str = AS_OF,
            out: TextIO | None = None) -> PreviewTimes:
    record = root / "content" / "projects" / f"{slug}.md"
    original = record.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", original, re.MULTILINE)
    assert title is not None
    with tempfile.TemporaryDirectory() as tmpdir:
        server = Server(root, Path(tmpdir), as_of)
        try:
            # The site's Content-Security-Policy forbids eval, which Playwright's waiting on an
            # expression uses; set aside for the measuring page only, it changes nothing timed.
            page = browser.new_page(bypass_csp=True)  # type: ignore[attr-defined]
            page.add_init_script(NOTE_MESSAGES)
            page.goto(f"{server.url}hankkeet/{slug}/")
            # For reference: what the browser alone takes to reload this page here, nothing changed.
            plain = []
            for _ in range(runs):
                started = time.perf_counter()
                page.reload(wait_until="commit")
                page.wait_for_function("document.querySelector('h1') !== null", polling="raf", timeout=60_000)
                plain.append((time.perf_counter() - started) * 1000)
            latencies = []
            to_message = []
            after_message = []
            for run in range(runs):
                wanted = f"Mitattu otsikko {run}"
                text = original.replace(title.group(0), f"title: {wanted}", 1)
                started = time.perf_counter()
                saved_at = time.time() * 1000
                record.write_text(text, encoding="utf-8")
                page.wait_for_function(
                    f"document.querySelector('h1') && document.querySelector('h1').innerText === '{wanted}'",
                    polling="raf", timeout=60_000,
                )
                shown_at = time.time() * 1000
                latencies.append((time.perf_counter() - started) * 1000)
                message_at = float(page.evaluate("sessionStorage.getItem('benchMessageAt') || 'NaN'"))
                to_message.append(message_at - saved_at)
                after_message.append(shown_at - message_at)
                time.sleep(0.5)  # let the next save be a burst of its own
            page.close()
        finally:
            server.stop()
            record.write_text(original, encoding="utf-8")
    times = PreviewTimes(latencies, to_message, after_message, server.rebuild_times(), plain)
    print(f"{name}: save -> page shows the change, {runs} runs: {_listed(latencies)} ms", file=out)
    print(f"  save -> reload message in the page: {_listed(to_message)} ms", file=out)
    print(f"  message -> page shows the change:   {_listed(after_message)} ms", file=out)
    print(f"  server's rebuilds:                  {_listed(times.rebuilds)} ms", file=out)
    print(f"{name}: median {times.median:.0f} ms ({summary(times)})", file=out)
    return times


def summary(times: PreviewTimes) -> str:
    return (f"save -> message {_median(times.to_message):.0f} ms, "
            f"of which the rebuild {_median(times.rebuilds):.0f} ms; "
            f"message -> shown {_median(times.after_message):.0f} ms; "
            f"a plain browser reload of the page, nothing changed, {_median(times.plain_reload):.0f} ms")


def _median(values: list[float] | list[int]) -> float:
    return statistics.median(values) if values else float("nan")


def _launch(playwright: object) -> object:
    return playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])


def generated_site_latency(site: Path, slug: str, runs: int, out: TextIO | None = None) -> PreviewTimes:
    """Save-to-visible on a generated site folder (`bench/corpus.py`), editing `slug`'s title.

    The site folder is edited in place (and restored) and the preview writes its
    cache there: hand it a copy of its own, not hard links to a cached corpus."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            return measure(site.name, site, slug, runs, browser, corpus.AS_OF.isoformat(), out)
        finally:
            browser.close()  # type: ignore[attr-defined]


def _listed(values: list[float] | list[int]) -> str:
    return ", ".join(f"{value:.0f}" for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        shipped = Path(work) / "shipped"
        shipped.mkdir()
        shutil.copy(REPO / "site.yaml", shipped / "site.yaml")
        shutil.copytree(REPO / "content", shipped / "content")
        for folder in ("static", "templates"):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, shipped / folder)
        generated = Path(work) / "generated"
        slugs = corpus.write_corpus(generated, args.records)

        browser = _launch(playwright)
        try:
            results = {
                "shipped site (15 records)": measure("shipped", shipped, "kerhoiloa-2021", args.runs, browser).median,
                f"generated site ({args.records} records)": measure(
                    f"{args.records} records", generated, slugs[len(slugs) // 2], args.runs, browser,
                    corpus.AS_OF.isoformat()).median,
            }
        finally:
            browser.close()  # type: ignore[attr-defined]
    print()
    for name, median in results.items():
        print(f"median {name}: {median:.0f} ms")
    print(f"load average (1 min): {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
          f"{os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
