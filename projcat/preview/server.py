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
"""

from __future__ import annotations

import asyncio
import errno
import gc
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import tornado.httpserver
import tornado.web
import tornado.websocket
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler

from projcat.build import pipeline
from projcat.preview.errorpage import error_page
from projcat.content.history import History, read_history, state_files
from projcat.build.memory import MemoryCache
from projcat.preview.sync import sync_folder
from projcat.content.load import display_path
from projcat.build.output import OutputError, remove_stale_temporaries
from projcat.problems import Problem, printed_line, summary_line
from projcat.render.pages import THEME_DIR
from projcat.preview.serving import (
    CLIENT_PATH,
    PLUGIN_ID,
    SOCKET_PATH,
    Refused,
    allowed_hosts,
    content_type,
    host_allowed,
    inject,
    only_fingerprints_differ,
    origin_allowed,
    page_of,
    site_path,
)
from projcat.content.settings import Paths, base_path
from projcat.strings import message
from projcat.render.views import format_day
from projcat.preview.watch import FALLBACK_POLL_SECONDS, Snapshot, Source, SourceWatcher, differences, snapshot

PORT_TRIES = 20
# Built for today: how often to look whether the date has changed. A timer set for midnight
# alone could come late: the monotonic clock stands still while the computer sleeps.
CLOCK_CHECK_SECONDS = 60.0
# Past midnight by this much, so the new date is already the date everywhere it is read.
AFTER_MIDNIGHT_SECONDS = 0.5
# How long after a rebuild the server counts as idle, for tidying memory.
IDLE_SECONDS = 3.0
WORKDIR_PREFIX = "projcat-preview-"
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif")


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


# --- building --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    ms: int
    records: int
    pages: int
    changed: tuple[str, ...]
    style_only: frozenset[str]
    problems: tuple[Problem, ...]  # warnings only
    base: str


@dataclass(frozen=True)
class Failed:
    ms: int
    problems: tuple[Problem, ...]


def _shown_template(filename: str | None, root: Path) -> str:
    if not filename:
        return ""
    path = Path(filename)
    if path.is_relative_to(THEME_DIR):
        return "projcat/theme/" + path.relative_to(THEME_DIR).as_posix()
    return display_path(path, root)


def template_problem(exc: jinja2.TemplateError, root: Path) -> Problem:
    """A template's mistake at its file and line, found in Jinja's rewritten traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem.make(_shown_template(exc.filename, root), "preview.template_error",
                            line=exc.lineno, detail=exc.message or type(exc).__name__)
    where, line = "", None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")) and Path(frame.filename).is_file():
            where, line = _shown_template(frame.filename, root), frame.lineno
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Problem.make(where, "preview.template_error", line=line, detail=detail)


