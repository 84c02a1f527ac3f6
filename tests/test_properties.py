"""Property tests: whatever bytes, YAML or values an editor produces, the checker answers, never raises.

Each answer is either a valid record or a list of problems with at least one
error, and every problem can be shown in both languages at a line of the
file. About 5 100 examples in all; `max_examples` keeps the run well under
a minute.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_SITE
from projcat.catalogue import build_catalogue
from projcat.content.load import decode, parse_record
from projcat.content.records import Contact, Document, Funding, Project, ValidRecord
from projcat.content.settings import Paths
from projcat.content.site_file import load_site
from projcat.content.validate import validate_record, validate_site
from projcat.content.yamlread import read_yaml
from projcat.problems import Problem
from projcat.render.views import build_views

SITE, _ = load_site(Paths(FIXTURE_SITE))
assert SITE is not None
FIELDS = sorted({*Project.model_fields, *Funding.model_fields, *Contact.model_fields, *Document.model_fields})
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]


def runs(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=_QUIET)

# Scalars an editor really types, and what trips YAML up.
TRICKY = st.sampled_from([
    "NO", "on", "yes", "~", "null", "01234", "12:30", "1.10", "1e3", ".inf", "0x1F", "2021-11-31", "2021-02-29",
    "31.11.2021", "2020-2021", "20211130", "2021", "2021-13", "153.999 €", "1.4 MEUR", "68850", "true", "True",
    "maija(at)example.fi", "a@b.fi", "javascript:alert(1)", "java&#x09;script:x", "/tiedostot/raportti.pdf",
    "/../site.yaml", "https://example.fi/a b", "ended", "Ended", "asuminen", "asumnen", "@x", "`x`", "%x",
    "[a, b", "{a: b", "*a", "&a x", "!x y", "!!python/object:os.system", "“x”", "'unclosed", '"x" y', "a: b",
    "a #b", "x\u00a0y", "x\u200by", "- a", "|", ">", "? x", "'", '"', "\\", "\t", "", " ", "#", ":", "-",
    "<script>alert(1)</script>", "{{ 7*7 }}", "\u2028", "\ufeff", "Ä", "x" * 300,
])
WORDS = st.one_of(TRICKY, st.text(max_size=20))
KEYS = st.one_of(st.sampled_from(FIELDS), st.sampled_from(["Title", "titel", "yes", "1", "", "~", "a b"]), WORDS)


def _assert_answer(record: ValidRecord | None, problems: list[Problem], text_lines: int) -> None:
    assert (record is None) == any(p.is_error for p in problems), [p.format("en") for p in problems]
    event("valid record" if record is not None else "problems")
    for problem in problems:
        assert problem.format("fi") and problem.format("en")
        assert problem.as_json("fi")
        if problem.line is not None:
            assert 1 <= problem.line <= text_lines + 1, problem
            assert problem.col is not None and problem.col >= 1, problem
    if record is not None:
        catalogue = build_catalogue([record], SITE, date(2025, 6, 15))
        build_views(catalogue, SITE, stylesheet="style.css")


def _check_bytes(data: bytes) -> None:
    raw = parse_record(data, "content/projects/x.md", "x")
    record, problems = validate_record(raw, SITE, FIXTURE_SITE)
    _assert_answer(record, problems, data.count(b"\n") + data.count(b"\r") + 1)


@runs(1000)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _check_bytes(data)


@runs(1000)
@given(st.binary(max_size=300))
def test_random_bytes_after_a_front_matter_line(data: bytes) -> None:
    _check_bytes(b"---\n" + data + b"\n---\n")


@st.composite
def yaml_lines(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        indent = draw(st.sampled_from(["", "", "  ", "    ", "\t", " "]))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            lines.append(f"{indent}{draw(KEYS)}: {draw(WORDS)}")
        elif kind == 1:
            lines.append(f"{indent}{draw(KEYS)}:")
        elif kind == 2:
            lines.append(f"{indent}- {draw(WORDS)}")
        else:
            lines.append(f"{indent}- {draw(KEYS)}: {draw(WORDS)}")
    return "\n".join(lines)


@runs(800)
@given(yaml_lines(), st.text(max_size=200), st.sampled_from(["\n", "\r\n"]))
def test_random_yaml_front_matter(front: str, body: str, newline: str) -> None:
    text = f"---\n{front}\n---\n{body}".replace("\n", newline)
    _check_bytes(text.encode("utf-8", "surrogatepass"))


@runs(1000)
@given(st.text(alphabet=st.sampled_from(list("ab:#-[]{}!&*|>'\"` \t\n?,%@\u201c\u00a0ä")), max_size=120))
def test_random_yaml_punctuation(front: str) -> None:
    _check_bytes(f"---\n{front}\n---\n".encode())


VALUES = st.recursive(
    st.one_of(TRICKY, st.text(max_size=30), st.integers(), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=12,
)


@runs(400)
@given(st.dictionaries(st.sampled_from(list(Project.model_fields)), VALUES, max_size=8), st.text(max_size=100))
def test_random_field_values(fields: dict[str, Any], body: str) -> None:
    """Values of every shape under the real field names, written out as YAML and read back."""
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    _check_bytes(f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass"))


ITEM = st.fixed_dictionaries(
    {},
    optional={
        "funder": WORDS, "amount_eur": st.one_of(WORDS, st.integers(-5, 10**7)), "up_to": WORDS,
        "name": WORDS, "email": WORDS, "phone": WORDS, "title": WORDS, "url": WORDS, "accessible": WORDS,
    },
)


@runs(400)
@given(
    st.fixed_dictionaries(
        {"title": WORDS},
        optional={
            "theme": WORDS, "start": WORDS, "end": WORDS, "status": WORDS, "title_lang": WORDS,
            "funding": st.lists(ITEM, max_size=3), "contacts": st.lists(ITEM, max_size=3),
            "documents": st.lists(ITEM, max_size=3), "partners": st.lists(WORDS, max_size=3),
        },
    )
)
def test_random_values_in_plausible_records(fields: dict[str, Any]) -> None:
    """Mostly well-shaped records, so many examples validate and go on through catalogue and views."""
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    _check_bytes(f"---\n{front}---\nKuvaus.\n".encode("utf-8", "surrogatepass"))


def test_plausible_records_do_validate_sometimes() -> None:
    """Guards the property above against testing only the error path."""
    data = "---\ntitle: Hanke\ntheme: asuminen\nstart: '2021'\nend: 2021-12-31\nfunding:\n  - funder: A\n" \
           "    amount_eur: 68850\n---\nKuvaus.\n"
    record, problems = validate_record(parse_record(data.encode(), "x.md", "x"), SITE, Path(FIXTURE_SITE))
    assert record is not None, problems


@runs(500)
@given(st.one_of(yaml_lines(), st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace"))))
def test_random_site_yaml(text: str) -> None:
    """site.yaml goes through the same reader and the same kind of answer."""
    data = text.encode("utf-8", "surrogatepass")
    decoded, problems = decode(data, "site.yaml")
    site = None
    if decoded is not None:
        site, problems = validate_site(read_yaml(decoded, "site.yaml"), "site.yaml", FIXTURE_SITE)
    assert (site is None) == any(p.is_error for p in problems)
    for problem in problems:
        assert problem.format("fi") and problem.format("en")
        if problem.line is not None:
            assert 1 <= problem.line <= data.count(b"\n") + data.count(b"\r") + 1
