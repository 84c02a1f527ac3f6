"""The Content-Security-Policy in a real browser: no page of the built sites breaks it,
search still works under it, and a script slipped into a template does not run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURE_SITE, REPO, run_cli
from projcat.render.pages import THEME_DIR

pytestmark = pytest.mark.browser

PREFIX = "/hankkeet/"
STATUS = "[data-search-status]"

# Registered before any page script runs (an init script is not subject to the page's policy).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def _build(root: Path, out: Path, as_of: str, *extra: str) -> Path:
    result = run_cli("build", "--root", str(root), "--out", str(out), "--base-url", PREFIX, "--as-of", as_of, *extra)
    assert result.returncode == 0, result.stderr
    return out


def _watching(page_in: Any) -> Any:
    page = page_in()
    page.context.add_init_script(WATCH_VIOLATIONS)
    return page


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__violations"))


def _pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "pagefind" not in p.parts)


@pytest.mark.parametrize("site, as_of", [(FIXTURE_SITE, "2025-06-15"), (REPO, "2021-10-26")])
def test_no_page_breaks_the_policy(site: Path, as_of: str, tmp_path: Path, static_server: Any,
                                   page_in: Any) -> None:
    out = _build(site, tmp_path / "site", as_of)
    server = static_server(out, PREFIX)
    page = _watching(page_in)
    seen = {}
    for rel in _pages(out):
        address = server.url + rel.removesuffix("index.html")
        page.goto(address, wait_until="networkidle")
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]')
        assert policy.count() == 1, rel
        seen[rel] = _violations(page)
    assert len(seen) > 10
    assert {rel: found for rel, found in seen.items() if found} == {}


def test_search_works_under_the_policy(tmp_path: Path, static_server: Any, page_in: Any) -> None:
    out = _build(FIXTURE_SITE, tmp_path / "site", "2025-06-15")
    server = static_server(out, PREFIX)
    page = _watching(page_in)
    page.goto(server.url + "haku/")
    field = page.get_by_label("Hae hankkeista")
    field.fill("kuukauden")
    field.press("Enter")
    page.wait_for_function("s => /löytyi/.test(document.querySelector(s).textContent)", arg=STATUS)
    assert page.inner_text(STATUS) == "1 hanke löytyi hakusanalla ”kuukauden”."
    assert _violations(page) == []


def test_a_script_slipped_into_a_template_is_blocked(fixture_site: Path, tmp_path: Path, static_server: Any,
                                                     page_in: Any) -> None:
    """A site's own base.html with an inline script, an event handler and a style attribute:
    the browser runs and applies none of them, and says so."""
    base = (THEME_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    slipped = base.replace(
        "</head>", "<script>window.__ran = 'inline';</script>\n</head>"
    ).replace(
        '<main id="sisalto" tabindex="-1">',
        '<main id="sisalto" tabindex="-1" style="border: 9px solid red">'
        '<img src="data:," alt="" onerror="window.__ran = \'handler\'">',
    )
    assert slipped.count("__ran") == 2
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "base.html").write_text(slipped, encoding="utf-8")
    out = _build(fixture_site, tmp_path / "site", "2025-06-15", "--no-search")
    assert "window.__ran = 'inline'" in (out / "index.html").read_text(encoding="utf-8")
    server = static_server(out, PREFIX)
    page = _watching(page_in)
    page.goto(server.url, wait_until="networkidle")
    assert page.evaluate("window.__ran === undefined")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).borderTopWidth") == "0px"
    directives = {found.split()[0] for found in _violations(page)}
    assert {"script-src-elem", "script-src-attr", "style-src-attr"} <= directives
