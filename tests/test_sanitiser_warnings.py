"""Nothing is removed from a description silently: whatever the sanitiser drops is a warning at its line,
and what it keeps is not."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from projcat.content.bodyhtml import removed_html
from projcat.render.markup import Renderer

BODY = """Johdanto.

<script>alert(1)</script>

Video: <iframe src="https://video.example/x"></iframe>

<p onclick="steal()">Kappale</p> ja <marquee>vanha tagi</marquee>.

[Linkki](javascript:alert(2)) ja <abbr title="Hämeenlinna">HML</abbr>.

<!-- toimittajan muistiinpano, ei julkaista -->

```
<script>koodiesimerkki, ei varoitusta</script>
```
"""


def _warnings(body: str, first_line: int = 10) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.code, dict(p.params).get("tag", "") + dict(p.params).get("name", ""))
            for p in removed_html(body, "x.md", first_line)]


def test_each_removed_thing_is_named_at_its_line() -> None:
    assert _warnings(BODY) == [
        (12, "body.removed_tag", "script"),
        (14, "body.removed_tag", "iframe"),
        (16, "body.removed_attribute", "ponclick"),
        (16, "body.removed_tag", "marquee"),
        (18, "body.removed_link", ""),
    ]


def test_the_warnings_name_exactly_what_the_sanitiser_removes() -> None:
    out = Renderer().to_html(BODY)
    for gone in ("<script", "<iframe", "onclick", "<marquee", "javascript:"):
        assert gone not in out
    for kept in ('<abbr title="Hämeenlinna">HML</abbr>', "<p>Kappale</p>", "vanha tagi"):
        assert kept in out
    # What is kept draws no warning of removal.
    assert not [w for w in _warnings(BODY) if w[2] in ("abbr", "p")]


def test_check_prints_them_at_the_line_in_the_file(fixture_site: Path) -> None:
    record = fixture_site / "content" / "projects" / "beeta.md"
    record.write_text(record.read_text(encoding="utf-8") + "\nUpotus <iframe src=\"x\"></iframe>\n",
                      encoding="utf-8")
    line = len(record.read_text(encoding="utf-8").split("\n")) - 1
    result = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"content/projects/beeta.md:{line}:8: varoitus: kuvauksen HTML-tagi '<iframe>' poistetaan julkaistulta"
        " sivulta - kirjoita sisältö Markdownina; skriptejä, upotuksia ja lomakkeita ei julkaista")
