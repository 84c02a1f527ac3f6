"""`build.py serve`: a live preview an editor can leave running all day.

Builds into a temporary folder (never `site/`), serves it on 127.0.0.1, and
rebuilds when a source changes: `site.yaml`, `content/`, `templates/`,
`static/` and the built-in theme. The browser is told once the rebuild has
written its files, and only where the page it shows changed: it swaps in the
page's new body where it can (`client.js`) and reloads it otherwise;
a stylesheet change alone updates the style in place. A commit rebuilds
too (the pages' dates come from git), and so does midnight in the site's
time zone when the preview builds for today (no `--as-of`): a project
whose end date has passed is shown as ended without a restart. While the
content has problems, every page is answered with the list of problems at
its own address, and the browser comes back to the page once they are fixed.

The engine is the `livereload` package's protocol: its websocket handler's
handshake and its browser client (`livereload.js`, protocol 7, with live
CSS). Its weak points are worked around or replaced:

- `Server`/`LiveReloadHandler.poll_tasks` ignore a change that comes within
  a few seconds of the last reload and run a task per changed file: not
  used. `projcat.preview.watch` reports one batch per burst and never drops one;
  each batch causes one build, and the reload is sent after it.
- a failing task logs a traceback and leaves the browser on a stale page:
  the build here turns every failure into problems, shown in the browser
  and the terminal; no traceback reaches the editor.
- `check_origin` accepts any origin: only this server's own origin may
  open the websocket, and only the bound host names are answered.
- class-level waiter lists (one per process): each server keeps its own.
- its static file handler follows symlinks out of the folder: replaced by a
  handler that answers only files inside the served folder.
- a page loaded while a build ran could miss that build's reload: each
  page carries its build's token, and a page that connects with an old
  token is reloaded at once.

This module runs the server; its parts live beside it: `builder` (the
builds), `session` (the state requests are answered from, and the notices
to browsers), `handlers` (the requests), `serving` (their pure rules) and
`watch` (the sources).
"""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import tornado.httpserver
import tornado.web

from projcat.content.settings import Paths
from projcat.engine.output import remove_stale_temporaries
from projcat.preview.builder import Builder, seconds_to_next_clock_check
from projcat.preview.handlers import ClientScript, ReloadSocket, SiteFiles
from projcat.preview.serving import CLIENT_PATH, SOCKET_PATH, allowed_hosts
from projcat.preview.session import Preview
from projcat.preview.watch import FALLBACK_POLL_SECONDS, Source, SourceWatcher
from projcat.render.formatting import format_day
from projcat.render.pages import THEME_DIR
from projcat.strings import message

PORT_TRIES = 20
# How long after a rebuild the server counts as idle, for tidying memory.
IDLE_SECONDS = 3.0
WORKDIR_PREFIX = "projcat-preview-"


def bind(host: str, port: int, lang: str) -> socket.socket:
    """The first free port from `port` on, said so when it is not the one asked for."""
    for candidate in range(port, port + PORT_TRIES):
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        # Lets a restarted preview take its port back from connections still closing.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                continue
            raise
        if candidate != port:
            print(message(lang, "serve.port_in_use", {"port": port, "free": candidate}), file=sys.stderr, flush=True)
        return sock
    raise SystemExit(message(lang, "serve.no_port", {"port": port, "last": port + PORT_TRIES - 1}))


def watched_sources(root: Path, history_files: tuple[Path, ...] = ()) -> list[Source]:
    """The sources, and the git files that move when a commit changes the pages' dates."""
    paths = Paths(root)
    return [
        Source(paths.site_file),
        Source(root / "content"),
        Source(paths.templates),
        Source(paths.static),
        Source(THEME_DIR),
        *(Source(path) for path in history_files),
    ]


# --- running -----------------------------------------------------------------------------------


class _OneLine(logging.Handler):
    """Whatever tornado or livereload would log: one line at most, never a traceback."""

    def __init__(self, lang: str) -> None:
        super().__init__(logging.ERROR)
        self.lang = lang

    def emit(self, record: logging.LogRecord) -> None:
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else record.levelname
        detail = record.getMessage().splitlines()[0] if record.getMessage() else ""
        print(message(self.lang, "preview.internal", {"kind": kind, "detail": detail}), file=sys.stderr, flush=True)


