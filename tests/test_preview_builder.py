"""The preview's builder: every failure becomes problems an editor can act on, never a traceback."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import FIXTURE_AS_OF
from projcat.engine import pipeline
from projcat.preview.builder import CLOCK_CHECK_SECONDS, Builder, Built, Failed, seconds_to_next_clock_check
from projcat.render.pages import THEME_DIR


def _builder(root: Path, tmp_path: Path) -> Builder:
    out = tmp_path / "served"
    out.mkdir()
    return Builder(root, out, FIXTURE_AS_OF)


def test_a_template_mistake_names_the_template_and_its_line(fixture_site: Path, tmp_path: Path) -> None:
    templates = fixture_site / "templates"
    templates.mkdir()
    source = (THEME_DIR / "templates" / "project.html").read_text(encoding="utf-8")
    assert "{{ project.title }}</h1>" in source
    (templates / "project.html").write_text(source.replace("{{ project.title }}</h1>", "{{ project.titel }}</h1>"),
                                            encoding="utf-8")
    line = next(n for n, text in enumerate(source.split("\n"), 1) if "{{ project.title }}</h1>" in text)
    outcome = _builder(fixture_site, tmp_path).build()
    assert isinstance(outcome, Failed)
    [problem] = outcome.problems
    assert (problem.path, problem.line) == ("templates/project.html", line)
    assert "titel" in problem.format("fi") and "korjaa mallipohja" in problem.format("fi")


def test_a_static_file_in_a_pages_place_is_a_problem_and_the_last_good_site_stays(
    fixture_site: Path, tmp_path: Path
) -> None:
    builder = _builder(fixture_site, tmp_path)
    assert isinstance(builder.build(), Built)
    before = (builder.out / "index.html").read_bytes()
    (fixture_site / "static" / "index.html").write_text("<p>oma</p>", encoding="utf-8")
    outcome = builder.build()
    assert isinstance(outcome, Failed)
    assert "static/index.html" in outcome.problems[0].format("fi")
    assert (builder.out / "index.html").read_bytes() == before
    (fixture_site / "static" / "index.html").unlink()
    outcome = builder.build()
    assert isinstance(outcome, Built) and outcome.changed == ()


def test_a_missing_site_file_is_a_problem_and_fixing_it_rebuilds(fixture_site: Path, tmp_path: Path) -> None:
    builder = _builder(fixture_site, tmp_path)
    site_file = fixture_site / "site.yaml"
    text = site_file.read_text(encoding="utf-8")
    site_file.unlink()
    outcome = builder.build()
    assert isinstance(outcome, Failed) and outcome.problems[0].path == "site.yaml"
    site_file.write_text(text, encoding="utf-8")
    outcome = builder.build()
    assert isinstance(outcome, Built) and "index.html" in outcome.changed


HELSINKI = ZoneInfo("Europe/Helsinki")


def test_built_for_today_a_project_ends_at_midnight_without_a_restart(
    fixture_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # alfa.md ends on 31.1.2026. The preview was started without --as-of: it builds for today.
    today = [date(2026, 1, 31)]
    monkeypatch.setattr(pipeline, "today", lambda site: today[0])
    out = tmp_path / "served"
    out.mkdir()
    builder = Builder(fixture_site, out, None)
    assert isinstance(builder.build(), Built)
    page = out / "hankkeet" / "alfa" / "index.html"
    assert 'class="status status--ongoing">Käynnissä<' in page.read_text(encoding="utf-8")
    assert builder.new_day(datetime(2026, 1, 31, 23, 59, 59, tzinfo=HELSINKI)) is None
    # Midnight in the site's time zone, while it is still the 31st in UTC.
    midnight = datetime(2026, 2, 1, 0, 0, 1, tzinfo=HELSINKI)
    assert midnight.astimezone(UTC).date() == date(2026, 1, 31)
    assert builder.new_day(midnight) == date(2026, 2, 1)

    today[0] = date(2026, 2, 1)
    outcome = builder.build()
    assert isinstance(outcome, Built) and "hankkeet/alfa/index.html" in outcome.changed
    assert 'class="status status--ended">Päättynyt<' in page.read_text(encoding="utf-8")
    assert builder.new_day(midnight) is None


def test_with_a_fixed_as_of_date_a_new_day_changes_nothing(fixture_site: Path, tmp_path: Path) -> None:
    builder = _builder(fixture_site, tmp_path)
    assert isinstance(builder.build(), Built)
    assert builder.new_day(datetime(2030, 1, 1, tzinfo=HELSINKI)) is None


@pytest.mark.parametrize(("now", "zone", "expected"), [
    (datetime(2026, 1, 31, 23, 59, 58, tzinfo=HELSINKI), "Europe/Helsinki", 2.5),
    (datetime(2026, 1, 31, 12, 0, tzinfo=HELSINKI), "Europe/Helsinki", CLOCK_CHECK_SECONDS),
    # Given in UTC, midnight in the site's zone: 22:00 UTC in Finnish winter time.
    (datetime(2026, 1, 31, 21, 59, 58, tzinfo=UTC), "Europe/Helsinki", 2.5),
    # Chile's clocks jump from 00:00 to 01:00 on 8.9.2024: the day begins at 04:00 UTC.
    (datetime(2024, 9, 8, 3, 59, 59, tzinfo=UTC), "America/Santiago", 1.5),
])
def test_the_date_is_looked_at_again_just_after_midnight_and_at_least_every_minute(
    now: datetime, zone: str, expected: float
) -> None:
    assert seconds_to_next_clock_check(now, zone) == pytest.approx(expected)
