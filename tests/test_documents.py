"""Documents under static/ measured from their files, and PDFs checked with pikepdf: real PDFs made here,
one tagged with a language and a title, one untagged, one encrypted; and a file that is no PDF at all."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import FIXTURE_AS_OF, run_cli
from media_files import pdf
from projcat.engine import pipeline

ALFA = "content/projects/alfa.md"
DOCUMENT = "  - title: Väliraportti\n    url: /tiedostot/valiraportti.pdf\n"


def _with_document(site: Path, extra: str = "") -> Path:
    """alfa.md with one more document, `extra` lines added to it."""
    record = site / "content" / "projects" / "alfa.md"
    text = record.read_text(encoding="utf-8")
    text = text.replace("documents:\n", "documents:\n" + DOCUMENT + extra, 1)
    record.write_text(text, encoding="utf-8")
    return record


def _line_of(record: Path, text: str) -> int:
    return next(i for i, line in enumerate(record.read_text(encoding="utf-8").split("\n"), 1) if text in line)


def _check(site: Path) -> tuple[int, list[str]]:
    result = run_cli("check", "--root", str(site), "--as-of", "2025-06-15")
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr.splitlines()[:-1]


def _file(site: Path) -> Path:
    return site / "static" / "tiedostot" / "valiraportti.pdf"


def test_a_tagged_pdf_with_language_and_title_checks_clean_and_shows_its_type_and_size(
        fixture_site: Path, tmp_path: Path) -> None:
    pdf(_file(fixture_site))
    _with_document(fixture_site, "    accessible: true\n")
    assert _check(fixture_site) == (0, [])
    size = _file(fixture_site).stat().st_size
    pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF)
    page = (tmp_path / "out" / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="/tiedostot/valiraportti.pdf">Väliraportti</a> (PDF, {size} t)' in page


def test_a_pdf_marked_accessible_names_what_it_lacks(fixture_site: Path) -> None:
    pdf(_file(fixture_site), tagged=False, lang=None, title=None)
    record = _with_document(fixture_site, "    accessible: true\n")
    code, lines = _check(fixture_site)
    line = _line_of(record, "accessible: true")
    assert code == 0
    assert [re.sub(r" - .*", "", x) for x in lines] == [
        f"{ALFA}:{line}:17: varoitus: documents[0].accessible: asiakirjan 'Väliraportti' PDF:stä puuttuu kieli",
        f"{ALFA}:{line}:17: varoitus: documents[0].accessible: asiakirja 'Väliraportti' on merkitty saavutettavaksi,"
        " mutta PDF:ssä ei ole rakennetta (tageja)",
        f"{ALFA}:{line}:17: varoitus: documents[0].accessible: asiakirjan 'Väliraportti' PDF:stä puuttuu otsikko",
    ]


def test_a_tagged_pdf_without_a_title_is_named_as_such(fixture_site: Path) -> None:
    pdf(_file(fixture_site), title=None)
    _with_document(fixture_site, "    accessible: true\n")
    _, lines = _check(fixture_site)
    assert len(lines) == 1 and "PDF:stä puuttuu otsikko" in lines[0], lines


def test_an_unmarked_untagged_pdf_is_reported_and_listed_in_the_statement(fixture_site: Path, tmp_path: Path) -> None:
    pdf(_file(fixture_site), tagged=False)
    record = _with_document(fixture_site)
    code, lines = _check(fixture_site)
    assert code == 0
    assert lines == [f"{ALFA}:{_line_of(record, 'valiraportti.pdf')}:10: varoitus: documents[0].url: asiakirjan"
                     " 'Väliraportti' PDF:ssä ei ole rakennetta (tageja): se ilmoitetaan saavutettavuusselosteessa"
                     " saavutettamattomana - tallenna PDF uudelleen tagattuna, tai merkitse accessible: false ja kerro"
                     " syy kentässä accessibility_note"]
    pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF)
    statement = (tmp_path / "out" / "saavutettavuusseloste" / "index.html").read_text(encoding="utf-8")
    item = re.search(r'<a href="/tiedostot/valiraportti.pdf">Väliraportti</a>.*?</li>', statement, re.DOTALL)
    assert item, statement
    assert "PDF-tiedostossa ei ole rakennetta (tageja)" in item.group(0)
    page = (tmp_path / "out" / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    # On the project's page too it is marked as not accessible, with the way to ask for another format.
    entry = re.search(r"<li><a href=\"/tiedostot/valiraportti.pdf\">.*?</li>", page, re.DOTALL)
    assert entry and "document-note--warning" in entry.group(0), page


def test_an_encrypted_or_broken_pdf_is_a_warning_not_a_crash(fixture_site: Path) -> None:
    pdf(_file(fixture_site), encrypted=True)
    record = _with_document(fixture_site, "  - title: Rikki\n    url: /tiedostot/rikki.pdf\n")
    (fixture_site / "static" / "tiedostot" / "rikki.pdf").write_bytes(b"%PDF-1.7\nthis is no PDF\n")
    code, lines = _check(fixture_site)
    assert code == 0
    assert lines[0].startswith(f"{ALFA}:{_line_of(record, 'valiraportti.pdf')}:10: varoitus: documents[0].url:"
                               " asiakirjan 'Väliraportti' PDF on salattu"), lines
    assert lines[1].startswith(f"{ALFA}:{_line_of(record, 'rikki.pdf')}:10: varoitus: documents[1].url: asiakirjan"
                               " 'Rikki' PDF-tiedostoa ei voi lukea"), lines


def test_a_hand_typed_size_that_disagrees_is_a_warning(fixture_site: Path, tmp_path: Path) -> None:
    pdf(_file(fixture_site))
    size = _file(fixture_site).stat().st_size
    record = _with_document(fixture_site, "    size: 4,8 Mt\n")
    code, lines = _check(fixture_site)
    assert code == 0
    assert lines == [f"{ALFA}:{_line_of(record, '4,8 Mt')}:11: varoitus: documents[0].size: asiakirjan kooksi on"
                     f" kirjoitettu '4,8 Mt', mutta tiedosto on {size} tavua - poista kenttä size: sivuston omien"
                     " tiedostojen koko luetaan tiedostosta"]
    # What a page shows is the file's own size, whatever was typed.
    pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF)
    page = (tmp_path / "out" / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    assert f"Väliraportti</a> (PDF, {size} t)" in page and "4,8 Mt" not in page


def test_a_remote_document_keeps_its_typed_size(fixture_site: Path, tmp_path: Path) -> None:
    record = fixture_site / "content" / "projects" / "alfa.md"
    text = record.read_text(encoding="utf-8").replace(
        "documents:\n", "documents:\n  - title: Etäraportti\n    url: https://example.fi/r.pdf\n    size: 2,5 Mt\n", 1)
    record.write_text(text, encoding="utf-8")
    assert _check(fixture_site) == (0, [])
    pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF)
    page = (tmp_path / "out" / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    assert "Etäraportti</a> (PDF, 2,5 Mt)" in page


def test_the_open_data_links_show_type_and_size(tmp_path: Path) -> None:
    from conftest import FIXTURE_SITE

    out = tmp_path / "out"
    pipeline.build(FIXTURE_SITE, out, FIXTURE_AS_OF)
    index = (out / "index.html").read_text(encoding="utf-8")
    csv_size = round((out / "hankkeet.csv").stat().st_size / 1000)
    assert f'<a href="/hankkeet.csv">hankkeet.csv</a> (CSV, {csv_size} kt)' in index
    assert re.search(r'<a href="/hankkeet.json">hankkeet.json</a> \(JSON, \d+ kt\)', index)
    assert re.search(r'<a href="/feed.xml">feed.xml</a> \(XML, \d+ kt\)', index)
