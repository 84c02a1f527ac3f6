"""One preview's state on the event loop: what requests are answered from, and who is told about a rebuild.

A rebuild's outcome is printed for the editor in the terminal and sent to
the connected browsers: a reload of the page a browser shows when that page
changed, a stylesheet or image swapped in place when only that changed, and
a reload of every page when the content starts or stops having problems.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.websocket

from projcat.preview.builder import Builder, Built, Failed
from projcat.preview.serving import page_of
from projcat.problems import Problem, printed_line, summary_line
from projcat.render.addresses import NOT_FOUND
from projcat.strings import message

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif")


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
        return page if page in self.builder.files else NOT_FOUND

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

