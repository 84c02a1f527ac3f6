"""Hosting anywhere: the built site, served over HTTP at the host root or under a
sub-path, has no broken internal link, anchor, stylesheet, script or document."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from conftest import FIXTURE_SITE, REPO, run_cli

# Attributes that make the browser fetch or navigate to another address.
_REFERENCES = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[str] = []
        self.bundles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        for name, value in values.items():
            if (tag, name) in _REFERENCES:
                self.references.append(value)
        if "data-bundle" in values:
            self.bundles.append(values["data-bundle"])


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # 127.0.0.1 only
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


@dataclass
class Crawl:
    pages: dict[str, _Page] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    fetched: set[str] = field(default_factory=set)


def crawl(start: str, extra_pages: dict[str, bytes] | None = None) -> Crawl:
    """Follow every same-origin reference from `start`; record what does not answer 200
    and every `#anchor` whose target page has no element with that id."""
    origin = urlsplit(start).netloc
    result = Crawl()
    queue = [start]
    anchors: list[tuple[str, str, str]] = []

    def parse(url: str, body: bytes) -> None:
        page = _Page()
        page.feed(body.decode("utf-8"))
        result.pages[url] = page
        for reference in page.references:
            target = urljoin(url, reference)
            if urlsplit(target).scheme not in ("http", "https") or urlsplit(target).netloc != origin:
                continue
            address, fragment = urldefrag(target)
            if fragment:
                anchors.append((url, address, fragment))
            queue.append(address)

    for url, body in (extra_pages or {}).items():
        result.fetched.add(url)
        parse(url, body)
    while queue:
        url = queue.pop()
        if url in result.fetched:
            continue
        result.fetched.add(url)
        status, kind, body = _fetch(url)
        if status != 200:
            result.broken.append(f"{url} -> {status}")
            continue
        if kind == "text/html":
            parse(url, body)
    for source, address, fragment in anchors:
        target = result.pages.get(address)
        if target is None or fragment not in target.ids:
            result.broken.append(f"{source}: #{fragment} not found in {address}")
    return result


def _html_pages(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}


def _page_address(server_url: str, output: str) -> str:
    return server_url + (output[: -len("index.html")] if output.endswith("index.html") else output)


def _build(root: Path, out: Path, base_url: str, as_of: str, *extra: str) -> Path:
    result = run_cli("build", "--root", str(root), "--out", str(out), "--base-url", base_url,
                     "--as-of", as_of, *extra)
    assert result.returncode == 0, result.stderr
    return out


SITES = {"fixture": (FIXTURE_SITE, "2025-06-15"), "shipped": (REPO, "2021-10-26")}


@pytest.mark.parametrize("site", sorted(SITES))
@pytest.mark.parametrize("base_url, prefix", [
    ("/hankkeet/", "/hankkeet/"),
    ("https://www.example.fi/hankkeet/", "/hankkeet/"),
    ("/", "/"),
])
def test_every_internal_reference_resolves(site: str, base_url: str, prefix: str, tmp_path: Path,
                                           static_server: object) -> None:
    root, as_of = SITES[site]
    out = _build(root, tmp_path / "site", base_url, as_of)
    server = static_server(out, prefix)  # type: ignore[operator]
    result = crawl(server.url)
    assert result.broken == []
    # Every page is reachable by following links from the front page (404.html is reached by mistakes).
    reached = {url for url, _ in result.pages.items()}
    expected = {_page_address(server.url, name) for name in _html_pages(out) if name != "404.html"}
    assert expected <= reached, sorted(expected - reached)
    # The pages really do live under the prefix: nothing was fetched outside it.
    assert all(urlsplit(url).path.startswith(prefix) for url in result.fetched)


def test_a_root_build_served_under_a_sub_path_is_caught(tmp_path: Path, static_server: object) -> None:
    """The checker itself: a site built for the host root breaks under /hankkeet/."""
    out = _build(FIXTURE_SITE, tmp_path / "site", "/", "2025-06-15", "--no-search")
    server = static_server(out, "/hankkeet/")  # type: ignore[operator]
    result = crawl(server.url)
    assert any("/assets/style.css" in line for line in result.broken)
    assert any("/teemat/asuminen/" in line for line in result.broken)


def test_the_not_found_page_works_at_any_depth(tmp_path: Path, static_server: object) -> None:
    out = _build(FIXTURE_SITE, tmp_path / "site", "/hankkeet/", "2025-06-15", "--no-search")
    server = static_server(out, "/hankkeet/")  # type: ignore[operator]
    body = (out / "404.html").read_bytes()
    for missing in ("ei-ole/", "hankkeet/ei-ole/syvalla/viela/", "teemat/x/y/z/sivu.html"):
        # A web server answers a missing address with 404.html's bytes at that address.
        result = crawl(server.url + "404.html", extra_pages={server.url + missing: body})
        assert result.broken == [], missing
        page = result.pages[server.url + missing]
        assert server.url + "assets/style.css" in {urljoin(server.url + missing, r).split("?")[0]
                                                   for r in page.references}


def test_the_search_bundle_is_served_under_the_sub_path(tmp_path: Path, static_server: object) -> None:
    out = _build(FIXTURE_SITE, tmp_path / "site", "/hankkeet/", "2025-06-15")
    server = static_server(out, "/hankkeet/")  # type: ignore[operator]
    search_page = server.url + "haku/"
    result = crawl(search_page)
    bundles = result.pages[search_page].bundles
    assert bundles == ["/hankkeet/pagefind/"]
    status, _, body = _fetch(urljoin(search_page, bundles[0] + "shards.json"))
    assert status == 200
    shards = json.loads(body)["languages"]["fi"]
    assert shards
    for shard in shards:
        for name in ("pagefind.js", "pagefind-entry.json", "pagefind-worker.js", "wasm.fi.pagefind"):
            status, _, _ = _fetch(urljoin(search_page, f"{bundles[0]}{shard}/{name}"))
            assert status == 200, (shard, name)
