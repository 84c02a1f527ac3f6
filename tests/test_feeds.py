"""Found: sitemap.xml, robots.txt and the Atom feed parse and list the right pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import FIXTURE_AS_OF, HOSTED_BASE, REPO, run_cli
from projcat.engine import pipeline

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = HOSTED_BASE


def _pages(out: Path) -> set[str]:
    """Every page's address, from the files on disk, as the host would serve them."""
    addresses = set()
    for page in out.rglob("*.html"):
        name = page.relative_to(out).as_posix()
        if name != "404.html":
            addresses.add(BASE + name.removesuffix("index.html"))
    return addresses


@pytest.fixture(scope="module")
def published(built_hosted_fixture: Path) -> Path:
    return built_hosted_fixture


def test_sitemap_lists_every_page_once_with_absolute_addresses(published: Path) -> None:
    root = ET.parse(published / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locations = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert len(locations) == len(set(locations))
    assert set(locations) == _pages(published)
    assert BASE + "haku/" in locations and BASE + "hankkeet/alfa/" in locations
    # Outside a git checkout no page's last change is known, so none is claimed.
    assert root.find(f"{SITEMAP}url/{SITEMAP}lastmod") is None


def test_robots_txt_names_the_absolute_sitemap(published: Path) -> None:
    robots = (published / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert robots[:2] == ["User-agent: *", "Disallow:"]
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_without_a_host_there_is_no_sitemap_and_the_build_says_so(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("build", "--root", str(fixture_site), "--out", str(out), "--as-of", "2025-06-15",
                     "--base-url", "/hankkeet/", "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (out / "sitemap.xml").exists()
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap" not in robots and "User-agent: *" in robots
    assert "sitemap.xml jäi tekemättä" in result.stderr


def test_a_sites_own_robots_txt_wins(fixture_site: Path, tmp_path: Path) -> None:
    (fixture_site / "static" / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, base_url=BASE)
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def _rfc3339(text: str | None) -> datetime:
    assert text and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", text), text
    return datetime.fromisoformat(text)


def _feed(out: Path) -> ET.Element:
    return ET.parse(out / "feed.xml").getroot()


def test_feed_has_what_rfc_4287_requires(published: Path) -> None:
    feed = _feed(published)
    assert feed.tag == f"{ATOM}feed"
    # atom:feed: exactly one id, title and updated; an author (no entry has its own).
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Testilän kaupunki"
    assert urlsplit(feed.findtext(f"{ATOM}id") or "").scheme, "the feed id must be an absolute IRI"
    _rfc3339(feed.findtext(f"{ATOM}updated"))
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == [BASE + "feed.xml"]
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    ids = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        ids.append(entry.findtext(f"{ATOM}id"))
        assert urlsplit(ids[-1] or "").scheme == "urn"
        _rfc3339(entry.findtext(f"{ATOM}updated"))
        # No content element, so an alternate link is required.
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert len(alternates) == 1
        assert alternates[0].get("href") in _pages(published)
        assert entry.find(f"{ATOM}content") is None
    assert len(ids) == len(set(ids))
    # The feed's updated is its newest entry's.
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_feed_lists_starts_and_ends_on_or_before_the_as_of_date_newest_first(published: Path) -> None:
    feed = _feed(published)
    entries = [(e.find(f"{ATOM}category").get("term"),  # type: ignore[union-attr]
                 e.find(f"{ATOM}link").get("href", "").removeprefix(BASE + "hankkeet/").strip("/"),  # type: ignore[union-attr]
                 _rfc3339(e.findtext(f"{ATOM}updated")).date())
               for e in feed.findall(f"{ATOM}entry")]
    assert entries == [
        ("ended", "zeta-paattynyt", date(2024, 12, 31)),
        ("started", "smart-city", date(2024, 9, 1)),
        ("started", "alfa", date(2024, 2, 1)),
        ("ended", "beeta", date(2021, 2, 28)),
        ("ended", "delta", date(2020, 12, 31)),
        ("started", "beeta", date(2020, 6, 1)),
        ("started", "delta", date(2019, 1, 1)),
    ]
    # Not yet: alfa ends 31.1.2026, epsilon starts 1/2030. smart-city is marked ended
    # with no end date that has passed, so it has no dated end.
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles[0] == "Hanke päättyi: Zeta" and titles[1] == "Hanke alkoi: Smart City Pilot"


def test_feed_entry_ids_stay_the_same_across_dates_and_hosts(fixture_site: Path, tmp_path: Path) -> None:
    def ids(out: Path) -> dict[str, str]:
        return {e.findtext(f"{ATOM}title") or "": e.findtext(f"{ATOM}id") or ""
                for e in _feed(out).findall(f"{ATOM}entry")}

    one, two = tmp_path / "one", tmp_path / "two"
    pipeline.build(fixture_site, one, date(2025, 6, 15), base_url=BASE)
    pipeline.build(fixture_site, two, date(2026, 6, 15), base_url="/")
    first, second = ids(one), ids(two)
    assert "Hanke päättyi: Alfa – asumisen kokeiluhanke" in second   # new by then
    assert all(second[title] == first[title] for title in first)


def test_feed_links_are_relative_references_without_a_host(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, base_url="/hankkeet/")
    feed = _feed(out)
    served_at = "http://127.0.0.1/hankkeet/feed.xml"
    for link in feed.iter(f"{ATOM}link"):
        href = link.get("href") or ""
        assert href.startswith("/hankkeet/")
        target = urlsplit(urljoin(served_at, href)).path.removeprefix("/hankkeet/")
        assert (out / target / "index.html").is_file() or (out / target).is_file(), href


def test_index_announces_the_feed(published: Path) -> None:
    index = (published / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/hankkeet/feed.xml">',
                     index)


def test_shipped_site_feed_and_sitemap_parse(tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(REPO, out, date(2021, 10, 26), base_url="https://www.hameenlinna.fi/hankkeet/")
    assert len(ET.parse(out / "sitemap.xml").getroot()) == len(list(out.rglob("*.html"))) - 1
    assert _feed(out).findall(f"{ATOM}entry")
