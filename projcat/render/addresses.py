"""Every address of the site, in one place: page kind -> URL, and page kind -> output path.

Each kind's site-relative path (`teemat/{id}/`, `hankkeet.json`) is spelled
here once. Its URL is the base path followed by that path; its output path is
the same path, with `index.html` added when it names a folder. So a file is
written exactly where the links to it point, at the host root or under a
sub-path, and views, the page plan, the sitemap, the feed, open data, search
and the templates all take their addresses from here.

The words of the pages' paths are one small table by page kind
(`PathWords`), one per language (`Language.path_words`, `projcat/languages.py`).
The main language keeps the addresses at the root; every other language lives under `<lang>/`, with its
own words and the same slugs. The published files keep their names in
every language; the files shared by all languages (assets, documents, the
search bundle, the record schema, the sitemap and robots.txt) stay at the root.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from projcat.content.settings import base_path
from projcat.languages import PathWords, language

Kind = Literal[
    # Pages.
    "index", "theme", "project", "archive", "statement", "search", "not_found",
    # Files: the static assets, documents an editor links site-relative, the search bundle.
    "asset", "document", "search_bundle",
    # The resized variants of images (`render.images`), by file name.
    "image",
    # Files published beside the pages.
    "data_json", "data_csv", "data_schema", "feed", "sitemap", "robots",
    # The editors' web admin (Decap CMS) when `site.yaml` has `cms:`; never linked, indexed or listed.
    "admin", "admin_file",
]
# The kinds whose address names one item: a theme's id, a slug, a file's name or path.
KEYED: frozenset[Kind] = frozenset({"theme", "project", "asset", "document", "search_bundle", "image",
                                   "admin_file"})


# The main language's words, whatever the site's language: its addresses are what they always were.
FINNISH = PathWords()

# The file a folder's address is served from.
FOLDER_INDEX = "index.html"
# Files and folders of the site's root, the same in every language. (`kuvat/` holds image variants
# named by their content's digest, so they never clash with a file of `static/kuvat/`.)
NOT_FOUND = "404.html"
ASSETS = "assets/"
IMAGES = "kuvat/"
SEARCH_BUNDLE = "pagefind/"
DATA_JSON = "hankkeet.json"
DATA_CSV = "hankkeet.csv"
DATA_SCHEMA = "hanke.schema.json"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
ADMIN = "admin/"

# The kinds one file serves for every language: they never take a language's prefix.
SHARED: frozenset[Kind] = frozenset({"asset", "document", "search_bundle", "data_schema", "sitemap", "robots",
                                     "image", "admin", "admin_file"})

_ROOT_FILES: dict[Kind, str] = {
    "not_found": NOT_FOUND, "data_json": DATA_JSON, "data_csv": DATA_CSV, "data_schema": DATA_SCHEMA,
    "feed": FEED, "sitemap": SITEMAP, "robots": ROBOTS,
}


def relative_path(kind: Kind, key: str = "", words: PathWords = FINNISH) -> str:
    """The address of `kind` (and `key`) below the base path: no leading slash, "" for the front page."""
    if kind == "index":
        return ""
    if kind == "theme":
        return f"{words.theme}/{key}/"
    if kind == "project":
        return f"{words.project}/{key}/"
    if kind == "archive":
        return f"{words.archive}/"
    if kind == "statement":
        return f"{words.statement}/"
    if kind == "search":
        return f"{words.search}/"
    if kind == "asset":
        return ASSETS + key
    if kind == "search_bundle":
        return SEARCH_BUNDLE + key
    if kind == "image":
        return IMAGES + key
    if kind == "admin":
        return ADMIN
    if kind == "admin_file":
        return ADMIN + key
    if kind == "document":
        # As an editor writes it: `/tiedostot/x.pdf`, relative to the site, not to the host.
        return key.lstrip("/")
    return _ROOT_FILES[kind]


def output_of(path: str) -> str:
    """The output file of a site-relative path: a folder's address is served from its index.html."""
    return path + FOLDER_INDEX if path == "" or path.endswith("/") else path


def output_path(kind: Kind, key: str = "", words: PathWords = FINNISH) -> str:
    """Where the file at the address of `kind` (and `key`) is written, relative to the output folder."""
    return output_of(relative_path(kind, key, words))


def origin_of(base_url: str) -> str:
    """`scheme://host` of a base URL that names a host; "" when it is only a path."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@dataclass(frozen=True)
class Urls:
    """Every internal address, under the site's base path, so a sub-path host works."""

    base: str
    # scheme://host when base_url names a host; "" when it is only a path.
    origin: str = ""
    words: PathWords = FINNISH
    # `<lang>/` for a language other than the site's main one; "" for the main language.
    prefix: str = ""

    @classmethod
    def for_site(cls, base_url: str, words: PathWords = FINNISH) -> Urls:
        return cls(base_path(base_url), origin_of(base_url), words)

    @classmethod
    def for_language(cls, base_url: str, lang: str, main: str) -> Urls:
        """The addresses of one language version: the main language keeps the site's addresses of
        old (whatever its language), every other one lives under `<lang>/` with its own words."""
        if lang == main:
            return cls.for_site(base_url)
        return cls(base_path(base_url), origin_of(base_url), language(lang).path_words, f"{lang}/")

    def _relative(self, kind: Kind, key: str) -> str:
        path = relative_path(kind, key, self.words)
        return path if kind in SHARED else self.prefix + path

    def url(self, kind: Kind, key: str = "") -> str:
        return self.base + self._relative(kind, key)

    def output(self, kind: Kind, key: str = "") -> str:
        return output_of(self._relative(kind, key))

    def absolute(self, url: str) -> str | None:
        """The full address of an internal URL, or None when the host is not known."""
        return self.origin + url if self.origin else None

    # One name per kind, for views and templates.

    def index(self) -> str:
        return self.url("index")

    def theme(self, theme_id: str) -> str:
        return self.url("theme", theme_id)

    def project(self, slug: str) -> str:
        return self.url("project", slug)

    def archive(self) -> str:
        return self.url("archive")

    def statement(self) -> str:
        return self.url("statement")

    def search(self) -> str:
        return self.url("search")

    def not_found(self) -> str:
        return self.url("not_found")

    def asset(self, name: str) -> str:
        return self.url("asset", name)

    def image(self, name: str) -> str:
        """A resized variant of an image, by its file name (`render.images.variants`)."""
        return self.url("image", name)

    def site_path(self, path: str) -> str:
        """A site-relative document path as written by an editor (`/tiedostot/x.pdf`)."""
        return self.url("document", path)

    def search_bundle(self) -> str:
        return self.url("search_bundle")

    def data_json(self) -> str:
        return self.url("data_json")

    def data_csv(self) -> str:
        return self.url("data_csv")

    def data_schema(self) -> str:
        return self.url("data_schema")

    def feed(self) -> str:
        return self.url("feed")

    def sitemap(self) -> str:
        return self.url("sitemap")

    def robots(self) -> str:
        return self.url("robots")

    def admin(self) -> str:
        return self.url("admin")

    def admin_file(self, name: str) -> str:
        return self.url("admin_file", name)
