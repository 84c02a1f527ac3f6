"""Issue 15 without a browser: the policy and metadata on every page, the favicon, a CSV that
runs no formula, the check's warning, no change date after the as-of date, a stable search index."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from language_site import build_languages, multilingual_root
from test_history import git, git_site  # noqa: F401 - git_site is a fixture

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, HOSTED_BASE, run_cli
from projcat.content.history import FileDates, History
from projcat.engine import pipeline
from projcat.engine.search_order import stable_bundle
from projcat.render.meta import CONTENT_SECURITY_POLICY
from projcat.render.opendata import defused

BASE = HOSTED_BASE


class _Head(HTMLParser):
    """The head's tags, and any inline script or style attribute anywhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            self.meta.append(values)
        if tag == "link":
            self.links.append(values)
        if tag == "script" and "src" not in values:
            self.inline.append("inline <script>")
        if tag == "style":
            self.inline.append("<style>")
        self.inline += [f"{name}= on <{tag}>" for name in values if name == "style" or name.startswith("on")]

    def one(self, key: str, name: str) -> list[str]:
        return [m.get("content", "") for m in self.meta if m.get(key) == name]

    def rel(self, rel: str) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == rel]


def _head(page: Path) -> _Head:
    head = _Head()
    head.feed(page.read_text(encoding="utf-8"))
    return head


def _pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if "pagefind" not in p.parts)


@pytest.fixture(scope="module")
def hosted(built_hosted_fixture: Path) -> Path:
    return built_hosted_fixture


def test_every_page_carries_the_policy_and_no_inline_code(hosted: Path) -> None:
    pages = _pages(hosted)
    assert len(pages) == 15
    for page in pages:
        head = _head(page)
        assert head.one("http-equiv", "Content-Security-Policy") == [CONTENT_SECURITY_POLICY], page
        assert head.inline == [], page
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["style-src"] == "'self'"
    assert (directives["object-src"], directives["base-uri"], directives["form-action"]) == (
        "'none'", "'self'", "'self'")


def test_every_page_has_description_open_graph_and_canonical(hosted: Path) -> None:
    for page in _pages(hosted):
        rel = page.relative_to(hosted).as_posix()
        head = _head(page)
        description = head.one("name", "description")
        assert len(description) == 1 and description[0].strip(), rel
        assert head.one("property", "og:description") == description, rel
        assert head.one("property", "og:site_name") == ["Testihankkeet"], rel
        assert head.one("property", "og:locale") == ["fi_FI"], rel
        title = head.one("property", "og:title")
        assert len(title) == 1 and title[0], rel
        kind = ["article"] if rel.startswith("hankkeet/") else ["website"]
        assert head.one("property", "og:type") == kind, rel
        if rel == "404.html":
            assert head.one("name", "robots") == ["noindex"]
            assert head.one("property", "og:url") == [] and head.rel("canonical") == []
        else:
            address = BASE + rel.removesuffix("index.html")
            assert head.one("name", "robots") == [], rel
            assert head.one("property", "og:url") == [address], rel
            assert head.rel("canonical") == [address], rel
        # The default favicon, which the build publishes.
        assert head.rel("icon") == ["/hankkeet/assets/favicon.svg"], rel
    assert (hosted / "assets" / "favicon.svg").read_bytes().startswith(b"<svg")
    index = _head(hosted / "index.html")
    assert index.one("name", "description") == ["Testilän kaupungin kehittämishankkeet teemoittain."]
    theme = _head(hosted / "teemat" / "asuminen" / "index.html")
    assert theme.one("name", "description") == ["Asumisen ja kaupunkirakenteen hankkeet."]
    assert theme.one("property", "og:title") == ["Asuminen"]


