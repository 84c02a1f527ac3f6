"""The shipped Hämeenlinna content: it checks clean and every seed project lands where it belongs."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from projcat.engine import pipeline

# Every project of the seed page, by slug, with the theme heading it sits under
# there (None: listed under "Päättyneet hankkeet" with no theme).
SEED = {
    "teemme-yhdessa": "elinvoimainen-asumiskaupunki",
    "oikeus-oppia": "hyvinvointi",
    "digikilta-3": "hyvinvointi",
    "kerhoiloa-2021": "hyvinvointi",
    "kestavan-elamantavan-opinpolku": "hyvinvointi",
    "opitaan-luonnossa": "hyvinvointi",
    "avoin-kunta": "resurssiviisaus",
    "digiagenda": "resurssiviisaus",
    "ilmastoparkki": "resurssiviisaus",
    "hiilineutraali-hameenlinna": "resurssiviisaus",
    "kaupunkiviljely": "resurssiviisaus",
    "tyopaikkojen-liikkumisen-ohjaus": "resurssiviisaus",
    "smart-city-mobility": "resurssiviisaus",
    "valinnanvapauskokeilu": None,
    "international-talents": None,
}
# On the seed's own date these were already over (the seed lists them as ended,
# or their end date had passed).
ENDED_2021 = {"tyopaikkojen-liikkumisen-ohjaus", "valinnanvapauskokeilu", "international-talents",
              "opitaan-luonnossa"}
# The climate programme has no dates: a standing programme stays current.
STANDING = {"hiilineutraali-hameenlinna"}


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="/hankkeet/([a-z0-9-]+)/"', html))


def test_shipped_content_checks_without_errors() -> None:
    result = pipeline.check(REPO, date(2021, 10, 26))
    assert result.ok, [p.format("en") for p in result.problems if p.is_error]
    assert sorted(r.slug for r in result.records) == sorted(SEED)


def test_every_seed_project_has_a_page(built_shipped: Path) -> None:
    for slug in SEED:
        assert (built_shipped / "hankkeet" / slug / "index.html").is_file(), slug


def test_on_the_seed_date_projects_sit_under_their_theme(built_shipped: Path) -> None:
    index = (built_shipped / "index.html").read_text()
    archive = (built_shipped / "paattyneet" / "index.html").read_text()
    for slug, theme in SEED.items():
        theme_page = (built_shipped / "teemat" / theme / "index.html").read_text() if theme else ""
        if slug in ENDED_2021:
            assert slug in _links(archive), slug
            assert slug not in _links(index), slug
        else:
            assert slug in _links(index), slug
            assert slug not in _links(archive), slug
        if theme:
            assert slug in _links(theme_page), slug


def test_today_every_dated_project_is_in_the_archive(tmp_path: Path) -> None:
    built = pipeline.build(REPO, tmp_path / "site", date(2026, 11, 27))
    archive = (tmp_path / "site" / "paattyneet" / "index.html").read_text()
    index = (tmp_path / "site" / "index.html").read_text()
    assert _links(archive) == set(SEED) - STANDING
    assert _links(index) == STANDING
    assert built.check.catalogue is not None
    assert built.check.catalogue.next_change is None


@pytest.mark.parametrize(
    "slug, facts",
    [
        ("digiagenda", ["246\u00a0500\u00a0€", "112\u00a0200\u00a0€", "enintään 507\u00a0300\u00a0€",
                        '<time datetime="2021-11">11/2021</time>', "jari.harvio@hameenlinna.fi"]),
        ("tyopaikkojen-liikkumisen-ohjaus", ['<time datetime="2020">2020</time>–<time datetime="2021">2021</time>',
                                             "Päättynyt"]),
        ("valinnanvapauskokeilu", ['<time datetime="2019-08-31">31.8.2019</time> asti',
                                   "Valinnanvapauskokeilun loppuraportti"]),
        ("international-talents", ['lang="en"', "Asiakirja ei ole saavutettava."]),
        ("opitaan-luonnossa", ["68\u00a0850\u00a0€", "Opetushallitus"]),
        ("teemme-yhdessa", ['<time datetime="2020-02-01">1.2.2020</time>–<time datetime="2022-01-31">31.1.2022</time>',
                            'href="mailto:hilkka.luukkonen@hameenlinna.fi"']),
    ],
)
def test_seed_facts_reach_the_page(built_shipped: Path, slug: str, facts: list[str]) -> None:
    html = (built_shipped / "hankkeet" / slug / "index.html").read_text()
    for fact in facts:
        assert fact in html, (slug, fact)


def test_page_level_document_is_on_the_index(built_shipped: Path) -> None:
    index = (built_shipped / "index.html").read_text()
    assert "Kehittämishankkeet 2021" in index
    assert "Asiakirja ei ole saavutettava." in index
