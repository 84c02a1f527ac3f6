"""Dates from git history: each project page's last change, the feed's new projects,
the sitemap's lastmod, and a daily rebuild that changes nothing when nothing changed."""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from conftest import run_cli
from projcat.catalogue import last_transition
from projcat.content.history import parse_log, read_history
from projcat.content.records import Project
from projcat.engine import pipeline

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def git(repo: Path, *args: str, day: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Toimittaja", "GIT_AUTHOR_EMAIL": "toimittaja@example.fi",
           "GIT_COMMITTER_NAME": "Toimittaja", "GIT_COMMITTER_EMAIL": "toimittaja@example.fi"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+02:00"
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def git_site(fixture_site: Path) -> Path:
    """The fixture site as a git checkout with three dated commits."""
    git(fixture_site, "init", "-q", "-b", "main")
    git(fixture_site, "add", "-A")
    git(fixture_site, "commit", "-q", "-m", "Alku", day="2025-01-10")
    beeta = fixture_site / "content" / "projects" / "beeta.md"
    beeta.write_text(beeta.read_text(encoding="utf-8") + "\nKorjattu kuvaus.\n", encoding="utf-8")
    git(fixture_site, "commit", "-q", "-am", "Beeta korjattu", day="2025-03-05")
    (fixture_site / "content" / "projects" / "uusi.md").write_text(
        "---\ntitle: Uusi hanke\ntheme: ilmasto\nstart: 2025-09-01\n---\n\nJuuri lisätty hanke.\n", encoding="utf-8")
    git(fixture_site, "add", "-A")
    git(fixture_site, "commit", "-q", "-m", "Uusi hanke", day="2025-05-20")
    return fixture_site


def test_history_reads_first_and_last_commit_dates(git_site: Path) -> None:
    history = read_history(git_site)
    assert history.added("content/projects/beeta.md") == date(2025, 1, 10)
    assert history.changed("content/projects/beeta.md") == date(2025, 3, 5)
    assert history.changed("content/projects/alfa.md") == date(2025, 1, 10)
    assert history.added("content/projects/uusi.md") == date(2025, 5, 20)
    assert history.changed("site.yaml") == date(2025, 1, 10)
    # Files outside content/ and site.yaml are not what pages are dated by.
    assert "static/tiedostot/raportti.pdf" not in history.files


def test_the_log_parser_takes_newest_and_oldest_whatever_the_order() -> None:
    text = "\x012025-03-05\n\na.md\nb.md\n\x012025-04-01\n\na.md\n\x012025-01-10\n\nb.md\n"
    files = parse_log(text)
    assert (files["a.md"].added, files["a.md"].changed) == (date(2025, 3, 5), date(2025, 4, 1))
    assert (files["b.md"].added, files["b.md"].changed) == (date(2025, 1, 10), date(2025, 3, 5))


@pytest.mark.parametrize("dates, as_of, expected", [
    ({"start": "2024-02", "end": "2026"}, date(2025, 6, 15), date(2024, 2, 1)),    # started
    ({"start": "2024-02", "end": "2025-05"}, date(2025, 6, 15), date(2025, 6, 1)),  # ended: the day after May
    ({"end": "2025-06-15"}, date(2025, 6, 15), None),                             # still its last day
    ({"start": "2030"}, date(2025, 6, 15), None),                                 # not yet
    ({"start": "2024", "end": "2024", "status": "ended"}, date(2025, 6, 15), None),  # marked ended
])
def test_last_status_change_by_date(dates: dict[str, str], as_of: date, expected: date | None) -> None:
    assert last_transition(Project.model_validate({"title": "x", **dates}), as_of) == expected


def test_each_project_page_shows_its_records_last_commit(git_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(git_site, out, date(2025, 6, 15))
    beeta = (out / "hankkeet" / "beeta" / "index.html").read_text(encoding="utf-8")
    alfa = (out / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    assert 'Tietoja muutettu viimeksi <time datetime="2025-03-05">5.3.2025</time>.' in beeta
    assert 'Tietoja muutettu viimeksi <time datetime="2025-01-10">10.1.2025</time>.' in alfa


def test_outside_a_git_checkout_no_change_date_is_shown(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, date(2025, 6, 15))
    for page in (out / "hankkeet").glob("*/index.html"):
        assert "Tietoja muutettu" not in page.read_text(encoding="utf-8")


def test_an_uncommitted_record_has_no_change_date(git_site: Path, tmp_path: Path) -> None:
    (git_site / "content" / "projects" / "luonnos.md").write_text("---\ntitle: Luonnos\n---\n\nKesken.\n",
                                                                  encoding="utf-8")
    out = tmp_path / "site"
    pipeline.build(git_site, out, date(2025, 6, 15))
    assert "Tietoja muutettu" not in (out / "hankkeet" / "luonnos" / "index.html").read_text(encoding="utf-8")


def test_feed_lists_projects_added_by_their_first_commit(git_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(git_site, out, date(2025, 6, 15), base_url="https://www.example.fi/hankkeet/")
    feed = ET.parse(out / "feed.xml").getroot()
    added = [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated")) for e in feed.iter(f"{ATOM}entry")
             if e.find(f"{ATOM}category").get("term") == "added"]
    assert added[0] == ("Uusi hanke: Uusi hanke", "2025-05-20T00:00:00+03:00")
    assert len(added) == 8  # the seven fixture projects and the new one
    assert all(updated == "2025-01-10T00:00:00+02:00" for _, updated in added[1:])
    # Built for a day before the commit, the project is not yet "added".
    earlier = tmp_path / "earlier"
    pipeline.build(git_site, earlier, date(2025, 5, 19), base_url="https://www.example.fi/hankkeet/")
    assert "Uusi hanke: Uusi hanke" not in (earlier / "feed.xml").read_text(encoding="utf-8")


def test_sitemap_lastmod_follows_edits_and_status_changes(git_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(git_site, out, date(2025, 6, 15), base_url="https://www.example.fi/hankkeet/")
    root = ET.parse(out / "sitemap.xml").getroot()
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    base = "https://www.example.fi/hankkeet/"
    assert lastmod[base + "hankkeet/beeta/"] == "2025-03-05"       # its own edit
    assert lastmod[base + "hankkeet/alfa/"] == "2025-01-10"        # nothing since the first commit
    assert lastmod[base + "hankkeet/uusi/"] == "2025-05-20"
    assert lastmod[base] == "2025-05-20"                            # the newest change it shows
    assert lastmod[base + "teemat/hyvinvointi/"] == "2025-03-05"
    # On 1.2.2026 alfa (ends 31.1.2026) turns ended: its page and the lists change that day.
    later = tmp_path / "later"
    pipeline.build(git_site, later, date(2026, 2, 1), base_url="https://www.example.fi/hankkeet/")
    root = ET.parse(later / "sitemap.xml").getroot()
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    assert lastmod[base + "hankkeet/alfa/"] == "2026-02-01"
    assert lastmod[base + "paattyneet/"] == "2026-02-01"
    assert lastmod[base + "hankkeet/beeta/"] == "2025-03-05"


def test_a_daily_rebuild_changes_nothing_until_the_next_change(git_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(git_site, out, date(2025, 6, 15), search=True)
    next_day = pipeline.build(git_site, out, date(2025, 6, 16), search=True)
    assert next_day.report is not None and next_day.report.written == 0
    change = next_day.check.catalogue.next_change  # type: ignore[union-attr]
    assert change is not None and change.day == date(2025, 9, 1)   # uusi starts
    eve = pipeline.build(git_site, out, date(2025, 8, 31), search=True)
    assert eve.report is not None and eve.report.written == 0
    on_the_day = pipeline.build(git_site, out, change.day, search=True)
    assert on_the_day.report is not None
    assert "hankkeet/uusi/index.html" in on_the_day.report.changed_paths
    assert "Tiedot päivitetty 1.9.2025." in (out / "index.html").read_text(encoding="utf-8")


def test_a_shallow_clone_gives_no_dates_and_says_why(git_site: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{git_site}", str(clone)], check=True,
                   capture_output=True)
    result = run_cli("build", "--root", str(clone), "--as-of", "2025-06-15", "--no-search")
    assert result.returncode == 0, result.stderr
    assert "shallow" in result.stderr
    assert "Tietoja muutettu" not in (clone / "site" / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
