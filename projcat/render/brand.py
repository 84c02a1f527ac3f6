"""The organisation's look from `site.yaml`'s `brand:`: its colours in the one stylesheet, its logo's view.

The Content-Security-Policy allows no inline style, so the colours are not
put into a page: they are appended to `assets/style.css` as custom
properties, and the stylesheet's fingerprint (its cache-busting query) is
taken after, so a changed colour gives every page a new stylesheet address.
"""

from __future__ import annotations

from dataclasses import dataclass

from projcat.content.settings import Brand
from projcat.render.addresses import Urls
from projcat.render.parts import other_lang, shown

STYLESHEET = "assets/style.css"


def brand_css(brand: Brand | None) -> bytes:
    """The custom properties the theme's stylesheet reads (`--link`, `--brand`), or nothing."""
    if brand is None:
        return b""
    declarations = []
    if brand.colour:
        declarations.append(f"--link: {brand.colour};")
    if brand.header_colour:
        declarations.append(f"--brand: {brand.header_colour};")
    if not declarations:
        return b""
    return ("\n/* site.yaml: brand */\n:root { " + " ".join(declarations) + " }\n").encode("utf-8")


def with_brand(assets: dict[str, bytes], brand: Brand | None) -> dict[str, bytes]:
    """The static files with the brand's colours at the end of the stylesheet."""
    extra = brand_css(brand)
    if not extra or STYLESHEET not in assets:
        return assets
    return {**assets, STYLESHEET: assets[STYLESHEET] + extra}


@dataclass(frozen=True)
class LogoView:
    url: str
    alt: str
    # The alt text's language when it is not the page's.
    alt_lang: str | None = None


def logo_view(brand: Brand | None, urls: Urls, lang: str, main: str) -> LogoView | None:
    if brand is None or not brand.logo or not brand.logo_alt:
        return None
    alt, alt_lang = shown(brand.logo_alt, lang, main)
    url = urls.site_path(brand.logo) if brand.logo.startswith("/") else brand.logo
    return LogoView(url, alt, other_lang(alt_lang, lang))
