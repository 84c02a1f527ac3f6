"""EU funding as the rules require: the statement's exact words per rules and language, the blocks a
page gets, aims and results, and what the open data carries. The checks of each mistake at its line
are the invalid corpus's cases `eu-funding`, `eu-funding-warnings`, `site-programmes` and
`site-programme-values`; the block's place on the screen is measured in `test_eu_funding_browser`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import EU_FUNDING_AS_OF, REPO, copy_site
from projcat.content.localtext import site_languages
from projcat.content.records import Funding, Project
from projcat.content.settings import Programme, SiteConfig
from projcat.engine import pipeline
from projcat.render.addresses import Urls
from projcat.render.funding_blocks import funding_blocks, statement_lines
from projcat.strings import Strings

EXAMPLE = REPO / "examples" / "kaksikielinen"
AS_OF = EU_FUNDING_AS_OF


def _programme(**fields: object) -> Programme:
    with site_languages(("fi", "sv", "en")):
        return Programme.model_validate(fields)


def _lines(programme: Programme, lang: str, code: str | None = None) -> list[str]:
    return [line.text for line in statement_lines(programme, code, Strings(lang), "fi")]


# The official wordings (Regulation (EU) 2021/1060 Annex IX and the Finnish guidance; Regulation
# 1303/2013 Annex XII and the national slogan; the Recovery and Resilience Facility's), and the
# project's English rendering of the slogan.
STATEMENTS = [
    ({"rules": "eu-2021-2027", "statement": "funded"}, None, {
        "fi": ["Euroopan unionin rahoittama"],
        "sv": ["Finansieras av Europeiska unionen"],
        "en": ["Funded by the European Union"]}),
    ({"rules": "eu-2021-2027", "statement": "co-funded", "fund": "Euroopan aluekehitysrahasto"}, None, {
        "fi": ["Euroopan unionin osarahoittama"],
        "sv": ["Medfinansieras av Europeiska unionen"],
        "en": ["Co-funded by the European Union"]}),
    ({"rules": "eu-2014-2020", "fund": {"fi": "Euroopan sosiaalirahasto", "sv": "Europeiska socialfonden",
                                        "en": "European Social Fund"}}, None, {
        "fi": ["Euroopan unioni", "Euroopan sosiaalirahasto", "Vipuvoimaa EU:lta 2014–2020"],
        "sv": ["Europeiska unionen", "Europeiska socialfonden", "Hävkraft från EU 2014–2020"],
        "en": ["European Union", "European Social Fund", "Leverage from the EU 2014–2020"]}),
    ({"rules": "nextgenerationeu"}, None, {
        "fi": ["Euroopan unionin rahoittama – NextGenerationEU"],
        "sv": ["Finansieras av Europeiska unionen – NextGenerationEU"],
        "en": ["Funded by the European Union – NextGenerationEU"]}),
    ({"rules": "eu-direct", "statement": "funded"}, "101099999", {
        "fi": ["Euroopan unionin rahoittama", "Avustussopimus nro 101099999"],
        "sv": ["Finansieras av Europeiska unionen", "Bidragsavtal nr 101099999"],
        "en": ["Funded by the European Union", "Grant agreement No 101099999"]}),
    ({"rules": "eu-direct", "statement": "co-funded"}, None, {
        "fi": ["Euroopan unionin osarahoittama"],
        "sv": ["Medfinansieras av Europeiska unionen"],
        "en": ["Co-funded by the European Union"]}),
]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("fields, code, expected", STATEMENTS, ids=lambda v: v.get("rules") if isinstance(v, dict)
                         and "rules" in v else None)
def test_the_statement_is_the_rules_wording_in_each_language(fields: dict[str, object], code: str | None,
                                                             expected: dict[str, list[str]], lang: str) -> None:
    assert _lines(_programme(id="ohjelma", **fields), lang, code) == expected[lang]


def test_a_fund_not_written_in_the_pages_language_is_marked_with_its_own() -> None:
    programme = _programme(id="esr", rules="eu-2014-2020", fund="Euroopan sosiaalirahasto")
    lines = statement_lines(programme, None, Strings("sv"), "fi")
    assert [(line.text, line.lang) for line in lines] == [
        ("Europeiska unionen", None), ("Euroopan sosiaalirahasto", "fi"), ("Hävkraft från EU 2014–2020", None)]


def _site(*programmes: dict[str, object]) -> SiteConfig:
    return SiteConfig.model_validate({
        "title": "T", "organisation": "O", "languages": ["fi", "sv", "en"],
        "themes": [{"id": "a", "name": "A"}], "programmes": list(programmes)})


def _project(*programme_ids: str | None) -> Project:
    return Project(title="Hanke", funding=[Funding(funder=f"Rahoittaja {i}", programme=p)
                                           for i, p in enumerate(programme_ids)])


def test_each_eu_programme_gets_its_block_in_the_records_order_and_national_none() -> None:
    site = _site(
        {"id": "eakr", "rules": "eu-2021-2027", "statement": "co-funded"},
        {"id": "rrf", "rules": "nextgenerationeu"},
        {"id": "valtio", "rules": "national", "name": "Valtionavustus"},
        {"id": "aurora", "rules": "interreg", "logo": "/logot/aurora.svg",
         "logo_alt": {"fi": "Interreg Aurora, Euroopan unionin osarahoittama",
                      "sv": "Interreg Aurora, medfinansieras av Europeiska unionen"}},
    )
    urls = Urls.for_language("/", "sv", "fi")
    blocks = funding_blocks(_project("rrf", "valtio", None, "aurora", "eakr"), site, urls, Strings("sv"))
    assert [b.programme for b in blocks] == ["rrf", "aurora", "eakr"]
    rrf, aurora, eakr = blocks
    assert rrf.emblem_url == "/assets/eu-emblem.svg"
    assert [line.text for line in rrf.lines] == ["Finansieras av Europeiska unionen – NextGenerationEU"]
    # Interreg: the programme's own logo, which holds the emblem, with its alt text; no emblem of ours.
    assert aurora.emblem_url is None and aurora.lines == ()
    assert (aurora.logo_url, aurora.logo_alt, aurora.logo_alt_lang) == (
        "/logot/aurora.svg", "Interreg Aurora, medfinansieras av Europeiska unionen", None)
    english = funding_blocks(_project("aurora"), site, Urls.for_language("/", "en", "fi"), Strings("en"))
    assert (english[0].logo_alt, english[0].logo_alt_lang) == ("Interreg Aurora, Euroopan unionin osarahoittama", "fi")
    assert [line.text for line in eakr.lines] == ["Medfinansieras av Europeiska unionen"]
    assert funding_blocks(_project("valtio", None), site, urls, Strings("sv")) == ()


@pytest.fixture(scope="module")
def example_site(built_bilingual_eu: Path) -> Path:
    return built_bilingual_eu


def _page(out: Path, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("path, statement, headings", [
    ("hankkeet/kosteikot", '<span class="eu-funding__line">Euroopan unioni</span>'
     '<span class="eu-funding__line">Euroopan aluekehitysrahasto</span>'
     '<span class="eu-funding__line">Vipuvoimaa EU:lta 2014–2020</span>', ("Tavoitteet", "Tulokset", "Mittarit")),
    ("sv/projekt/kosteikot", '<span class="eu-funding__line">Europeiska unionen</span>'
     '<span class="eu-funding__line">Europeiska regionala utvecklingsfonden</span>'
     '<span class="eu-funding__line">Hävkraft från EU 2014–2020</span>', ("Mål", "Resultat", "Indikatorer")),
    ("en/projects/kosteikot", '<span class="eu-funding__line">European Union</span>'
     '<span class="eu-funding__line">European Regional Development Fund</span>'
     '<span class="eu-funding__line">Leverage from the EU 2014–2020</span>', ("Aims", "Results", "Indicators")),
])
def test_the_page_shows_the_block_first_and_aims_and_results_under_their_headings(
        example_site: Path, path: str, statement: str, headings: tuple[str, str, str]) -> None:
    page = _page(example_site, path)
    assert statement in page
    aims, results, indicators = headings
    # The block right after the h1, before the facts; then aims, results and the indicators' table.
    assert page.index("</h1>") < page.index('class="eu-funding"') < page.index('<dl class="facts">')
    assert page.index(f"<h2>{aims}</h2>") < page.index(f"<h2>{results}</h2>") < page.index(f"<caption>{indicators}")
    assert page.count('class="eu-funding__emblem" src="/assets/eu-emblem.svg" alt=""') == 1


def test_a_page_with_two_programmes_has_two_blocks(example_site: Path) -> None:
    page = _page(example_site, "en/projects/osaajat-toihin")
    assert page.count('<div class="eu-funding"') == 2
    assert "Co-funded by the European Union" in page and "Grant agreement No 101099999" in page
    # Its aims are the English translation's, its indicators the main file's facts, marked as Finnish.
    assert "The project aims for 200 jobseekers" in page
    assert '<tbody lang="fi">' in page


def test_theme_pages_and_lists_show_no_block(example_site: Path) -> None:
    for path in ("index.html", "teemat/hyvinvointi/index.html", "paattyneet/index.html",
                 "sv/index.html", "en/index.html"):
        text = (example_site / path).read_text(encoding="utf-8")
        assert "eu-funding" not in text and "eu-emblem" not in text, path


def test_the_emblem_ships_with_the_theme_and_nothing_is_hotlinked(example_site: Path) -> None:
    svg = (example_site / "assets" / "eu-emblem.svg").read_text(encoding="utf-8")
    assert 'viewBox="0 0 810 540"' in svg and 'fill="#003399"' in svg and 'fill="#FFCC00"' in svg
    assert svg.count("<polygon") == 12 and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_open_data_carries_programme_rules_code_aims_results_and_indicators(example_site: Path) -> None:
    data = json.loads((example_site / "hankkeet.json").read_text(encoding="utf-8"))
    project = next(p for p in data["projects"] if p["slug"] == "osaajat-toihin")
    funding = project["record"]["funding"]
    assert [(f["programme"], f["code"]) for f in funding] == [
        ("esr-plus-2021-2027", "S30999"), ("horisontti-eurooppa", "101099999"), (None, None)]
    assert project["funding_rules"] == ["eu-2021-2027", "eu-direct", None]
    assert project["record"]["aims"].startswith("Hankkeen tavoitteena on")
    assert project["record"]["indicators"][0] == {"name": "Osallistujat", "unit": "henkilöä", "target": "200",
                                                  "actual": "118"}
    english = json.loads((example_site / "en" / "hankkeet.json").read_text(encoding="utf-8"))
    ended = next(p for p in english["projects"] if p["slug"] == "kosteikot")
    assert ended["record"]["results"].startswith("The project built three wetlands.")
    rows = list(csv.DictReader(io.StringIO((example_site / "hankkeet.csv").read_text("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r["slug"] == "osaajat-toihin")
    assert (row["funding_1_programme"], row["funding_1_rules"], row["funding_1_code"]) == (
        "esr-plus-2021-2027", "eu-2021-2027", "S30999")
    assert (row["funding_2_rules"], row["funding_3_rules"]) == ("eu-direct", "")
    assert row["aims"].startswith("Hankkeen tavoitteena on") and row["indicators_2_name"] == "Mukana olevat yritykset"


def test_a_cached_build_equals_a_cold_one_when_a_programme_changes(tmp_path: Path) -> None:
    """A programme's rules are an input of every page that names it: changing them in site.yaml
    remakes the page and its open data, with the cache as without it."""
    from projcat.engine.memory import MemoryCache

    site = copy_site(EXAMPLE, tmp_path / "src")
    cache = MemoryCache()
    pipeline.build(site, tmp_path / "a", AS_OF, search=False, cache=cache)
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text.replace("statement: co-funded", "statement: funded"), encoding="utf-8")
    warm = pipeline.build(site, tmp_path / "b", AS_OF, search=False, cache=cache)
    cold = pipeline.build(site, tmp_path / "c", AS_OF, search=False)
    assert warm.files == cold.files
    page = (tmp_path / "b" / "hankkeet" / "osaajat-toihin" / "index.html").read_text(encoding="utf-8")
    assert "Euroopan unionin osarahoittama" not in page and page.count("Euroopan unionin rahoittama") == 2


def test_the_shipped_project_names_its_programme_and_keeps_its_sentence_as_its_aims() -> None:
    result = pipeline.check(REPO, date(2021, 10, 26))
    assert result.site is not None
    record = next(r for r in result.records if r.slug == "international-talents")
    programme = result.site.programme(record.project.funding[0].programme)
    assert programme is not None and programme.rules == "eu-2014-2020" and programme.fund == "Euroopan sosiaalirahasto"
    assert record.project.funding[0].code is None and record.project.funding[0].amount_eur is None
    assert record.project.aims == (
        "International talents in Kanta-Häme –hankkeen tavoitteena on parantaa Hämeenlinnan, Riihimäen sekä "
        "Forssan alueella asuvien korkeasti koulutettujen maahanmuuttajien, kantasuomalaisten paluumuuttajien "
        "sekä ulkosuomalaisten työllisyystilannetta palkkatyön tai yrittäjyyden kautta.")
    assert "tavoitteena" not in record.body
    # Ended in 2020 with no results text in the source: a warning, as the rules ask, not an error.
    warnings = [p for p in result.problems if p.path.endswith("international-talents.md") and p.code.startswith(
        "programme.")]
    assert [(p.code, p.severity, p.field) for p in warnings] == [("programme.no_results", "warning", "results")]


def test_results_not_translated_are_marked_with_the_main_language(tmp_path: Path) -> None:
    """A translation with its own aims but no results: the results are the main file's, marked as Finnish."""
    site = copy_site(EXAMPLE, tmp_path / "src")
    swedish = site / "content" / "projects" / "kosteikot.sv.md"
    text = swedish.read_text(encoding="utf-8")
    start = text.index("results: |")
    swedish.write_text(text[:start] + text[text.index("keywords:"):], encoding="utf-8")
    pipeline.build(site, tmp_path / "out", AS_OF, search=False)
    page = _page(tmp_path / "out", "sv/projekt/kosteikot")
    aims = page.split("<h2>Mål</h2>", 1)[1].split("</div>", 1)[0]
    results = page.split("<h2>Resultat</h2>", 1)[1].split("</div>", 1)[0]
    assert aims.startswith('\n<div class="prose">') and "Projektets mål var" in aims
    assert results.startswith('\n<div class="prose" lang="fi">') and "Hankkeessa rakennettiin" in results
