"""How problems reach the editor: one line each, a count, JSON for CI, English on request, never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, run_cli

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): (virhe: |varoitus: |error: |warning: )"
    r"((?P<field>[^:]+): )?(?P<what>.+) - (?P<todo>.+)$"
)
RECORD = "content/projects/beeta.md"


def _break(site: Path, old: str, new: str, name: str = "beeta.md") -> None:
    record = site / "content" / "projects" / name
    record.write_text(record.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_one_problem_reads_in_the_singular(fixture_site: Path) -> None:
    _break(fixture_site, "end: 2021-02", "end: 2021-02-30")
    result = run_cli("check", "--root", str(fixture_site))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert LINE.match(lines[0]), lines[0]
    assert lines[0].startswith(f"{RECORD}:5:6: virhe: end: päivämäärää 2021-02-30 ei ole olemassa - ")
    assert lines[-1] == "1 ongelma 1 tiedostossa: 1 virhe, 0 varoitusta."
    assert result.stdout == ""


def test_errors_and_warnings_are_counted_apart(fixture_site: Path) -> None:
    _break(fixture_site, "end: 2021-02", "end: 2021-02-30")
    _break(fixture_site, "title: Alfa – asumisen kokeiluhanke", "title: Alfa\u00a0– asumisen kokeiluhanke", "alfa.md")
    (fixture_site / "content" / "projects" / "gamma-ohjelma.md").write_text("---\ntitel: Gamma\n---\n")
    result = run_cli("check", "--root", str(fixture_site))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "3 ongelmaa 3 tiedostossa: 2 virhettä, 1 varoitus."
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert sum(": varoitus: " in line for line in lines) == 1


def test_english_on_request(fixture_site: Path) -> None:
    _break(fixture_site, "end: 2021-02", "end: 2021-02-30")
    result = run_cli("check", "--root", str(fixture_site), "--lang", "en")
    lines = result.stderr.splitlines()
    assert lines[0] == (f"{RECORD}:5:6: error: end: the date 2021-02-30 does not exist - check the day and month; "
                        "if the exact day is not known, write only the month (YYYY-MM) or the year (YYYY)")
    assert lines[-1] == "1 problem in 1 file: 1 error, 0 warnings."


def test_json_lines_for_ci(fixture_site: Path) -> None:
    _break(fixture_site, "end: 2021-02", "end: 2021-02-30")
    _break(fixture_site, "title: Alfa – asumisen kokeiluhanke", "title: Alfa\u00a0– asumisen kokeiluhanke", "alfa.md")
    result = run_cli("check", "--root", str(fixture_site), "--format", "json")
    assert result.returncode == 1
    assert result.stderr == ""
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {"path": "content/projects/alfa.md", "line": 2, "col": 8, "field": "title", "severity": "warning",
         "code": "text.invisible_space", "message": "tekstissä on näkymätön tai sitova välilyönti",
         "hint": "kirjoita tavallinen välilyönti"},
        {"path": RECORD, "line": 5, "col": 6, "field": "end", "severity": "error", "code": "date.impossible",
         "message": "päivämäärää 2021-02-30 ei ole olemassa",
         "hint": "tarkista päivä ja kuukausi; jos tarkkaa päivää ei tiedetä, kirjoita vain kuukausi (VVVV-KK) "
                 "tai vuosi (VVVV)"},
    ]
    built = run_cli("build", "--root", str(fixture_site), "--format", "json", "--lang", "en")
    assert built.returncode == 1
    messages = [json.loads(line)["message"] for line in built.stdout.splitlines()]
    assert messages[1] == "the date 2021-02-30 does not exist"
    assert not (fixture_site / "site").exists()


def test_warnings_alone_let_the_build_through(fixture_site: Path) -> None:
    _break(fixture_site, "title: Alfa – asumisen kokeiluhanke", "title: Alfa\u00a0– asumisen kokeiluhanke", "alfa.md")
    result = run_cli("build", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    assert "1 ongelma 1 tiedostossa: 0 virhettä, 1 varoitus." in result.stderr.splitlines()
    assert (fixture_site / "site" / "hankkeet" / "alfa" / "index.html").is_file()


def test_an_internal_error_is_one_line(fixture_site: Path) -> None:
    """A bug in the tool, not the content: one line that says so, exit 1, no traceback."""
    script = (
        "import sys\n"
        "from projcat.engine import pipeline\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('renderer exploded\\nsecond line')\n"
        "pipeline.check = broken\n"
        "from projcat.cli import main\n"
        f"sys.exit(main(['check', '--root', {str(fixture_site)!r}]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PROJCAT_DEBUG"}
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Sisäinen virhe (RuntimeError): renderer exploded. Tämä on ohjelman vika, ei sisällön; "
        "ilmoita siitä ylläpitäjälle."
    ]
    assert result.stdout == ""


def test_no_traceback_whatever_the_files(fixture_site: Path) -> None:
    projects = fixture_site / "content" / "projects"
    (projects / "roskaa.md").write_bytes(bytes(range(256)) * 4)
    (projects / "kansio.md").mkdir()
    (projects / os.fsdecode(b"h\xe4nke.md")).write_text("---\ntitle: Latin-1-nimi\n---\n")
    (projects / "nolla.md").write_bytes(b"---\ntitle: a\x00b\n---\n")
    (projects / "pelkka-bom.md").write_bytes(b"\xef\xbb\xbf")
    (projects / "kaksi-bomia.md").write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf---\ntitle: X\n---\n")
    result = run_cli("check", "--root", str(fixture_site))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert any(line.startswith("content/projects/h\ufffdnke.md:1:1: virhe: tiedostonimi") for line in lines), lines
    assert any(line.startswith("content/projects/nolla.md:2:9: virhe: tiedostossa on näkymätön ohjausmerkki U+0000")
               for line in lines), lines


def test_a_broken_site_yaml_is_reported_like_a_record(fixture_site: Path) -> None:
    (fixture_site / "site.yaml").write_bytes("title: Testi\norganisation: Ä\n".encode("utf-16"))
    result = run_cli("build", "--root", str(fixture_site))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "site.yaml:1:1: virhe: tiedosto on UTF-16-muodossa - tallenna tiedosto UTF-8-muodossa")
    assert "Traceback" not in result.stderr
