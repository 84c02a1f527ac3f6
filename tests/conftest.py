"""Shared fixtures: the fixture site, the shipped site, a static server, a real browser."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = REPO / "tests" / "fixtures" / "sample-site"
FIXTURE_AS_OF = date(2025, 6, 15)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_cli(*args: str, cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point, as a user types it."""
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), *args],
        cwd=cwd, capture_output=True, text=True, input=stdin, timeout=300,
    )


def copy_site(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", ".cache"))
    return target


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A private copy of the fixture site that a test may change."""
    return copy_site(FIXTURE_SITE, tmp_path / "site-src")


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from projcat.build import pipeline

    out = tmp_path_factory.mktemp("fixture") / "site"
    # With the search index, as a published build: the search page is checked as shipped.
    pipeline.build(FIXTURE_SITE, out, FIXTURE_AS_OF, search=True)
    return out


@pytest.fixture(scope="session")
def built_shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from projcat.build import pipeline

    out = tmp_path_factory.mktemp("shipped") / "site"
    pipeline.build(REPO, out, date(2021, 10, 26), search=True)
    return out


class StaticServer:
    """Serves a folder on 127.0.0.1 under an optional sub-path, quietly."""

    def __init__(self, folder: Path, prefix: str = "/") -> None:
        self.folder = folder
        self.prefix = prefix
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:
                if not path.startswith(outer.prefix):
                    return str(outer.folder / "__outside_prefix__")
                return super().translate_path("/" + path[len(outer.prefix):])

            def log_message(self, *args: object) -> None:
                pass

        handler = functools.partial(Handler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def url(self) -> str:
        return self.origin + self.prefix

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def static_server() -> Iterator[type[StaticServer]]:
    servers: list[StaticServer] = []

    def start(folder: Path, prefix: str = "/") -> StaticServer:
        server = StaticServer(folder, prefix)
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright; never a downloaded build."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run 'bash scripts/ensure-test-tools.sh'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page_in(browser: object) -> Iterator[object]:
    """A fresh page factory whose requests may only reach 127.0.0.1."""
    contexts = []

    def make(width: int = 1280, height: int = 900, javascript: bool = True) -> object:
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )

        def only_local(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if url.startswith(("http://127.0.0.1", "data:", "about:")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                route.abort()  # type: ignore[attr-defined]

        context.route("**/*", only_local)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
