"""Sharing: every project page has a description and Open Graph tags; og:url only
when the site's full address is known."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURE_AS_OF, REPO
from projcat.engine import pipeline


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[dict[str, str]] = []
        self.canonical: list[str] = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            self.meta.append(values)
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical.append(values["href"])
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data

    def values(self, key: str, name: str) -> list[str]:
        return [m.get("content", "") for m in self.meta if m.get(key) == name]


def _head(page: Path) -> _Head:
    head = _Head()
    head.feed(page.read_text(encoding="utf-8"))
    return head


def test_every_shipped_project_page_has_description_and_open_graph(tmp_path: Path) -> None:
    out = tmp_path / "site"
    built = pipeline.build(REPO, out, date(2021, 10, 26), base_url="https://www.example.fi/hankkeet/")
    for record in built.check.records:
        head = _head(out / "hankkeet" / record.slug / "index.html")
        description = head.values("name", "description")
        assert len(description) == 1 and description[0].strip(), record.slug
        assert head.values("property", "og:title") == [head.h1.strip()], record.slug
        assert head.values("property", "og:description") == description
        assert head.values("property", "og:type") == ["article"]
        url = f"https://www.example.fi/hankkeet/hankkeet/{record.slug}/"
        assert head.values("property", "og:url") == [url]
        assert head.canonical == [url]


def test_without_a_host_og_url_is_left_out(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, base_url="/hankkeet/")
    head = _head(out / "hankkeet" / "alfa" / "index.html")
    assert head.values("property", "og:url") == []
    assert head.canonical == []
    assert head.values("property", "og:title") == ["Alfa – asumisen kokeiluhanke"]


@pytest.mark.parametrize("body, summary, expected", [
    ("Ensimmäinen virke. Toinen virke.", None, "Ensimmäinen virke."),
    ("Kuvaus on tässä.", "Oma tiivistelmä.", "Oma tiivistelmä."),
    ("", None, "Nimetty hanke"),   # no summary, no description: the title
])
def test_description_comes_from_summary_first_sentence_or_title(fixture_site: Path, tmp_path: Path, body: str,
                                                                 summary: str | None, expected: str) -> None:
    front = "title: Nimetty hanke\n" + (f"summary: {summary}\n" if summary else "")
    (fixture_site / "content" / "projects" / "kuvaus.md").write_text(f"---\n{front}---\n\n{body}\n",
                                                                      encoding="utf-8")
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    head = _head(out / "hankkeet" / "kuvaus" / "index.html")
    assert head.values("name", "description") == [expected]
    assert head.values("property", "og:description") == [expected]
