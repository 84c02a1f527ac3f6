"""The strict reader: values stay what the editor wrote, and no input makes it expand, build or recurse."""

from __future__ import annotations

import html
import re
import tracemalloc
from datetime import date
from pathlib import Path

from projcat.content.yamlread import MAX_RECOVERIES, read_yaml
from projcat.engine import pipeline

PLAIN = """---
title: NO
short_title: on
summary: 01234
lead: 12:30
partners:
  - 1.10
  - yes
  - null
keywords:
  - 0x1F
  - .inf
  - 2021-01-01
  - ~
funding:
  - funder: Off
    amount_eur: 1.10
contacts:
  - name: 'n'
    role: 010
    phone: 0361212000
---

Kuvaus.
"""


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_values_are_published_as_written(fixture_site: Path, tmp_path: Path) -> None:
    (fixture_site / "content" / "projects" / "sanasto.md").write_text(PLAIN, encoding="utf-8")
    out = tmp_path / "out"
    pipeline.build(fixture_site, out, date(2025, 6, 15))
    page = (out / "hankkeet" / "sanasto" / "index.html").read_text(encoding="utf-8")
    assert "<h1>NO</h1>" in page
    text = _text(page)
    for written in ("12:30", "1.10", "yes", "null", "0x1F", ".inf", "2021-01-01", "~", "Off", "010", "0361212000"):
        assert re.search(rf"(?<![\w.]){re.escape(written)}(?![\w])", text), written
    assert "1,10\u00a0€" in text  # the amount is typed by the schema, not by YAML
    listing = (out / "index.html").read_text(encoding="utf-8")
    # The short title and the summary, in the front page's list.
    assert re.search(r'<a href="/hankkeet/sanasto/"[^>]*>on</a>', listing)
    assert '<p class="project-card__summary">01234</p>' in listing


def test_a_date_is_only_read_by_the_schema() -> None:
    doc = read_yaml("start: 2021-01-01\nend: 2021-13-01\n", "x.md")
    assert doc.data == {"start": "2021-01-01", "end": "2021-13-01"}
    assert doc.problems == []


def test_an_alias_bomb_does_not_expand() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefghijklmnopqrs", "bcdefghijklmnopqrst", strict=True):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines)  # expanded, 9**20 strings
    tracemalloc.start()
    doc = read_yaml(text, "pommi.md")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    assert {p.code for p in doc.problems} == {"yaml.anchor"}
    assert len(doc.problems) == len(lines)


def test_deep_nesting_is_refused_not_recursed() -> None:
    doc = read_yaml("keywords: " + "[" * 50_000 + "]" * 50_000 + "\n", "x.md")
    assert [p.code for p in doc.problems] == ["yaml.too_deep"]
    deep = "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "k: v\n"
    assert [p.code for p in read_yaml(deep, "x.md").problems] == ["yaml.too_deep"]


def test_recovery_after_errors_is_bounded() -> None:
    text = "".join(f"k{i}: arvo: {i}\n" for i in range(500))
    doc = read_yaml(text, "x.md")
    assert len(doc.problems) == MAX_RECOVERIES + 1
    assert all(p.code == "yaml.colon" for p in doc.problems)
    assert [p.line for p in doc.problems] == list(range(1, MAX_RECOVERIES + 2))


def test_a_broken_field_does_not_hide_the_next_one() -> None:
    doc = read_yaml("title: Hanke: osa 2\nlead: @kaupunki\nsummary: Hyvä\nend: 2021\n", "x.md", line_offset=1)
    assert [(p.code, p.line, p.field) for p in doc.problems] == [
        ("yaml.colon", 2, "title"), ("yaml.reserved_start", 3, "lead"),
    ]
    assert doc.data == {"summary": "Hyvä", "end": "2021"}
    assert doc.skipped == {"title", "lead"}


def test_positions_count_the_front_matter_offset() -> None:
    doc = read_yaml("title: X\ncontacts:\n  - name: A\n    email: a@b.fi\n", "x.md", line_offset=1)
    mark = doc.mark(("contacts", 0, "email"))
    assert mark is not None and (mark.line, mark.col) == (5, 12)
    key = doc.mark(("contacts", 0, "email"), key=True)
    assert key is not None and (key.line, key.col) == (5, 5)