def _quiet_logging(lang: str) -> None:
    if os.environ.get("PROJCAT_DEBUG"):
        return
    for name in ("tornado.access", "tornado.application", "tornado.general", "livereload", "asyncio"):
        logger = logging.getLogger(name)
        logger.handlers = [_OneLine(lang)]
        logger.propagate = False


def _remove_stale_workdirs() -> None:
    """Folders of previews that were killed outright: their process is gone."""
    remove_stale_temporaries(Path(tempfile.gettempdir()), WORKDIR_PREFIX)


def tidy_memory() -> None:
    """Collect once, then keep every surviving object out of later collections.

    A preview holds thousands of long-lived objects (parsed records, views,
    pages) that the cyclic garbage collector would otherwise walk again and
    again during later rebuilds: at 1,000 records that doubled a rebuild.
    Run only while idle, since the collection itself takes a moment.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, host: str, port: int, as_of: date | None, lang: str | None) -> int:
    """Run until Ctrl-C (or SIGTERM); the temporary folder is removed either way."""
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    _remove_stale_workdirs()
    workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    preview: Preview | None = None
    try:
        out = workdir / "site"
        out.mkdir()
        builder = Builder(root, out, as_of)
        sock = bind(host, port, lang or "fi")
        preview = Preview(root, out, builder, lang)
        preview.allowed = allowed_hosts(host, sock.getsockname()[1])
        preview.apply(builder.build(), first=True)
        tidy_memory()
        asyncio.run(_run(preview, sock, host))
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_term)
    print(message(preview.lang if preview else (lang or "fi"), "serve.stopped", {}), flush=True)
    return 0


async def _run(preview: Preview, sock: socket.socket, host: str) -> None:
    _quiet_logging(preview.lang)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)

    app = tornado.web.Application(
        [
            (SOCKET_PATH, ReloadSocket, {"preview": preview}),
            (CLIENT_PATH.replace(".", r"\."), ClientScript, {"preview": preview}),
            (r"/.*", SiteFiles, {"preview": preview}),
        ],
        log_function=lambda handler: None,
        websocket_max_message_size=64 * 1024,
    )
    sock.listen(128)
    sock.setblocking(False)
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets([sock])

    queued = threading.Lock()
    pending = [False]
    tidying: list[asyncio.TimerHandle] = []

    def run_build() -> None:
        with queued:
            pending[0] = False
        preview.rebuild()
        for handle in tidying:
            handle.cancel()
        tidying[:] = [loop.call_later(IDLE_SECONDS, tidy_memory)]

    def on_batch(paths: frozenset[Path]) -> None:
        # From the watcher's thread: at most one build waits; it reads everything saved until it starts.
        with queued:
            if pending[0]:
                return
            pending[0] = True
        loop.call_soon_threadsafe(run_build)

    clock: list[asyncio.TimerHandle] = []

    def watch_the_date() -> None:
        builder = preview.builder
        now = datetime.now(UTC)
        day = builder.new_day(now)
        if day is not None:
            print(message(preview.lang, "serve.new_day", {"date": format_day(day, preview.lang)}), flush=True)
            on_batch(frozenset())
        clock[:] = [loop.call_later(seconds_to_next_clock_check(now, builder.time_zone or "UTC"), watch_the_date)]

    if preview.builder.as_of is None:
        watch_the_date()

    watcher = SourceWatcher(watched_sources(preview.root, preview.builder.history_files), on_batch)
    watcher.start()
    if not watcher.uses_events:
        print(message(preview.lang, "serve.polling", {"interval": FALLBACK_POLL_SECONDS}), file=sys.stderr)
    port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    print(message(preview.lang, "serve.address", {"url": f"http://{shown_host}:{port}{preview.base}"}), flush=True)
    try:
        await stopping.wait()
    finally:
        for handle in clock:
            handle.cancel()
        watcher.stop()
        server.stop()
        for socket_ in list(preview.waiters):
            socket_.close()
        await server.close_all_connections()

