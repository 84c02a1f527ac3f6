"""Shared fixtures: the fixture site, the shipped site, a static server, a real browser."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = REPO / "tests" / "fixtures" / "sample-site"
FIXTURE_AS_OF = date(2025, 6, 15)
BILINGUAL = REPO / "examples" / "kaksikielinen"
# The day the EU funding tests look at the bilingual example (its EU-funded projects as they stand then).
EU_FUNDING_AS_OF = date(2026, 12, 6)
# The address the hosted fixture site is published under (feeds, sitemap, security headers).
HOSTED_BASE = "https://www.example.fi/hankkeet/"
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


def copy_real_site(site: str, target: Path) -> Path:
    """A private copy of the shipped site's sources (`site == "shipped"`) or of the bilingual example."""
    if site != "shipped":
        return copy_site(REPO / "examples" / "kaksikielinen", target)
    target.mkdir()
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    shutil.copytree(REPO / "content", target / "content")
    return target


def holds_untrusted_rows(root: Path) -> bool:
    """Whether the build store kept for `root` cannot be trusted, or any of its rows: every value
    decoded, as no build does (a build decodes a row only when it asks for it)."""
    from projcat.engine import disk

    store = disk.load_store(root)
    if store is None:
        return True
    try:
        for space in store.spaces().values():
            space.items()
    except disk.StoreUntrusted:
        return True
    return False


class ExpectedFiles:
    """Committed expected files, and the switch (an environment variable) that rewrites them.

    With the switch set, a file whose content differs is rewritten, listed at the
    end of the run, and the test fails on purpose: a run that rewrote what it
    compares against has proved nothing until a person has read the diff. In CI
    the switch is refused outright, since there nobody reads that diff."""

    def __init__(self, switch: str, rewritten: list[str]) -> None:
        self.switch = switch
        self.rewritten = rewritten
        self.written: list[str] = []

    @property
    def updating(self) -> bool:
        if not os.environ.get(self.switch):
            return False
        if os.environ.get("CI"):
            pytest.fail(f"{self.switch} is not allowed in CI: expected files are rewritten on a developer's"
                        " machine and reviewed before they are committed", pytrace=False)
        return True

    def rewrite(self, path: Path, data: bytes | None) -> None:
        """Make `path` hold `data` (remove it for `None`) if it does not already; only while updating."""
        assert self.updating
        current = path.read_bytes() if path.is_file() else None
        if current == data:
            return
        if data is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        shown = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
        self.written.append(shown)
        self.rewritten.append(shown)

    def fail_if_rewritten(self) -> None:
        if self.written:
            pytest.fail("expected files rewritten: review with git diff\n  " + "\n  ".join(self.written),
                        pytrace=False)


_REWRITTEN = pytest.StashKey[list[str]]()


@pytest.fixture
def expected_files(request: pytest.FixtureRequest) -> Callable[[str], ExpectedFiles]:
    """`expected_files("UPDATE_X")`: the expected files under that switch."""
    rewritten = request.config.stash.setdefault(_REWRITTEN, [])
    return lambda switch: ExpectedFiles(switch, rewritten)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    rewritten = config.stash.get(_REWRITTEN, [])
    if rewritten:
        terminalreporter.section("expected files rewritten", yellow=True, bold=True)
        for name in rewritten:
            terminalreporter.write_line(f"  {name}")
        terminalreporter.write_line("Review them with git diff before committing; the tests above failed on purpose.")


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A private copy of the fixture site that a test may change."""
    return copy_site(FIXTURE_SITE, tmp_path / "site-src")


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from projcat.engine import pipeline

    out = tmp_path_factory.mktemp("fixture") / "site"
    # With the search index, as a published build: the search page is checked as shipped.
    pipeline.build(FIXTURE_SITE, out, FIXTURE_AS_OF, search=True)
    return out


@pytest.fixture(scope="session")
def built_shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from projcat.engine import pipeline

    out = tmp_path_factory.mktemp("shipped") / "site"
    pipeline.build(REPO, out, date(2021, 10, 26), search=True)
    return out


# The builds below are made once per worker and shared by every module that reads them: a test
# that needs to change a built site copies it first.

@pytest.fixture(scope="session")
def built_bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual example as published (with its search index), on the fixture's date."""
    from projcat.engine import pipeline

    out = tmp_path_factory.mktemp("bilingual") / "site"
    pipeline.build(BILINGUAL, out, FIXTURE_AS_OF, search=True)
    return out


@pytest.fixture(scope="session")
def built_bilingual_eu(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual example on the EU funding tests' day, without a search index."""
    from projcat.engine import pipeline

    out = tmp_path_factory.mktemp("bilingual-eu") / "site"
    pipeline.build(BILINGUAL, out, EU_FUNDING_AS_OF, search=False)
    return out


@pytest.fixture(scope="session")
def built_hosted_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site published under a host and a sub-path, without a search index."""
    from projcat.engine import pipeline

    out = tmp_path_factory.mktemp("hosted") / "site"
    pipeline.build(FIXTURE_SITE, out, FIXTURE_AS_OF, base_url=HOSTED_BASE)
    return out


@pytest.fixture(scope="session")
def built_multilingual_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site in three languages (`language_site`), with its search index."""
    from language_site import build_languages, multilingual_root

    folder = tmp_path_factory.mktemp("multilingual")
    return build_languages(multilingual_root(folder / "src"), folder / "site", search=True)


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

    def make(width: int = 1280, height: int = 900, javascript: bool = True, bypass_csp: bool = False) -> object:
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": height}, java_script_enabled=javascript, bypass_csp=bypass_csp
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