class Builder:
    """Runs one build at a time into the served folder; keeps the last good files and the cache."""

    def __init__(self, root: Path, out: Path, as_of: date | None) -> None:
        self.root = root
        self.out = out
        self.as_of = as_of
        self.cache = MemoryCache()
        self.files: dict[str, bytes] = {}
        self.site_lang: str | None = None
        self.history_files = state_files(root)
        # The date the last build was for and the site's time zone: whether a new day needs a build.
        self.built_for: date | None = None
        self.time_zone: str | None = None
        self._history: History | None = None
        self._history_seen: Snapshot = {}

    def history(self) -> History:
        """The dates from git, read again only when a commit, checkout or reset moved something."""
        # Taken before reading: a commit landing meanwhile shows as a change next time.
        seen = snapshot([Source(path) for path in self.history_files], self._history_seen)
        if self._history is None or differences(self._history_seen, seen):
            self._history = read_history(self.root)
        self._history_seen = seen
        return self._history

    def build(self) -> Built | Failed:
        started = time.perf_counter()
        problem: Problem | None = None
        try:
            result = pipeline.check(self.root, self.as_of, cache=self.cache)
            self.built_for = result.as_of
            if result.site is not None:
                self.site_lang = result.site.language
                self.time_zone = result.site.time_zone
            if not result.ok:
                self.cache.finish_build(sweep=False)
                return Failed(_ms(started), tuple(result.problems))
            files = pipeline.render(result, self.root, self.history(), cache=self.cache)
        except jinja2.TemplateError as exc:
            problem = template_problem(exc, self.root)
        except OutputError as exc:
            problem = exc.problem
        except Exception as exc:  # noqa: BLE001 - shown as a problem; the preview keeps running
            if os.environ.get("PROJCAT_DEBUG"):
                raise
            problem = Problem.make("", "preview.internal", kind=type(exc).__name__,
                                   detail=str(exc).splitlines()[0] if str(exc) else "")
        if problem is not None:
            self.cache.finish_build(sweep=False)
            return Failed(_ms(started), (problem,))
        self.cache.finish_build(sweep=True)
        previous = self.files
        try:
            changed = sync_folder(self.out, previous, files)
        except (OSError, ValueError) as exc:
            # Half written: compare the next build with what is really there.
            self.files = files_on_disk(self.out)
            return Failed(_ms(started), (Problem.make("", "preview.output_error", detail=str(exc)),))
        self.files = files
        style_only = frozenset(
            rel for rel in changed
            if rel.endswith(".html") and rel in previous and rel in files
            and only_fingerprints_differ(previous[rel], files[rel])
        )
        assert result.site is not None
        return Built(
            ms=_ms(started),
            records=len(result.records),
            pages=sum(1 for name in files if name.endswith(".html")),
            changed=tuple(changed),
            style_only=style_only,
            problems=tuple(result.problems),
            base=base_path(result.site.base_url),
        )


    def new_day(self, now: datetime) -> date | None:
        """Today's date when the preview builds for today and its last build was for another day.

        A project whose end date has passed is then shown as ended, without a restart.
        """
        if self.as_of is not None or self.built_for is None or self.time_zone is None:
            return None
        day = now.astimezone(ZoneInfo(self.time_zone)).date()
        return day if day != self.built_for else None


def seconds_to_next_clock_check(now: datetime, time_zone: str) -> float:
    """Until just after the next midnight in the site's time zone, or `CLOCK_CHECK_SECONDS` if sooner."""
    local = now.astimezone(ZoneInfo(time_zone))
    midnight = datetime.combine(local.date() + timedelta(days=1), dt_time(0), tzinfo=local.tzinfo)
    # In UTC: subtracting two times of one zone would ignore a daylight saving change between them.
    left = (midnight.astimezone(timezone.utc) - now.astimezone(timezone.utc)).total_seconds()
    return min(CLOCK_CHECK_SECONDS, max(0.0, left) + AFTER_MIDNIGHT_SECONDS)


def files_on_disk(out: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*")) if path.is_file() and not path.is_symlink()
    }


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


# --- the browser side ------------------------------------------------------------------------


@dataclass
class Waiter:
    page: str | None  # the served file the browser shows, e.g. `hankkeet/x/index.html`


