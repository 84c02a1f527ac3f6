"""The command line through the real entry point, as a user types it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from conftest import run_cli


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_build_writes_the_site_and_says_so(fixture_site: Path) -> None:
    result = run_cli("build", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    assert "Sivusto rakennettu" in result.stdout
    assert (fixture_site / "site" / "index.html").is_file()
    assert (fixture_site / "site" / "hankkeet" / "alfa" / "index.html").is_file()


def test_no_command_means_build(fixture_site: Path) -> None:
    result = run_cli("--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    assert (fixture_site / "site" / "paattyneet" / "index.html").is_file()


def test_out_and_base_url_are_honoured(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "julkaisu"
    result = run_cli("build", "--root", str(fixture_site), "--out", str(out), "--base-url", "/hankkeet/",
                     "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    index = (out / "index.html").read_text()
    assert 'href="/hankkeet/hankkeet/alfa/"' in index
    assert 'href="/hankkeet/assets/style.css?v=' in index
    assert not (fixture_site / "site").exists()


def test_check_writes_nothing_and_reports_next_change(fixture_site: Path) -> None:
    result = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    assert "Kaikki kunnossa: 7 hanketta" in result.stdout
    assert "Seuraava muutos: 1.2.2026" in result.stdout
    assert not (fixture_site / "site").exists()


def test_content_problems_exit_1_and_keep_the_previous_site(fixture_site: Path) -> None:
    assert run_cli("build", "--root", str(fixture_site), "--as-of", "2025-06-15").returncode == 0
    before = _digest(fixture_site / "site")
    record = fixture_site / "content" / "projects" / "beeta.md"
    record.write_text(record.read_text().replace("end: 2021-02", "end: 2021-02-30"))
    result = run_cli("build", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 1
    assert "content/projects/beeta.md:5:" in result.stderr
    assert "päivämäärää 2021-02-30 ei ole olemassa" in result.stderr
    assert "Mitään ei kirjoitettu" in result.stderr
    assert "Traceback" not in result.stderr
    assert _digest(fixture_site / "site") == before


def test_wrong_usage_exits_2(fixture_site: Path) -> None:
    assert run_cli("build", "--as-of", "31.12.2021", "--root", str(fixture_site)).returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_an_output_folder_that_would_replace_the_sites_own_files_is_refused_in_words(
    fixture_site: Path, tmp_path: Path
) -> None:
    result = run_cli("build", "--root", str(fixture_site), "--out", str(fixture_site / "content" / "projects"))
    assert result.returncode == 2
    assert "ei käytetä tuloskansiona" in result.stderr and "anna toinen kansio valitsimella --out" in result.stderr
    (fixture_site / "static" / "feed.xml").write_text("<feed/>", encoding="utf-8")
    result = run_cli("build", "--root", str(fixture_site), "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 2
    assert result.stderr.strip() == ("build.py: static/feed.xml: error: this file would replace the generated file"
                                     " feed.xml - rename the file or move it to another folder")
    assert not (tmp_path / "out").exists()
    assert len(list((fixture_site / "content" / "projects").glob("*.md"))) == 7


def test_english_messages_on_request(fixture_site: Path) -> None:
    (fixture_site / "content" / "projects" / "beeta.md").write_text("no front matter\n")
    result = run_cli("check", "--root", str(fixture_site), "--lang", "en")
    assert result.returncode == 1
    assert "content/projects/beeta.md:1:1: error: the file has no front matter" in result.stderr


def test_new_scaffolds_a_record_that_checks(fixture_site: Path) -> None:
    result = run_cli("new", "--root", str(fixture_site), "--title", "Uusi hyvä hanke", "--theme", "ilmasto")
    assert result.returncode == 0, result.stderr
    created = fixture_site / "content" / "projects" / "uusi-hyva-hanke.md"
    assert created.is_file()
    assert "title: Uusi hyvä hanke" in created.read_text()
    assert run_cli("check", "--root", str(fixture_site)).returncode == 0
    again = run_cli("new", "--root", str(fixture_site), "--title", "Uusi hyvä hanke")
    assert again.returncode == 2
    assert "on jo olemassa" in again.stderr


def test_new_refuses_an_unknown_theme(fixture_site: Path) -> None:
    result = run_cli("new", "--root", str(fixture_site), "--title", "X", "--theme", "asumin")
    assert result.returncode == 2
    assert "Teemaa 'asumin' ei ole" in result.stderr


def test_the_installed_console_script_runs_the_same_entry_point(fixture_site: Path) -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "projcat"]
    assert script.value == "projcat.cli:run"
    installed = Path(sys.executable).parent / "projcat"
    result = subprocess.run([str(installed), "check", "--root", str(fixture_site), "--as-of", "2025-06-15"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Kaikki kunnossa: 7 hanketta" in result.stdout


def test_same_input_gives_byte_identical_output(fixture_site: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_cli("build", "--root", str(fixture_site), "--out", str(one), "--as-of", "2025-06-15").returncode == 0
    assert run_cli("build", "--root", str(fixture_site), "--out", str(two), "--as-of", "2025-06-15").returncode == 0
    assert _digest(one) == _digest(two)
