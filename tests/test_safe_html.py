"""Nothing an editor writes runs as script: bodies are sanitised, front matter is escaped everywhere.

The last test builds a site whose record and site.yaml are full of XSS
payloads and loads every page in headless chromium.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from projcat.engine import pipeline
from projcat.render.markup import Renderer

DANGEROUS_BODIES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    '<p style="background:url(javascript:alert(1))">tyyli</p>',
    "<style>body{display:none}</style>",
    '<iframe src="https://example.fi/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "[linkki](javascript:alert(1))",
    "[linkki](JaVaScRiPt:alert(1))",
    '<a href="java&#x09;script:alert(1)">entiteetti</a>',
    '<a href="&#106;avascript:alert(1)">entiteetti</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    "![kuva](javascript:alert(1))",
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<base href="javascript:/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<details open ontoggle=alert(1)>x</details>",
    '<a href="https://example.fi/" onclick="alert(1)" style="color:red">hyvä linkki</a>',
    "<input autofocus onfocus=alert(1)><video><source onerror=alert(1)></video>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
]

# A Markdown image must name a local file, so `check` refuses `![kuva](javascript:...)` as an error
# before anything is built (tests/test_images.py); the built page carries every other payload.
BROWSER_BODIES = [body for body in DANGEROUS_BODIES if not body.startswith("![")]


def _attributes(fragment: str) -> list[tuple[str, str]]:
    return re.findall(r"\s([a-zA-Z:-]+)\s*=\s*\"([^\"]*)\"", fragment)


@pytest.mark.parametrize("body", DANGEROUS_BODIES)
def test_dangerous_markup_does_not_survive_sanitising(body: str) -> None:
    out = Renderer().to_html(body)
    lowered = out.lower()
    for tag in ("<script", "<style", "<iframe", "<object", "<embed", "<form", "<base", "<meta", "<svg", "<math",
                "<img", "<input", "<video", "<details", "<button", "<noscript"):
        assert tag not in lowered, out
    for name, value in _attributes(out):
        assert not name.lower().startswith("on"), out
        assert name.lower() not in ("style", "srcdoc", "formaction", "action"), out
        if name.lower() in ("href", "src"):
            assert re.match(r"^(https?:|mailto:|tel:|/|#)", value.strip()), out


def test_safe_markup_and_heading_ids_survive() -> None:
    out = Renderer().to_html(
        "## Tavoitteet ja tulokset\n\n[Kaupungin sivut](https://www.example.fi/) ja **lihava**.\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        top=3,
    )
    assert '<h3 id="tavoitteet-ja-tulokset">Tavoitteet ja tulokset</h3>' in out
    assert '<a href="https://www.example.fi/">Kaupungin sivut</a>' in out
    assert "<strong>lihava</strong>" in out and "<table>" in out


def test_templates_never_switch_escaping_off() -> None:
    """`|safe` and autoescape off would let front matter through unescaped."""
    for template in sorted((REPO / "projcat" / "theme" / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", ""), template
        assert "autoescape false" not in text, template


def test_markup_is_made_only_from_sanitised_html_or_escaped_parts() -> None:
    """Every `Markup(...)` in the package wraps sanitiser output, `escape(...)` or a literal."""
    for module in sorted((REPO / "projcat").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Markup":
                arg = node.args[0] if node.args else None
                ok = (
                    (isinstance(arg, ast.Constant) and isinstance(arg.value, str))
                    or (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "escape")
                    or (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                        and arg.func.attr == "to_html")
                )
                assert ok, f"{module.name}:{node.lineno}: Markup() of something not sanitised"


XSS_SITE = """title: '<script>window.__xss="site-title"</script>Hankkeet'
organisation: '"><img src=x onerror="window.__xss=''org''">Kaupunki'
language: fi
time_zone: Europe/Helsinki
base_url: /
intro: |
  Johdanto <script>window.__xss="intro"</script> ja <img src=x onerror="alert('intro')">.
themes:
  - id: asuminen
    name: '</title><script>window.__xss="theme"</script>Asuminen'
    intro: '[klikkaa](javascript:alert("theme-intro")) <svg onload=alert(1)>'
  - id: hyvinvointi
    name: Hyvinvointi
documents:
  - title: '<script>alert("site-doc")</script>'
    url: /tiedostot/raportti.pdf
    description: '" onmouseover="alert(1)'
    size: <b onclick=alert(1)>1 kt</b>
