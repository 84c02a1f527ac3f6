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
passes or fails.
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
from pathlib import Path

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
        self.url = next(m.group(0) for line in self.lines if (m := re.search(r"http://127\.0\.0\.1:\d+/", line)))

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


def measure(name: str, root: Path, slug: str, runs: int, browser: object, as_of: str = AS_OF) -> float:
    record = root / "content" / "projects" / f"{slug}.md"
    original = record.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", original, re.MULTILINE)
    assert title is not None
    with tempfile.TemporaryDirectory() as tmpdir:
        server = Server(root, Path(tmpdir), as_of)
        try:
            page = browser.new_page()  # type: ignore[attr-defined]
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
    rebuilds = server.rebuild_times()
    median = statistics.median(latencies)
    print(f"{name}: save -> page shows the change, {runs} runs: {_listed(latencies)} ms")
    print(f"  save -> reload message in the page: {_listed(to_message)} ms")
    print(f"  message -> page shows the change:   {_listed(after_message)} ms")
    print(f"  server's rebuilds:                  {_listed(rebuilds)} ms")
    print(f"{name}: median {median:.0f} ms (save -> message {statistics.median(to_message):.0f} ms, "
          f"of which the rebuild {statistics.median(rebuilds):.0f} ms; "
          f"message -> shown {statistics.median(after_message):.0f} ms; "
          f"a plain browser reload of the page, nothing changed, {statistics.median(plain):.0f} ms)")
    return median


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

        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            results = {
                "shipped site (15 records)": measure("shipped", shipped, "kerhoiloa-2021", args.runs, browser),
                f"generated site ({args.records} records)": measure(
                    f"{args.records} records", generated, slugs[len(slugs) // 2], args.runs, browser,
                    corpus.AS_OF.isoformat()),
            }
        finally:
            browser.close()
    print()
    for name, median in results.items():
        print(f"median {name}: {median:.0f} ms")
    print(f"load average (1 min): {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
          f"{os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
