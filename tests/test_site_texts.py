"""Every text of `site.yaml` a reader sees takes one text per language: a front-page document's
accessibility note, type and size too, shown in each page's language or marked with the one it is in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from language_site import multilingual_root, render_languages

from conftest import FIXTURE_AS_OF, REPO
from projcat.engine import pipeline

OLD_REPORT = """documents:
  - title: {fi: Vanha raportti, sv: Gammal rapport}
    url: https://www.example.fi/vanha.pdf
    type: {fi: kuva-pdf, sv: bild-pdf}
    size: {fi: 2 Mt, sv: 2 MB}
    accessible: false
    accessibility_note: {fi: Skannattu kuva ilman tekstiä., sv: Skannad bild utan text.}
"""


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = multilingual_root(tmp_path_factory.mktemp("tekstit") / "site")
    site = root / "site.yaml"
    text = site.read_text(encoding="utf-8").replace("documents:\n", OLD_REPORT)
    text = text.replace("  assessor: Testilän saavutettavuustarkastajat\n",
                        "  assessor: {fi: Testilän saavutettavuustarkastajat, sv: Testby tillgänglighetsgranskare}\n")
    site.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(site_root: Path) -> dict[str, str]:
    return {name: data.decode("utf-8", "replace") for name, data in render_languages(site_root).items()}


def test_a_document_text_by_language_is_accepted(site_root: Path) -> None:
    result = pipeline.check(site_root, FIXTURE_AS_OF)
    assert result.ok, [p.format("en") for p in result.problems]


def test_each_language_version_shows_its_own_text(built: dict[str, str]) -> None:
    finnish, swedish = built["index.html"], built["sv/index.html"]
    assert "Skannattu kuva ilman tekstiä." in finnish and "(KUVA-PDF, 2 Mt)" in finnish
    assert "Skannad bild utan text." in swedish and "(BILD-PDF, 2 MB)" in swedish
    assert "Skannattu" not in swedish
    statement = built["sv/tillganglighetsutlatande/index.html"]
    assert "Skannad bild utan text." in statement and "Gammal rapport" in statement


def test_a_text_shown_in_another_language_is_marked_with_it(built: dict[str, str]) -> None:
    english = built["en/index.html"]
    assert '<span lang="fi">Skannattu kuva ilman tekstiä.</span>' in english
    assert '(<span lang="fi">KUVA-PDF, 2 Mt</span>)' in english
    statement = built["en/accessibility/index.html"]
    assert '<a href="https://www.example.fi/vanha.pdf" lang="fi">Vanha raportti</a>' in statement
    assert '<span lang="fi">Skannattu kuva ilman tekstiä.</span>' in statement


def test_the_site_schema_takes_a_text_by_language_for_every_document_text() -> None:
    schema = json.loads((REPO / "schema" / "site.schema.json").read_text(encoding="utf-8"))
    document = schema["definitions"]["SiteDocument"]["properties"]
    for field in ("title", "description", "type", "size", "accessibility_note"):
        kinds = [variant.get("type") for variant in document[field].get("oneOf", [])]
        assert "object" in kinds, field


def test_a_size_by_language_is_compared_with_the_file_in_each_language(tmp_path: Path) -> None:
    root = multilingual_root(tmp_path / "site")
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("    size: 1 kt\n", "    size: {fi: 1 kt, sv: 9 MB}\n"),
                    encoding="utf-8")
    result = pipeline.check(root, FIXTURE_AS_OF)
    found = [p.format("en") for p in result.problems if p.code == "document.size_mismatch"]
    assert len(found) == 1 and "documents[0].size.sv" in found[0] and "'9 MB'" in found[0], found


def test_the_statements_site_texts_are_marked_when_shown_in_another_language(built: dict[str, str]) -> None:
    swedish, english = built["sv/tillganglighetsutlatande/index.html"], built["en/accessibility/index.html"]
    assert "Testby tillgänglighetsgranskare" in swedish and 'lang="fi">Testilän saavutettavuus' not in swedish
    assert '<span lang="fi">Testilän saavutettavuustarkastajat</span>' in english
    assert '<span lang="fi">Testilän kaupungin viestintä</span>' in english
    assert '<span lang="fi">Lupa- ja valvontavirasto</span>' in english
    # The feedback channel named where a reader asks for an accessible version of a document.
    assert '<span lang="fi">Testilän kaupungin viestintä</span>, <a href="mailto:' in built["en/index.html"]
    finnish = built["saavutettavuusseloste/index.html"]
    assert "Testilän saavutettavuustarkastajat" in finnish and '<span lang="fi">' not in finnish