"""

XSS_RECORD = """---
title: '<script>window.__xss="title"</script><img src=x onerror="window.__xss=''title-img''">'
short_title: '"><svg onload=alert("short")>'
title_lang: en
theme: asuminen
start: 2024-01-01
end: 2026-12-31
summary: '''"><script>window.__xss="summary"</script>'
lead: <iframe src="javascript:alert('lead')"></iframe>
partners:
  - <b onmouseover=alert('partner')>kumppani</b>
  - '{{ 7*7 }}{% raw %}'
funding:
  - funder: <script>alert('funder')</script>
    amount_eur: 1000
    note: <a href="javascript:alert('note')">x</a>
contacts:
  - name: <img src=x onerror="alert('contact')">
    role: '" autofocus onfocus="alert(''role'')" x="'
    email: maija@example.fi
    phone: 03 123 4567
documents:
  - title: '<script>alert("doc")</script>'
    url: https://example.fi/r.pdf?a=1&b='onmouseover=alert(1)//
    type: <svg/onload=alert('type')>
    size: '"><script>alert("size")</script>'
    accessible: false
    accessibility_note: <script>alert('note')</script>
keywords:
  - javascript:alert('keyword')
  - <img src=x onerror=alert('keyword')>
---

""" + "\n\n".join(BROWSER_BODIES) + "\n\n## Oma otsikko\n\nTavallinen kappale.\n"

AUDIT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc' || name === 'formaction') bad.push(el.tagName + ' ' + name);
      if (['href', 'src', 'action', 'data', 'content'].includes(name) &&
          /^(javascript|data|vbscript):/.test(value)) bad.push(el.tagName + ' ' + name + '=' + value);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    if (/alert|__xss/.test(s.textContent + (s.getAttribute('src') || ''))) bad.push('script ' + s.textContent);
  }
  for (const tag of ['iframe', 'object', 'embed', 'base', 'svg', 'math', 'img[onerror]',
                     'meta[http-equiv]:not([http-equiv="Content-Security-Policy"])']) {
    if (document.querySelector(tag)) bad.push(tag);
  }
  return bad;
}"""


@pytest.mark.browser
def test_no_payload_runs_in_a_real_browser(fixture_site: Path, tmp_path: Path, static_server, page_in) -> None:
    (fixture_site / "site.yaml").write_text(XSS_SITE, encoding="utf-8")
    (fixture_site / "content" / "projects" / "xss.md").write_text(XSS_RECORD, encoding="utf-8")
    for record in (fixture_site / "content" / "projects").glob("*.md"):
        text = record.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^theme: ilmasto$", "theme: hyvinvointi", text)
        # This site.yaml declares no funding programmes: a funding entry names none.
        record.write_text(re.sub(r"(?m)^    (programme|code): .*\n", "", text), encoding="utf-8")
    out = tmp_path / "out"
    built = pipeline.build(fixture_site, out, date(2025, 6, 15))
    assert built.check.ok
    server = static_server(out)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert "hankkeet/xss/index.html" in pages and "teemat/asuminen/index.html" in pages
    for rel in pages:
        # The page's Content-Security-Policy would stop an inline payload on its own; set aside here,
        # so this shows that the sanitiser alone lets none through (tests/test_csp_browser.py tests the policy).
        page = page_in(bypass_csp=True)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog, dialogs=dialogs: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server.url + rel.removesuffix("index.html"))
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)
        # A script put into this page does run, so a payload that got through would have run too.
        page.add_script_tag(content="window.__probe = 'ran'")
        assert page.evaluate("window.__probe") == "ran", rel
        assert dialogs == [], rel
        assert page.evaluate("typeof window.__xss") == "undefined", rel
        assert page.evaluate(AUDIT) == [], rel
        if rel == "hankkeet/xss/index.html":
            # The payloads are there, shown as the text the editor wrote.
            heading = page.locator("h1").inner_text()
            assert heading == """<script>window.__xss="title"</script><img src=x onerror="window.__xss='title-img'">"""
            body = page.locator("body").inner_text()
            assert "{{ 7*7 }}{% raw %}" in body and "49" not in body
            assert """'"><script>window.__xss="summary"</script>""" in page.locator(
                'meta[name="description"]').get_attribute("content")
            assert page.locator("h3#oma-otsikko").count() == 1
            assert page.locator('a[href="https://example.fi/"]').inner_text() == "hyvä linkki"
