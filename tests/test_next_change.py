"""Staying current: the next date on which the site changes, as the command line prints it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli

# Beside the fixture's own dates (alfa ends 31.1.2026 at day precision,
# epsilon starts 1/2030, smart-city is marked ended), an end at each precision.
EXTRA = {
    "paiva": "end: 2026-02-27",   # day: ended from 28.2.2026
    "kuukausi": "end: 2026-02",   # month: the whole of February, ended from 1.3.2026
    "vuosi": "end: 2026",         # year: the whole of 2026, ended from 1.1.2027
}


def _add_records(site: Path, records: dict[str, str]) -> None:
    for slug, dates in records.items():
        (site / "content" / "projects" / f"{slug}.md").write_text(
            f"---\ntitle: {slug.capitalize()}\ntheme: ilmasto\nstart: 2024\n{dates}\n---\n\nKuvaus.\n",
            encoding="utf-8")


def _next(site: Path, as_of: str) -> str:
    result = run_cli("check", "--root", str(site), "--as-of", as_of, "--next-change")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_next_change_steps_through_day_month_and_year_precision_ends(fixture_site: Path) -> None:
    _add_records(fixture_site, EXTRA)
    steps = []
    as_of = "2025-06-15"
    while True:
        answer = _next(fixture_site, as_of)
        if not answer:
            break
        assert answer.endswith("\n") and answer.count("\n") == 1, repr(answer)
        as_of = answer.strip()
        steps.append(as_of)
    assert steps == ["2026-02-01", "2026-02-28", "2026-03-01", "2027-01-01", "2030-01-01"]


@pytest.mark.parametrize("as_of, expected", [
    ("2026-02-26", "2026-02-28"),   # the day before a day-precision end's last day
    ("2026-02-27", "2026-02-28"),   # its last day: still ongoing today, ended tomorrow
    ("2026-02-28", "2026-03-01"),   # the month-precision end covers February to its last day
    ("2026-12-31", "2027-01-01"),   # the year-precision end covers the year to 31 December
])
def test_next_change_around_end_dates(fixture_site: Path, as_of: str, expected: str) -> None:
    _add_records(fixture_site, EXTRA)
    assert _next(fixture_site, as_of) == expected + "\n"


def test_the_status_really_changes_on_the_day_named(fixture_site: Path, tmp_path: Path) -> None:
    _add_records(fixture_site, {"kuukausi": "end: 2026-02"})
    day = _next(fixture_site, "2026-02-15").strip()
    assert day == "2026-03-01"
    pages = {}
    for as_of in ("2026-02-28", day):
        out = tmp_path / as_of
        assert run_cli("build", "--root", str(fixture_site), "--out", str(out), "--as-of", as_of,
                       "--no-search").returncode == 0
        pages[as_of] = (out / "hankkeet" / "kuukausi" / "index.html").read_text(encoding="utf-8")
    assert "status--ongoing" in pages["2026-02-28"]
    assert "status--ended" in pages[day]


def test_nothing_is_printed_when_no_date_will_change_the_site(fixture_site: Path) -> None:
    result = run_cli("check", "--root", str(fixture_site), "--as-of", "2031-01-01", "--next-change")
    assert result.returncode == 0
    assert result.stdout == ""


def test_next_change_date_after_a_build(fixture_site: Path, tmp_path: Path) -> None:
    result = run_cli("build", "--root", str(fixture_site), "--out", str(tmp_path / "out"),
                     "--as-of", "2025-06-15", "--no-search", "--next-change")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2026-02-01\n"
    assert (tmp_path / "out" / "index.html").is_file()


def test_content_errors_print_no_date(fixture_site: Path) -> None:
    (fixture_site / "content" / "projects" / "rikki.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15", "--next-change")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "rikki.md" in result.stderr


@pytest.mark.parametrize("records, as_of, expected", [
    ({}, "2025-06-15", "Seuraava muutos: 1.2.2026, kun 1 hanke päättyy."),
    ({"a": "end: 2026", "b": "end: 2026-12", "c": "end: 2026-12-31"}, "2026-06-01",
     "Seuraava muutos: 1.1.2027, kun 3 hanketta päättyy."),
    ({"a": "end: 2026", "b": "end: 2026-12", "d": "start: 2027-01"}, "2026-06-01",
     "Seuraava muutos: 1.1.2027, kun 1 hanke alkaa ja 2 hanketta päättyy."),
    ({"d": "start: 2027-01", "e": "start: 2027"}, "2026-06-01",
     "Seuraava muutos: 1.1.2027, kun 2 hanketta alkaa."),
])
def test_the_summary_line_uses_finnish_singular_and_plural(fixture_site: Path, records: dict[str, str],
                                                          as_of: str, expected: str) -> None:
    for slug, dates in records.items():
        # An ending project started long ago, so only its end is ahead.
        front = dates if dates.startswith("start") else "start: 2020\n" + dates
        (fixture_site / "content" / "projects" / f"{slug}.md").write_text(
            f"---\ntitle: {slug}\n{front}\n---\n\nX.\n", encoding="utf-8")
    if records:
        # Keep only the new records so the fixture's own dates do not come first.
        for path in (fixture_site / "content" / "projects").glob("*.md"):
            if path.stem not in records:
                path.unlink()
    result = run_cli("check", "--root", str(fixture_site), "--as-of", as_of)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout.splitlines()


def test_english_summary_line(fixture_site: Path) -> None:
    result = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15", "--lang", "en")
    assert "Next change: 1.2.2026, when 1 project ends." in result.stdout
