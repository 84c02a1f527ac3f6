"""One address scheme: every kind's URL and output path agree, under any base path."""

from __future__ import annotations

from typing import get_args

import pytest

from conftest import FIXTURE_AS_OF, FIXTURE_SITE
from projcat.engine import pipeline
from projcat.render.addresses import FOLDER_INDEX, KEYED, Kind, PathWords, Urls, output_path
from projcat.render.pages import plan_pages
from projcat.render.views import build_views
from projcat.strings import Strings

KEYS: dict[str, str] = {
    "theme": "ilmasto", "project": "alfa", "asset": "style.css", "document": "/tiedostot/raportti.pdf",
    "search_bundle": "pagefind.js", "image": "0123456789abcdef0123-960.webp", "admin_file": "config.yml",
}
# The addresses the site has always had, at the host root.
SHIPPED = {
    "index": "/", "theme": "/teemat/ilmasto/", "project": "/hankkeet/alfa/", "archive": "/paattyneet/",
    "statement": "/saavutettavuusseloste/", "search": "/haku/", "not_found": "/404.html",
    "asset": "/assets/style.css", "document": "/tiedostot/raportti.pdf",
    "search_bundle": "/pagefind/pagefind.js", "data_json": "/hankkeet.json", "data_csv": "/hankkeet.csv",
    "data_schema": "/hanke.schema.json", "feed": "/feed.xml", "sitemap": "/sitemap.xml", "robots": "/robots.txt",
    "image": "/kuvat/0123456789abcdef0123-960.webp",
    "admin": "/admin/", "admin_file": "/admin/config.yml",
}
BASES = ("/", "/ali/polku/")


def test_every_kind_has_a_key_and_a_shipped_address() -> None:
    kinds = set(get_args(Kind))
    assert set(KEYS) == set(KEYED) and set(SHIPPED) == kinds


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("kind", get_args(Kind))
def test_url_and_output_path_agree(kind: Kind, base: str) -> None:
    urls = Urls(base)
    key = KEYS.get(kind, "")
    url = urls.url(kind, key)
    assert url == base + SHIPPED[kind].removeprefix("/")
    relative = url.removeprefix(base)
    assert urls.output(kind, key) == (relative + FOLDER_INDEX if url.endswith("/") else relative)
    assert output_path(kind, key) == urls.output(kind, key)


def test_a_sub_path_base_url_is_honoured() -> None:
    urls = Urls.for_site("https://www.example.fi/kaupunki/hankkeet")
    assert (urls.base, urls.origin) == ("/kaupunki/hankkeet/", "https://www.example.fi")
    assert urls.project("alfa") == "/kaupunki/hankkeet/hankkeet/alfa/"
    assert urls.absolute(urls.feed()) == "https://www.example.fi/kaupunki/hankkeet/feed.xml"
    assert urls.output("project", "alfa") == "hankkeet/alfa/index.html"
    assert Urls.for_site("/ali").absolute("/ali/") is None


def test_path_words_come_from_one_table() -> None:
    urls = Urls("/sv/", words=PathWords(theme="teman", project="projekt", archive="avslutade",
                                        statement="tillganglighetsutlatande", search="sok"))
    assert [urls.theme("x"), urls.project("y"), urls.archive(), urls.statement(), urls.search()] == [
        "/sv/teman/x/", "/sv/projekt/y/", "/sv/avslutade/", "/sv/tillganglighetsutlatande/", "/sv/sok/"]
    assert urls.output("project", "y") == "projekt/y/index.html"
    # The published files keep their names.
    assert urls.data_csv() == "/sv/hankkeet.csv"


@pytest.mark.parametrize("base", ["/", "https://www.example.fi/ali/polku/"])
def test_planned_pages_are_written_where_their_links_point(base: str) -> None:
    result = pipeline.check(FIXTURE_SITE, FIXTURE_AS_OF, base)
    assert result.site is not None and result.catalogue is not None
    views = build_views(result.catalogue, result.site, stylesheet="style.css")
    base_path = views.site.urls.base
    pages = plan_pages(views, Strings(views.site.lang))
    for page in pages:
        relative = page.url.removeprefix(base_path)
        assert page.url.startswith(base_path)
        assert page.output == (relative + FOLDER_INDEX if page.url.endswith("/") else relative)
    assert len({p.output for p in pages}) == len(pages)


def test_the_page_marks_its_own_link_current() -> None:
    result = pipeline.check(FIXTURE_SITE, FIXTURE_AS_OF)
    assert result.site is not None and result.catalogue is not None
    views = build_views(result.catalogue, result.site, stylesheet="style.css")
    for page in plan_pages(views, Strings(views.site.lang)):
        current = [link.url for link in (*page.nav, *page.footer) if link.current]
        if page.kind in ("index", "archive", "search", "theme", "statement"):
            # Once: the archive is in the navigation and the footer, and is marked in the navigation.
            assert current == [page.url], page.kind
            assert [link.url for link in page.nav if link.current] == ([] if page.kind == "statement" else [page.url])
        else:
            assert current == [], page.kind
