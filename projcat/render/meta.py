"""What a page's `<head>` says about it beyond its title: the Content-Security-Policy,
the description, Open Graph, the canonical address, the favicon and `noindex`.

One `PageMeta` per page, made when the page is planned (`pages._page`), so
every page kind carries the same tags and templates never assemble them.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from projcat.languages import language
from projcat.render.addresses import Urls

# The policy every page carries in a `<meta http-equiv>`. Scripts and styles
# come only from the site's own files (no inline script, no style attribute);
# Pagefind compiles its WebAssembly index reader, which needs 'wasm-unsafe-eval'
# and nothing more. `frame-ancestors` cannot be set from a page: the README's
# server headers add it.
CSP_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES)

# The theme's favicon, under the site's assets.
DEFAULT_FAVICON = "favicon.svg"


@dataclass(frozen=True)
class Icon:
    url: str
    type: str


@dataclass(frozen=True)
class PageMeta:
    """The head's tags of one page, every value ready to print."""

    description: str
    title: str
    site_name: str
    # "website" for the catalogue's pages, "article" for a project.
    type: str
    locale: str
    # The page's other language versions, as Open Graph locales.
    locale_alternates: tuple[str, ...] = ()
    # Absolute addresses only: Open Graph and `rel=canonical` need the host.
    url: str | None = None
    image: str | None = None
    noindex: bool = False


def og_locale(lang: str) -> str:
    return language(lang).og_locale


def absolute_or_none(urls: Urls, address: str | None) -> str | None:
    """An address from `site.yaml` as an absolute URL: a full URL as given, a site-relative
    path under the base URL's host; None when the host is not known."""
    if not address:
        return None
    if address.startswith(("http://", "https://")):
        return address
    return urls.absolute(urls.site_path(address)) if address.startswith("/") else None


def site_icon(urls: Urls, favicon: str | None) -> Icon:
    """The favicon every page links: `site.yaml`'s `favicon`, else the theme's."""
    if favicon:
        url = urls.site_path(favicon) if favicon.startswith("/") else favicon
        path = favicon.split("?", 1)[0].split("#", 1)[0]
    else:
        url, path = urls.asset(DEFAULT_FAVICON), DEFAULT_FAVICON
    kind, _ = mimetypes.guess_type(path, strict=False)
    # `.ico` is guessed under two names; browsers know this one.
    if kind in ("image/vnd.microsoft.icon", "image/x-icon"):
        kind = "image/x-icon"
    return Icon(url, kind or "")