@dataclass
class Preview:
    """What requests are answered from, and who is told about a rebuild. Lives on the event loop's thread."""

    root: Path
    out: Path
    builder: Builder
    lang_option: str | None
    allowed: frozenset[str] | None = None
    instance: str = field(default_factory=lambda: os.urandom(6).hex())
    base: str = "/"
    generation: int = 0
    problems: tuple[Problem, ...] | None = None  # not None: every page shows these
    state_since: int = 0
    changed_in: dict[str, int] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    waiters: dict[tornado.websocket.WebSocketHandler, Waiter] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        """The terminal's language: `--lang`, else the site's."""
        return self.lang_option or self.builder.site_lang or "fi"

    @property
    def page_lang(self) -> str:
        """The error page's language: the site's, as its pages are."""
        return self.builder.site_lang or self.lang_option or "fi"

    @property
    def token(self) -> str:
        return f"{self.instance}.{self.generation}"

    # -- builds

    def rebuild(self) -> None:
        self.apply(self.builder.build())

    def apply(self, outcome: Built | Failed, first: bool = False) -> None:
        self.generation += 1
        lang = self.lang
        if isinstance(outcome, Failed):
            _print_problems(outcome.problems, lang)
            print(message(lang, "serve.failed", {}), file=sys.stderr, flush=True)
            if self.problems != outcome.problems:
                self.problems = outcome.problems
                self.state_since = self.generation
                self._reload_all()
            return
        recovering = self.problems is not None
        self.problems = None
        self.base = outcome.base
        for rel in outcome.changed:
            self.changed_in[rel] = self.generation
        if outcome.problems != self.warnings:
            _print_problems(outcome.problems, lang)
            self.warnings = outcome.problems
        if first:
            print(message(lang, "serve.built", {"pages": outcome.pages, "records": outcome.records}), flush=True)
            return
        if recovering:
            self.state_since = self.generation
            print(message(lang, "serve.fixed", {"ms": outcome.ms}), flush=True)
            self._reload_all()
            return
        pages = sum(1 for rel in outcome.changed if rel.endswith(".html"))
        print(message(lang, "serve.rebuilt", {"ms": outcome.ms, "pages": pages}), flush=True)
        self._notify(outcome)

    def _notify(self, outcome: Built) -> None:
        changed = set(outcome.changed)
        if not changed:
            return
        styles = [rel for rel in outcome.changed if rel.endswith(".css")]
        images = [rel for rel in outcome.changed if rel.lower().endswith(_IMAGE_SUFFIXES)]
        for socket_, waiter in list(self.waiters.items()):
            shown = self._shown_file(waiter.page)
            if shown is None or (shown in changed and not (shown in outcome.style_only and styles)):
                self._send(socket_, self._reload_message(waiter.page))
                continue
            # livereload.js swaps a matching stylesheet or image in place, without reloading the page.
            for rel in (styles if shown in changed else []) + images:
                self._send(socket_, {"command": "reload", "path": self.base + rel, "liveCSS": True, "liveImg": True})

    def _shown_file(self, page: str | None) -> str | None:
        if page is None:
            return None
        return page if page in self.builder.files else "404.html"

    def _reload_message(self, page: str | None) -> dict[str, Any]:
        # A path that is neither a stylesheet nor an image makes livereload.js reload the page.
        return {"command": "reload", "path": self.base + (page or ""), "liveCSS": False, "liveImg": False}

    def _reload_all(self) -> None:
        for socket_, waiter in list(self.waiters.items()):
            self._send(socket_, self._reload_message(waiter.page))

    def _send(self, socket_: tornado.websocket.WebSocketHandler, data: dict[str, Any]) -> None:
        try:
            socket_.write_message(json.dumps(data))
        except tornado.websocket.WebSocketClosedError:
            self.waiters.pop(socket_, None)

    # -- browsers

    def connected(self, socket_: tornado.websocket.WebSocketHandler, url: object, token: object) -> None:
        page = page_of(url, self.base) if isinstance(url, str) else None
        self.waiters[socket_] = Waiter(page)
        if self._stale(page, token):
            self._send(socket_, self._reload_message(page))

    def _stale(self, page: str | None, token: object) -> bool:
        """A page served before the latest change to what it shows; it missed that reload."""
        if not isinstance(token, str) or "." not in token:
            return True
        instance, _, served = token.partition(".")
        if instance != self.instance or not served.isdigit():
            return True
        last = self.state_since
        shown = self._shown_file(page)
        if shown is not None:
            last = max(last, self.changed_in.get(shown, 0))
        if page is not None and page != shown:
            last = max(last, self.changed_in.get(page, 0))
        return int(served) < last

    def disconnected(self, socket_: tornado.websocket.WebSocketHandler) -> None:
        self.waiters.pop(socket_, None)