def test_favicon_and_sharing_image_from_site_yaml(fixture_site: Path, tmp_path: Path) -> None:
    site = fixture_site / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "favicon: /kuvat/logo.png\nimage: /kuvat/jako.png\n",
                    encoding="utf-8")
    # Both must be files of the site: a missing one is an error (tests/test_sitepaths.py).
    (fixture_site / "static" / "kuvat").mkdir(parents=True, exist_ok=True)
    for name in ("logo.png", "jako.png"):
        (fixture_site / "static" / "kuvat" / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, base_url=BASE)
    for page in (out / "index.html", out / "hankkeet" / "alfa" / "index.html", out / "404.html"):
        head = _head(page)
        assert [link for link in head.links if link.get("rel") == "icon"] == [
            {"rel": "icon", "href": "/hankkeet/kuvat/logo.png", "type": "image/png"}]
        assert head.one("property", "og:image") == [BASE + "kuvat/jako.png"]
    # Without a host, og:image (which must be absolute) is left out; the favicon stays.
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, base_url="/")
    head = _head(out / "index.html")
    assert head.one("property", "og:image") == [] and head.rel("icon") == ["/kuvat/logo.png"]


def test_og_locale_follows_each_language(tmp_path: Path) -> None:
    out = build_languages(multilingual_root(tmp_path / "src"), tmp_path / "site")
    for page, locale, others in ((out / "index.html", "fi_FI", ["sv_FI", "en_GB"]),
                                 (out / "sv" / "index.html", "sv_FI", ["fi_FI", "en_GB"]),
                                 (out / "en" / "index.html", "en_GB", ["fi_FI", "sv_FI"])):
        head = _head(page)
        assert head.one("property", "og:locale") == [locale]
        assert head.one("property", "og:locale:alternate") == others


# --- the CSV -------------------------------------------------------------------------------------

RISKY = {
    "title": "=HYPERLINK(\"http://example.com\",\"Klikkaa\")",
    "summary": "+358 40 123 4567",
    "lead": "-1+1",
    "partners": ["@SUM(1+1)*cmd|' /C calc'!A0", "Tavallinen kumppani"],
    # Tabs and carriage returns at the ends of a text are trimmed when a record is read:
    # only `defused` below meets them.
    "keywords": ["=1+2", "tavallinen"],
}


def _risky_record(root: Path) -> None:
    record = root / "content" / "projects" / "kaava.md"
    front = json.dumps({**RISKY, "theme": "asuminen", "start": "2024-01-01"}, ensure_ascii=False)
    # JSON is YAML: every value exactly as written, tab and carriage return included.
    record.write_text(f"---\n{front}\n---\n\nKuvaus.\n", encoding="utf-8")


def test_the_csv_defuses_formulas_and_the_json_keeps_them(fixture_site: Path, tmp_path: Path) -> None:
    _risky_record(fixture_site)
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    text = (out / "hankkeet.csv").read_bytes().decode("utf-8-sig")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=";")}
    row = rows["kaava"]
    assert row["title"] == "'" + RISKY["title"]
    assert row["summary"] == "'+358 40 123 4567"
    assert row["lead"] == "'-1+1"
    assert row["partners"] == "'@SUM(1+1)*cmd|' /C calc'!A0; Tavallinen kumppani"
    assert row["keywords"] == "'=1+2; tavallinen"
    # No cell of any row begins like a formula.
    assert [cell for r in rows.values() for cell in r.values() if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    record = next(p for p in json.loads((out / "hankkeet.json").read_text())["projects"] if p["slug"] == "kaava")
    assert {name: record["record"][name] for name in RISKY} == RISKY


@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("1-2", "1-2"), ("a=b", "a=b"), ("", ""), (" =x", " =x"),
])
def test_defused_cells(cell: str, written: str) -> None:
    assert defused(cell) == written


def test_check_warns_at_a_text_beginning_with_an_equals_sign(fixture_site: Path) -> None:
    _risky_record(fixture_site)
    record = fixture_site / "content" / "projects" / "kaava.md"
    record.write_text("---\ntitle: Tavallinen\nsummary: =1+1\ntheme: asuminen\npartners:\n  - Kumppani\n"
                      "  - '=A1'\n---\n\nKuvaus.\n", encoding="utf-8")
    result = run_cli("check", "--root", str(fixture_site))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "kaava.md" in line]
    assert len(lines) == 2, lines
    assert lines[0].startswith("content/projects/kaava.md:3:") and "summary" in lines[0]
    assert lines[1].startswith("content/projects/kaava.md:7:") and "partners[1]" in lines[1]
    assert all("kaavaksi" in line for line in lines)


