"""Which text of a record each language version shows, and in which language: decided once, so the
pages, the open data and the feed say the same (issue 20, part B).

Built from a copy of the bilingual example whose Swedish `rantapuisto` gives a title and a
description but no summary and no keywords: the Swedish version shows the Finnish ones, marked as
Finnish."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from test_example_bilingual import AS_OF

from conftest import REPO, copy_site
from projcat.engine import pipeline

EXAMPLE = REPO / "examples" / "kaksikielinen"
PREFIXES = {"fi": "", "sv": "sv/", "en": "en/"}
_CARD = re.compile(r'<li class="project-card">.*?</li>', re.DOTALL)
_CARD_LINK = re.compile(r'<a href="([^"]+)"')
_CARD_SUMMARY = re.compile(r'<p class="project-card__summary"(?: lang="([^"]+)")?>(.*?)</p>', re.DOTALL)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shown")
    root = copy_site(EXAMPLE, folder / "src")
    swedish = root / "content" / "projects" / "rantapuisto.sv.md"
    text = swedish.read_text(encoding="utf-8")
    summary = "summary: I Strandparken byggdes en tillgänglig strandled och nya planteringar.\n"
    assert summary in text
    swedish.write_text(text.replace(summary, ""), encoding="utf-8")
    out = folder / "site"
    pipeline.build(root, out, AS_OF)
    return out


def _rows(out: Path, lang: str) -> dict[str, dict[str, object]]:
    data = json.loads((out / PREFIXES[lang] / "hankkeet.json").read_text(encoding="utf-8"))
    return {row["slug"]: row for row in data["projects"]}


def _cards(out: Path, lang: str) -> dict[str, tuple[str, str]]:
    """Each project's card summary on the language's pages by address: (text, language it is marked in)."""
    found: dict[str, tuple[str, str]] = {}
    folder = out / PREFIXES[lang] if PREFIXES[lang] else out
    for page in folder.rglob("*.html"):
        relative = page.relative_to(out).as_posix()
        if lang == "fi" and relative.startswith(("sv/", "en/")):
            continue
        for card in _CARD.findall(page.read_text(encoding="utf-8")):
            summary = _CARD_SUMMARY.search(card)
            link = _CARD_LINK.search(card)
            if summary and link:
                found[link.group(1)] = (html.unescape(summary.group(2)), summary.group(1) or lang)
    return found


@pytest.mark.parametrize("lang", sorted(PREFIXES))
def test_a_card_shows_the_summary_the_open_data_publishes_in_the_language_it_names(built: Path, lang: str) -> None:
    cards = _cards(built, lang)
    rows = _rows(built, lang)
    assert rows
    for slug, row in rows.items():
        record = row["record"]
        assert isinstance(record, dict) and isinstance(row["other_languages"], dict)
        if record["summary"] is None:
            continue
        summary_lang = row["other_languages"].get("summary", row["language"])
        assert cards[str(row["url"])] == (record["summary"], summary_lang), (lang, slug)


def test_a_swedish_row_names_the_finnish_texts_it_carries(built: Path) -> None:
    row = _rows(built, "sv")["rantapuisto"]
    record = row["record"]
    assert isinstance(record, dict)
    assert row["language"] == "sv" and record["title"] == "Upprustning av Strandparken"
    assert record["summary"] == "Rantapuistoon tehtiin esteetön rantareitti ja uudet istutukset."
    assert record["keywords"] == ["puisto", "esteettömyys"]
    assert row["other_languages"] == {"summary": "fi", "keywords": "fi"}
    assert str(row["description"]).startswith("Strandparkens stigar")
    # A fully translated row, and a row of the main language, name none.
    assert _rows(built, "sv")["nuorisotila"]["other_languages"] == {}
    assert _rows(built, "fi")["rantapuisto"]["other_languages"] == {}
    csv_text = (built / "sv" / "hankkeet.csv").read_text(encoding="utf-8-sig")
    by_slug = {r["slug"]: r for r in csv.DictReader(io.StringIO(csv_text), delimiter=";")}
    assert by_slug["rantapuisto"]["summary"] == record["summary"]
    assert by_slug["rantapuisto"]["other_languages"] == "summary=fi; keywords=fi"
    assert by_slug["nuorisotila"]["other_languages"] == ""


def test_the_swedish_page_marks_the_finnish_summary_and_keywords(built: Path) -> None:
    page = (built / "sv" / "projekt" / "rantapuisto" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Rantapuistoon tehtiin esteetön rantareitti' in page
    assert '<dd lang="fi">puisto, esteettömyys</dd>' in page
    # The description is the translation's own: in the page's language, with no note.
    assert '<div class="prose">' in page and "only-in" not in page


def test_the_feed_gives_each_summary_with_the_language_the_open_data_names(built: Path) -> None:
    feed = (built / "sv" / "feed.xml").read_text(encoding="utf-8")
    rows = {str(row["url"]): row for row in _rows(built, "sv").values()}
    entries = re.findall(r'<link rel="alternate" type="text/html" href="([^"]+)"/>\s*<category [^>]*/>\s*'
                         r'<summary(?: xml:lang="([^"]+)")?>([^<]*)</summary>', feed)
    assert {href for href, _, _ in entries} >= {"/sv/projekt/rantapuisto/"}
    for href, lang, text in entries:
        row = rows[href]
        record = row["record"]
        assert isinstance(record, dict) and isinstance(row["other_languages"], dict)
        assert html.unescape(text) == record["summary"]
        assert (lang or "sv") == row["other_languages"].get("summary", row["language"]), href


def test_a_translation_without_a_description_shows_the_main_files_marked(tmp_path: Path) -> None:
    root = copy_site(EXAMPLE, tmp_path / "src")
    swedish = root / "content" / "projects" / "nuorisotila.sv.md"
    text = swedish.read_text(encoding="utf-8")
    swedish.write_text(text[: text.index("---\n", 4) + 4], encoding="utf-8")
    out = tmp_path / "site"
    pipeline.build(root, out, AS_OF)
    page = (out / "sv" / "projekt" / "nuorisotila" / "index.html").read_text(encoding="utf-8")
    assert '<div class="prose" lang="fi">' in page and "Nuoret suunnittelevat tilan sisustuksen" in page
    assert '<p class="only-in">Projektet beskrivs bara på finska.</p>' in page
    row = _rows(out, "sv")["nuorisotila"]
    assert row["language"] == "sv" and str(row["description"]).startswith("Nuoret suunnittelevat")
    assert row["other_languages"] == {"description": "fi"}