def _print_problems(problems: tuple[Problem, ...], lang: str) -> None:
    if not problems:
        return
    for problem in problems:
        print(printed_line(problem, lang), file=sys.stderr)
    print(summary_line(list(problems), lang), file=sys.stderr, flush=True)


# --- request handlers ------------------------------------------------------------------------


class _HostGuard:
    """Answers only requests addressed to this server's own host names (no DNS rebinding)."""

    preview: Preview
    request: Any
    send_error: Any

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def prepare(self) -> None:
        if not host_allowed(self.request.host, self.preview.allowed):
            self.send_error(403)


class _Guarded(_HostGuard, tornado.web.RequestHandler):

    def set_default_headers(self) -> None:
        # Pages and files change under the same address: the browser must ask every time.
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}\n")


class SiteFiles(_Guarded):
    """Answers only regular files inside the served folder; pages carry the reload script."""

    def head(self) -> None:
        self.get(head=True)

    def get(self, head: bool = False) -> None:
        preview = self.preview
        try:
            rel = site_path(self.request.path, preview.base)
        except Refused as refused:
            self.send_error(refused.status)
            return
        if rel is None:
            if preview.problems is None and self.request.path == "/":
                self.redirect(preview.base)
                return
            rel = "404.html"
        out = os.path.realpath(preview.out)
        target = os.path.realpath(os.path.join(out, *rel.split("/")))
        if target != out and not target.startswith(out + os.sep):
            self.send_error(403)
            return
        if os.path.isdir(target):
            if preview.problems is None:
                self.redirect(self.request.path + "/")
                return
            rel, target = rel + "/index.html", os.path.join(target, "index.html")
        status = 200
        if not os.path.isfile(target):
            status, rel, target = 404, "404.html", os.path.join(out, "404.html")
        html = rel.endswith(".html")
        if preview.problems is not None and (html or not os.path.isfile(target)):
            body, status, html = error_page(list(preview.problems), preview.page_lang).encode("utf-8"), 500, True
            rel = "error.html"
        else:
            try:
                with open(target, "rb") as stream:
                    body = stream.read()
            except OSError:
                self.send_error(404)
                return
        if html:
            body = inject(body, preview.token)
        self.set_status(status)
        self.set_header("Content-Type", content_type(rel))
        self.set_header("Content-Length", str(len(body)))
        # Set here, not left to tornado, so HEAD and GET agree; an unchanged file then answers 304.
        self.set_header("Etag", '"%s"' % hashlib.sha1(body).hexdigest())
        if not head:
            self.write(body)
        self.finish()


class ClientScript(_HostGuard, LiveReloadJSHandler):
    """livereload.js as the package ships it, for this server's own pages only."""

    def set_default_headers(self) -> None:
        # The same file for the server's whole life: a reload need not fetch it again.
        self.set_header("Cache-Control", "max-age=3600")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(f"{status_code}\n")


class ReloadSocket(LiveReloadHandler):
    """livereload's protocol handshake, with this server's origin check and its own list of browsers."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    async def get(self, *args: Any, **kwargs: Any) -> None:
        # Tornado asks `check_origin` only when a browser sends an Origin; the host name is checked always.
        if not host_allowed(self.request.host, self.preview.allowed):
            self.set_status(403)
            self.finish()
            return
        await super().get(*args, **kwargs)

    def check_origin(self, origin: str) -> bool:
        return origin_allowed(origin, self.request.host, self.preview.allowed)

    def on_message(self, message_: str | bytes) -> None:
        try:
            data = json.loads(message_)
        except (ValueError, TypeError):
            self.close()
            return
        if not isinstance(data, dict):
            self.close()
            return
        if data.get("command") == "hello":
            super().on_message(message_)
        elif data.get("command") == "info":
            plugins = data.get("plugins")
            token = plugins.get(PLUGIN_ID, {}).get("version") if isinstance(plugins, dict) else None
            self.preview.connected(self, data.get("url"), token)

    def on_close(self) -> None:
        self.preview.disconnected(self)


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
        now = datetime.now(timezone.utc)
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

