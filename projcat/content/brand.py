"""The brand colours of `site.yaml`, checked for WCAG 2.x contrast before anything is built.

`brand.colour` is the colour of links on the white page and on the
footer's light band; `brand.header_colour` is the header's background under
white text, and the search button's. Both carry text, so WCAG AA asks 4.5:1
of each (1.4.3); the 3:1 of outlines and other non-text parts (1.4.11), which
the header colour also draws (the footer's top border), follows from it.
A colour below is an error at its line, with its ratio and the nearest
shade (darker, step by step) that passes every use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from projcat.content.images import locate, read_image
from projcat.content.settings import SiteConfig
from projcat.content.yamlread import Document
from projcat.problems import Problem
from projcat.strings import N_

WHITE = "#ffffff"
# The footer's band (`--band` in the theme's style.css): links sit on it too.
BAND = "#f3f5f7"
TEXT_RATIO = 4.5
NON_TEXT_RATIO = 3.0


@dataclass(frozen=True)
class Need:
    """One use of a brand colour: what it stands against and the ratio that use needs."""

    field: str
    against: str
    ratio: float


NEEDS: tuple[Need, ...] = (
    # Links on the page and on the footer's band.
    Need("colour", WHITE, TEXT_RATIO),
    Need("colour", BAND, TEXT_RATIO),
    # White text on the header, and the footer's top border on the white page.
    Need("header_colour", WHITE, TEXT_RATIO),
    Need("header_colour", WHITE, NON_TEXT_RATIO),
)


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of `#rrggbb`."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, 1.0 to 21.0."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _scaled(colour: str, factor: float, towards: int) -> str:
    channels = (round(towards + (c - towards) * factor) for c in _channels(colour))
    return "#" + "".join(f"{c:02x}" for c in channels)


def passing_shade(colour: str, against: str, ratio: float) -> str:
    """The nearest shade of `colour` (darker against a light colour, lighter against a dark one),
    in steps of 2 %, whose contrast with `against` is at least `ratio`."""
    towards = 0 if luminance(against) > 0.18 else 255
    for step in range(1, 51):
        shade = _scaled(colour, 1 - step / 50, towards)
        if contrast(shade, against) >= ratio:
            return shade
    return "#000000" if towards == 0 else "#ffffff"


def _shown(ratio: float) -> str:
    # Rounded down: 4.49 must never read as the 4.5 it fails.
    return f"{int(ratio * 100) / 100:.2f}"


N_("brand.low_contrast"), N_("brand.low_contrast.hint"), N_("brand.logo_alt_missing")
N_("brand.logo_alt_missing.hint"), N_("brand.logo_missing"), N_("brand.logo_missing.hint")
N_("brand.logo_not_local"), N_("brand.logo_not_local.hint")


def brand_problems(site: SiteConfig, document: Document | None, shown: str) -> list[Problem]:
    """Each brand colour below the contrast its use needs, at its line in `site.yaml`; a logo without alt text."""
    brand = site.brand
    if brand is None:
        return []
    problems: list[Problem] = []
    failed: set[str] = set()
    for need in NEEDS:
        colour = getattr(brand, need.field)
        if colour is None or need.field in failed:
            continue
        ratio = contrast(colour, need.against)
        if ratio >= need.ratio:
            continue
        failed.add(need.field)
        shade = colour
        # One shade that passes every use of this colour, so the hint is the whole fix.
        for other in NEEDS:
            if other.field == need.field and contrast(shade, other.against) < other.ratio:
                shade = passing_shade(shade, other.against, other.ratio)
        mark = document.mark(("brand", need.field)) if document else None
        problems.append(Problem.make(
            shown, "brand.low_contrast", line=mark.line if mark else None, col=mark.col if mark else None,
            field=f"brand.{need.field}", value=colour, detail=_shown(ratio), expected=f"{need.ratio:g}",
            other=need.against, suggestion=shade,
        ))
    if brand.logo and not brand.logo_alt:
        mark = document.mark(("brand", "logo"), key=True) if document else None
        problems.append(Problem.make(shown, "brand.logo_alt_missing", line=mark.line if mark else None,
                                     col=mark.col if mark else None, field="brand.logo_alt"))
    return problems


def _svg_problem(file: Path) -> str:
    """Why an SVG logo cannot be shown, or ""."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.parse(file).getroot()
    except (ElementTree.ParseError, OSError) as exc:
        return str(exc) or type(exc).__name__
    return "" if root.tag.rpartition("}")[2] == "svg" else root.tag


def logo_problems(site: SiteConfig, document: Document | None, shown: str, root: Path) -> list[Problem]:
    """The logo is a local file a browser can show, checked as a record's image is (`content.images`)."""
    logo = site.brand.logo if site.brand else None
    if not logo:
        return []
    mark = document.mark(("brand", "logo")) if document else None

    def problem(code: str, detail: str = "") -> list[Problem]:
        return [Problem.make(shown, code, line=mark.line if mark else None, col=mark.col if mark else None,
                             field="brand.logo", value=logo, slug="", detail=detail)]

    if not logo.startswith("/") or logo.startswith("//"):
        return problem("brand.logo_not_local")
    file, code = locate(logo, "", root)
    if file is None:
        return problem("brand.logo_missing" if code == "image.missing_file" else "brand.logo_not_local")
    if file.suffix.lower() == ".svg":
        detail = _svg_problem(file)
        return problem("image.broken", detail) if detail else []
    facts = read_image(file, root)
    # Published as it is (not as resized variants), but stripped of its metadata like every image
    # under static/ (`render.metadata`): a phone's camera and GPS tags never reach the site.
    return problem(*facts) if isinstance(facts, tuple) else []
