"""`build.py import FILE`: a project list kept in a spreadsheet becomes records that check clean.

A realistic workbook (every column name variant, every date and amount form
a Finnish sheet uses), CSV files as Excel writes them, every bad cell reported
at its sheet, row and column, nothing written while a row is wrong, never an
existing record replaced; and the site's own `hankkeet.csv` imported into an
empty site builds the same pages (a property test).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import run_cli
from projcat.content.load import split_front_matter
from projcat.editors.cells import read_amount, read_date
from projcat.editors.importer import ALIASES, columns
from projcat.editors.sheets import Cell, Sheet
from projcat.engine import pipeline

SITE_YAML = """title: Hankkeet
organisation: Hämeen liitto
base_url: /
themes:
  - id: asuminen
    name: Asuminen
  - id: hyvinvointi
    name: Hyvinvointia edistävä kaupunki
accessibility:
  compliance: not-assessed
  prepared: 2026-01-05
"""
AS_OF = date(2026, 6, 1)


def _site(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    return folder


def _front(path: Path) -> dict[str, Any]:
    front, _body = split_front_matter(path.read_text(encoding="utf-8"), path.name)[:2]
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data


def _workbook(path: Path, rows: list[list[object]], title: str = "Taulukko1") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["Hankkeen nimi", "Teema", "Alkaa", "Päättyy", "Vastuutaho", "Kumppanit", "Rahoittaja", "Rahoitus",
          "Yhteyshenkilö", "Sähköposti", "Puhelin", "Tiivistelmä", "Kuvaus", "WWW"]


def test_a_realistic_workbook_becomes_records_that_check_clean(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    rows: list[list[object]] = [
        HEADER,
        ["Kirjastoauto Kulkuri", "Asuminen", datetime(2020, 2, 1), "31.12.2022", "Hämeen liitto",
         "Kunta A\nKunta B", "Opetushallitus; Euroopan sosiaalirahasto", "68\u00a0850 €; 12\u202f000,50 €",
         "Maija Mallikas", "maija.mallikas@example.fi", "03 123 4567", "Kirjasto kulkee kylissä.",
         "## Tausta\n\nKirjastoauto vie kirjat kyliin.", "https://example.fi/kulkuri"],
        ["Hyvinvointikortti", "hyvinvointi", "2/2021", "2023", "", "", "Sosiaali- ja terveysministeriö",
         "68850,00", "", "", "", "", "", ""],
        [None] * len(HEADER),  # an empty row between groups is skipped
        ["Liikuntaluuri", "Hyvinvointia edistävä kaupunki", 2022, "", "", "", "Kunta", 5000, "", "", "", "", "", ""],
        ["Kirjastoauto Kulkuri", "", "2024", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    sheet = _workbook(tmp_path / "hankkeet.xlsx", rows)
    done = run_cli("import", str(sheet), "--root", str(site))
    assert done.returncode == 0, done.stderr
    # The second "Kirjastoauto Kulkuri" gets a suffix, with a warning at its title cell.
    assert "hankkeet.xlsx:Taulukko1:6:A: varoitus: title:" in done.stderr
    records = site / "content" / "projects"
    assert sorted(p.name for p in records.iterdir()) == [
        "hyvinvointikortti.md", "kirjastoauto-kulkuri-2.md", "kirjastoauto-kulkuri.md", "liikuntaluuri.md"]
    first = _front(records / "kirjastoauto-kulkuri.md")
    assert first["theme"] == "asuminen" and first["start"] == "2020-02-01" and first["end"] == "2022-12-31"
    assert first["partners"] == ["Kunta A", "Kunta B"]
    assert first["funding"] == [{"funder": "Opetushallitus", "amount_eur": 68850},
                                {"funder": "Euroopan sosiaalirahasto", "amount_eur": 12000.5}]
    assert first["contacts"] == [{"name": "Maija Mallikas", "email": "maija.mallikas@example.fi",
                                  "phone": "03 123 4567"}]
    assert first["summary"] == "Kirjasto kulkee kylissä."
    assert first["documents"][0]["url"] == "https://example.fi/kulkuri"
    assert (records / "kirjastoauto-kulkuri.md").read_text(encoding="utf-8").endswith(
        "## Tausta\n\nKirjastoauto vie kirjat kyliin.\n")
    second = _front(records / "hyvinvointikortti.md")
    assert second["start"] == "2021-02" and second["end"] == "2023"
    assert second["funding"] == [{"funder": "Sosiaali- ja terveysministeriö", "amount_eur": 68850}]
    third = _front(records / "liikuntaluuri.md")
    assert third["theme"] == "hyvinvointi" and str(third["start"]) == "2022"
    assert third["funding"] == [{"funder": "Kunta", "amount_eur": 5000}]
    # An imported record looks like a `new` one: every other field commented out under its explanation.
    assert "# short_title:" in (records / "liikuntaluuri.md").read_text(encoding="utf-8")
    checked = run_cli("check", "--root", str(site), "--as-of", AS_OF.isoformat())
    assert checked.returncode == 0, checked.stderr
    assert "virhe:" not in checked.stderr


def test_each_bad_cell_is_reported_at_its_sheet_row_and_column_and_nothing_is_written(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    rows: list[list[object]] = [
        ["Nimi", "Teema", "Alku", "Loppu", "Rahoittaja", "Summa", "Sähköposti", "Muistiinpanot"],
        ["Hyvä hanke", "asuminen", "1.1.2020", "", "", "", "", ""],
        ["Huono päivä", "asuminen", "31.2.2020", "", "", "", "", ""],
        ["Huono teema", "Asumine", "2020", "", "", "", "", ""],
        ["Huono summa", "", "2020", "", "EU", "paljon", "", ""],
        ["", "asuminen", "2020", "", "", "", "", ""],
        ["Huono osoite", "", "2020", "", "", "", "ei osoite", ""],
        ["Väärin päin", "", "2022", "2020", "", "", "", ""],
        ["Kenen rahaa", "", "2022", "", "", "5 000", "", ""],
        ["Yhteinen summa", "", "2022", "", "EU; Kunta", "5 000", "", ""],
    ]
    sheet = _workbook(tmp_path / "hankkeet.xlsx", rows)
    done = run_cli("import", str(sheet), "--root", str(site))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    expected = [
        "hankkeet.xlsx:Taulukko1:1:H: varoitus: Muistiinpanot:",
        "hankkeet.xlsx:Taulukko1:3:C: virhe: Alku: '31.2.2020' ei ole päivämäärä",
        "hankkeet.xlsx:Taulukko1:4:B: virhe: Teema: teemaa 'Asumine' ei ole tiedostossa site.yaml"
        " - tarkoititko 'asuminen'?",
        "hankkeet.xlsx:Taulukko1:5:F: virhe: Summa: 'paljon' ei ole euromäärä",
        "hankkeet.xlsx:Taulukko1:6:A: virhe: rivillä ei ole hankkeen nimeä",
        "hankkeet.xlsx:Taulukko1:7:G: virhe: contacts[0].email:",
        "hankkeet.xlsx:Taulukko1:8:D: virhe: end:",
        "hankkeet.xlsx:Taulukko1:9:F: virhe: summalla ei ole rahoittajaa",
        "hankkeet.xlsx:Taulukko1:10:F: virhe: summia on eri määrä kuin rahoittajia (2)",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), f"{start!r} not in:\n{done.stderr}"
    assert "Mitään ei kirjoitettu" in done.stderr
    assert not (site / "content").exists()


def test_the_header_is_found_below_a_title_and_a_blank_row(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    sheet = _workbook(tmp_path / "h.xlsx", [["Kehittämishankkeet 2024"], [], ["Nimi", "Alkaa"], ["Pyörätiet", "x"]])
    done = run_cli("import", str(sheet), "--root", str(site))
    assert done.returncode == 1
    assert "h.xlsx:Taulukko1:4:B: virhe: Alkaa: 'x' ei ole päivämäärä" in done.stderr


def test_a_file_that_is_not_a_sheet_is_named_without_a_traceback(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    (tmp_path / "rikki.xlsx").write_bytes(b"not a zip file")
    (tmp_path / "lista.ods").write_bytes(b"")
    broken = run_cli("import", str(tmp_path / "rikki.xlsx"), "--root", str(site))
    assert broken.returncode == 2 and broken.stderr.startswith("Tiedostoa rikki.xlsx ei voi lukea:")
    other = run_cli("import", str(tmp_path / "lista.ods"), "--root", str(site))
    assert other.returncode == 2 and "lista.ods: anna .xlsx- tai .csv-tiedosto." in other.stderr
    sheet = _workbook(tmp_path / "h.xlsx", [["Nimi"], ["A"]])
    missing = run_cli("import", str(sheet), "--root", str(site), "--sheet", "Muu")
    assert missing.returncode == 2 and "Taulukot: Taulukko1." in missing.stderr
    assert "Traceback" not in broken.stderr + other.stderr + missing.stderr


def test_dry_run_writes_nothing_and_an_existing_record_is_never_replaced(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    sheet = _workbook(tmp_path / "h.xlsx", [["Otsikko", "Aloitus"], ["Vanha hanke", "2020"], ["Uusi hanke", "2021"]])
    dry = run_cli("import", str(sheet), "--root", str(site), "--dry-run")
    assert dry.returncode == 0 and "Koeajo: 2 hanketta" in dry.stdout
    assert not (site / "content").exists()
    records = site / "content" / "projects"
    records.mkdir(parents=True)
    (records / "vanha-hanke.md").write_text("---\ntitle: Vanha hanke\n---\nOma teksti.\n", encoding="utf-8")
    done = run_cli("import", str(sheet), "--root", str(site))
    assert done.returncode == 0, done.stderr
    assert "h.xlsx:Taulukko1:2:A: varoitus: title: content/projects/vanha-hanke.md on jo olemassa" in done.stderr
    assert (records / "vanha-hanke.md").read_text(encoding="utf-8").endswith("Oma teksti.\n")
    assert (records / "uusi-hanke.md").is_file()


def test_csv_as_finnish_excel_writes_it_and_as_others_do(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    finnish = tmp_path / "hankkeet.csv"
    finnish.write_bytes("Hanke;Päättyy;Rahoittaja;Budjetti\r\nSäätiö-hanke;1.2.2020;Säätiö;1 000,50 €\r\n"
                        .encode("cp1252"))
    done = run_cli("import", str(finnish), "--root", str(site))
    assert done.returncode == 0, done.stderr
    other = tmp_path / "projects.csv"
    other.write_text("\ufeffProject name,Ends,Funder,Amount\nHarbour,2025,EU,\"2,000\"\n", encoding="utf-8")
    done = run_cli("import", str(other), "--root", str(site))
    assert done.returncode == 0, done.stderr
    records = site / "content" / "projects"
    assert _front(records / "saatio-hanke.md")["end"] == "2020-02-01"
    assert _front(records / "saatio-hanke.md")["funding"] == [{"funder": "Säätiö", "amount_eur": 1000.5}]
    assert _front(records / "harbour.md")["funding"] == [{"funder": "EU", "amount_eur": 2000}]


def test_a_map_file_overrides_the_usual_names(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    sheet = _workbook(tmp_path / "h.xlsx", [["Kohde", "Nimi"], ["Oikea nimi", "Koodi 17"]])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Kohde: title\nNimi: keywords\n", encoding="utf-8")
    done = run_cli("import", str(sheet), "--root", str(site), "--map", str(mapping))
    assert done.returncode == 0, done.stderr
    assert _front(site / "content" / "projects" / "oikea-nimi.md")["keywords"] == ["Koodi 17"]


@pytest.mark.parametrize(("target", "alias"), [(t, a) for t, names in ALIASES.items() for a in names if t != "-"])
def test_every_usual_column_name_is_recognised(target: str, alias: str) -> None:
    header = (Cell(alias.upper() if len(alias) > 3 else alias, 1, 1), Cell("Nimi", 1, 2))
    found, _problems = columns(Sheet("x.csv", (header,)), header, {})
    assert found[0].target == target


@pytest.mark.parametrize(("value", "expected"), [
    ("1.2.2020", "2020-02-01"), ("01.02.2020", "2020-02-01"), ("2/2020", "2020-02"), ("2020", "2020"),
    ("2020-02-01", "2020-02-01"), (datetime(2020, 2, 1, 0, 0), "2020-02-01"), (date(2021, 3, 4), "2021-03-04"),
    (2020, "2020"),
])
def test_dates_as_finnish_sheets_write_them(value: object, expected: str) -> None:
    assert read_date(Cell(value, 2, 3)) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("68 850 €", (68850, False)), ("68\u00a0850\u00a0€", (68850, False)), ("68\u202f850 €", (68850, False)),
    ("68850,00", (68850, False)), ("68 850,50", (68850.5, False)), ("68.850", (68850, False)),
    ("enintään 5 000 €", (5000, True)), ("2,000", (2000, False)), ("1,250,000.50", (1250000.5, False)),
    (68850, (68850, False)), (1234.5, (1234.5, False)),
])
def test_amounts_as_written(value: object, expected: tuple[float, bool]) -> None:
    assert read_amount(Cell(value, 2, 3)) == expected


# --- round trip: the site's own hankkeet.csv imported into an empty site

WORDS = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzäöåABCÄÖ")), min_size=1, max_size=10)
TITLES = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
MONTHS = st.tuples(st.integers(2015, 2030), st.integers(1, 12))


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {"title": draw(TITLES)}
    if draw(st.booleans()):
        record["theme"] = draw(st.sampled_from(["asuminen", "hyvinvointi"]))
    year, month = draw(MONTHS)
    record["start"] = draw(st.sampled_from([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-15"]))
    if draw(st.booleans()):
        record["end"] = f"{year + draw(st.integers(1, 3))}-{month:02d}"
    if draw(st.booleans()):
        record["summary"] = draw(TITLES) + "."
    if draw(st.booleans()):
        record["lead"] = draw(TITLES)
    partners = draw(st.lists(TITLES, max_size=2, unique=True))
    if partners:
        record["partners"] = partners
    funding = [{"funder": draw(TITLES), "amount_eur": draw(st.integers(1, 2_000_000)), "up_to": draw(st.booleans()),
                **({"note": draw(TITLES)} if draw(st.booleans()) else {})}
               for _ in range(draw(st.integers(0, 2)))]
    if funding:
        record["funding"] = funding
    if draw(st.booleans()):
        record["contacts"] = [{"name": draw(TITLES), "role": draw(TITLES), "email": "etunimi.sukunimi@example.fi",
                               "phone": "03 621 2000"}]
    keywords = draw(st.lists(WORDS, max_size=2, unique=True))
    if keywords:
        record["keywords"] = keywords
    return record


def _write_records(folder: Path, items: list[tuple[dict[str, Any], str]]) -> None:
    content = folder / "content" / "projects"
    content.mkdir(parents=True)
    for number, (front, body) in enumerate(items, start=1):
        text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        (content / f"hanke-{number}.md").write_text(f"---\n{text}---\n{body}\n", encoding="utf-8")


def _pages(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Each example is two builds: few examples, and no shrinking (a failure prints its records as drawn).
@settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck),
          phases=(Phase.explicit, Phase.generate))
@given(st.lists(st.tuples(records(), st.sampled_from(["", "Kuvaus.", "## Tausta\n\nPitkä kuvaus."])),
                min_size=1, max_size=4))
def test_the_sites_own_csv_imported_into_an_empty_site_builds_the_same_pages(
        tmp_path_factory: pytest.TempPathFactory, items: list[tuple[dict[str, Any], str]]) -> None:
    base = tmp_path_factory.mktemp("roundtrip")
    original = _site(base / "original")
    _write_records(original, items)
    pipeline.build(original, base / "out1", AS_OF)
    copy = _site(base / "copy")
    shutil.copy(base / "out1" / "hankkeet.csv", base / "hankkeet.csv")
    done = run_cli("import", str(base / "hankkeet.csv"), "--root", str(copy))
    assert done.returncode == 0, done.stderr
    pipeline.build(copy, base / "out2", AS_OF)
    assert _pages(base / "out2") == _pages(base / "out1")


def test_a_multilingual_sites_csv_files_imported_language_by_language_build_the_same_pages(
        tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "kaksikielinen"
    original = tmp_path / "original"
    shutil.copytree(example, original)
    pipeline.build(original, tmp_path / "out1", AS_OF)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(original / "site.yaml", copy / "site.yaml")
    # The main language's file first: each translation row joins the record written from it.
    for csv_file in ("hankkeet.csv", "sv/hankkeet.csv", "en/hankkeet.csv"):
        done = run_cli("import", str(tmp_path / "out1" / csv_file), "--root", str(copy))
        assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (copy / "content" / "projects").iterdir()) == sorted(
        p.name for p in (original / "content" / "projects").iterdir())
    pipeline.build(copy, tmp_path / "out2", AS_OF)
    assert _pages(tmp_path / "out2") == _pages(tmp_path / "out1")
