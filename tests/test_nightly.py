"""The nightly run: the same command, a later date, the same output folder.

A project whose end date has passed moves to the archive page; the stamp
(a build with unchanged inputs stops early) must not keep yesterday's site,
and a second run on the same day must stop at it, leaving the output as it is."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from conftest import run_cli
from projcat.engine import stamp

BEFORE = "2025-06-15"
# Alfa ends on 31.1.2026, so it has ended on the next day.
AFTER = "2026-02-01"
ALFA = 'href="/hankkeet/alfa/"'
_SHOWN_BEFORE = r"2025-06-15|15\.6\.2025"


def _nightly(site: Path, out: Path, as_of: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("build", "--root", str(site), "--out", str(out), "--as-of", as_of)
    assert result.returncode == 0, result.stderr
    return result


def _page(out: Path, rel: str) -> str:
    return (out / rel / "index.html").read_text(encoding="utf-8")


def _current_and_ended(theme_page: str) -> tuple[str, str]:
    """A theme page's two lists: projects going on or coming, and projects that have ended."""
    current, _, ended = theme_page.partition("<h2>Päättyneet</h2>")
    return current, ended


def _state(folder: Path) -> dict[str, tuple[str, int, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns,
                                               p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_later_nightly_build_moves_an_ended_project_to_the_archive(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "julkaisu"
    first = _nightly(fixture_site, out, BEFORE)
    assert f"(tilanne {BEFORE})" in first.stdout
    assert re.search(_SHOWN_BEFORE, _page(out, "hankkeet/alfa"))
    assert ALFA in _page(out, "")
    assert ALFA not in _page(out, "paattyneet")
    current, ended = _current_and_ended(_page(out, "teemat/asuminen"))
    assert ALFA in current and ALFA not in ended
    assert "status--ongoing" in _page(out, "hankkeet/alfa")
    first_stamp = stamp.stamp_file(fixture_site).stat().st_ino

    second = _nightly(fixture_site, out, AFTER)
    # A full build ran, not the stamp's replay of the last one: a new stamp, a new summary, new pages.
    assert stamp.stamp_file(fixture_site).stat().st_ino != first_stamp
    assert f"(tilanne {AFTER})" in second.stdout and second.stdout != first.stdout
    assert ALFA not in _page(out, "")
    assert ALFA in _page(out, "paattyneet")
    current, ended = _current_and_ended(_page(out, "teemat/asuminen"))
    assert ALFA not in current and ALFA in ended
    alfa = _page(out, "hankkeet/alfa")
    assert "status--ended" in alfa and "status--ongoing" not in alfa
    # No page or data file still shows the earlier day ("Tiedot päivitetty 15.6.2025.").
    stale = [p.relative_to(out).as_posix() for p in sorted(out.rglob("*"))
             if p.suffix in (".html", ".json", ".csv", ".xml") and re.search(_SHOWN_BEFORE, p.read_text("utf-8"))]
    assert stale == []

    # The same day again: it stops at the stamp, prints the same, and leaves every file untouched.
    after_second = _state(out)
    second_stamp = stamp.stamp_file(fixture_site).stat().st_ino
    third = _nightly(fixture_site, out, AFTER)
    assert stamp.stamp_file(fixture_site).stat().st_ino == second_stamp
    assert (third.stdout, third.stderr) == (second.stdout, second.stderr)
    assert _state(out) == after_second