# --- dates ---------------------------------------------------------------------------------------

def test_history_until_clamps_changes_but_keeps_additions() -> None:
    history = History({"a.md": FileDates(date(2025, 1, 1), date(2025, 5, 1)),
                       "b.md": FileDates(date(2025, 5, 20), date(2025, 5, 20)),
                       "c.md": FileDates(date(2024, 1, 1), date(2024, 2, 1))})
    until = history.until(date(2025, 3, 1))
    assert until.changed("a.md") == date(2025, 3, 1)
    assert until.changed("b.md") == date(2025, 3, 1) and until.added("b.md") == date(2025, 5, 20)
    assert until.changed("c.md") == date(2024, 2, 1)
    assert history.until(date(2026, 1, 1)) is history


_ISO_DAY = re.compile(r"\b(20\d\d-\d\d-\d\d)")


def test_a_build_for_a_past_date_shows_no_change_after_it(git_site: Path, tmp_path: Path) -> None:  # noqa: F811
    """Commits on 10.1., 5.3. and 20.5.2025; a build as of 1.4.2025 dates nothing later."""
    as_of = date(2025, 4, 1)
    out = tmp_path / "site"
    pipeline.build(git_site, out, as_of, base_url=BASE)
    beeta = (out / "hankkeet" / "beeta" / "index.html").read_text(encoding="utf-8")
    assert 'datetime="2025-03-05"' in beeta     # its own edit, before the date
    uusi = (out / "hankkeet" / "uusi" / "index.html").read_text(encoding="utf-8")
    last = re.search(r'<p class="last-changed">.*?datetime="([\d-]+)"', uusi)
    assert last is not None and last.group(1) == "2025-04-01"
    data = json.loads((out / "hankkeet.json").read_text(encoding="utf-8"))
    assert data["updated"] <= as_of.isoformat()
    assert {p["slug"]: p["last_changed"] for p in data["projects"]}["uusi"] == "2025-04-01"
    assert all(p["last_changed"] <= as_of.isoformat() for p in data["projects"] if p["last_changed"])
    rows = csv.DictReader(io.StringIO((out / "hankkeet.csv").read_bytes().decode("utf-8-sig")), delimiter=";")
    assert all(r["last_changed"] <= as_of.isoformat() for r in rows if r["last_changed"])
    feed = ET.parse(out / "feed.xml").getroot()
    assert all(u.text[:10] <= as_of.isoformat() for u in feed.iter("{http://www.w3.org/2005/Atom}updated"))  # type: ignore[index]
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    lastmods = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod")]
    assert lastmods and all(day is not None and day <= as_of.isoformat() for day in lastmods)
    # On the pages: every "last changed" date, and the footer's.
    for page in _pages(out):
        text = html.unescape(page.read_text(encoding="utf-8"))
        for found in re.finditer(r'<p class="last-changed">.*?</p>', text):
            assert all(day <= as_of.isoformat() for day in _ISO_DAY.findall(found.group(0))), page
    assert "Tiedot päivitetty 1.4.2025." in (out / "index.html").read_text(encoding="utf-8")


# --- the search index ----------------------------------------------------------------------------

def test_the_search_index_is_the_same_bytes_every_build(tmp_path: Path) -> None:
    """Pagefind writes its filter indexes in hash-map order; the build sorts them, so a
    rebuild of unchanged pages writes the very same files."""
    from projcat.engine.search import build_index

    out = tmp_path / "site"
    built = pipeline.build(FIXTURE_SITE, out, FIXTURE_AS_OF)
    pages = [(name, data) for name, data in built.files.items() if name.startswith("hankkeet/")]
    first = build_index(pages, "fi")
    assert [name for name in first if "/filter/" in name]
    for _ in range(3):
        assert build_index(pages, "fi") == first
    assert stable_bundle(first) == first
