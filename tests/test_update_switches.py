"""The switches that rewrite expected files (UPDATE_GOLDEN, UPDATE_EXPECTED) cannot make a run pass:
a rewrite fails the test and is listed at the end of the run, and CI refuses the switches outright."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

DEMO_TEST = '''
from pathlib import Path


def test_demo(expected_files):
    expected = expected_files("UPDATE_DEMO")
    if expected.updating:
        expected.rewrite(Path(__file__).parent / "expected.txt", b"new\\n")
        expected.fail_if_rewritten()
    assert (Path(__file__).parent / "expected.txt").read_bytes() == b"new\\n"
'''


def _pytest(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """pytest in a child process, with this suite's conftest as a plugin and only `env` switched on."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "UPDATE_GOLDEN", "UPDATE_EXPECTED", "UPDATE_DEMO")}
    clean["PYTHONPATH"] = os.pathsep.join([str(REPO / "tests"), str(REPO), clean.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q", *args],
        cwd=folder, env={**clean, **env}, capture_output=True, text=True, timeout=300,
    )


def test_a_rewrite_fails_the_run_and_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "test_demo.py").write_text(DEMO_TEST, encoding="utf-8")
    (tmp_path / "expected.txt").write_bytes(b"old\n")

    plain = _pytest(tmp_path, "test_demo.py")
    assert plain.returncode == 1, plain.stdout
    assert (tmp_path / "expected.txt").read_bytes() == b"old\n"

    updated = _pytest(tmp_path, "test_demo.py", UPDATE_DEMO="1")
    assert updated.returncode == 1, updated.stdout
    assert "expected files rewritten: review with git diff" in updated.stdout
    # Listed in the run's own summary, without -s and whatever else failed.
    summary = updated.stdout.split("expected files rewritten ==")[-1]
    assert str(tmp_path / "expected.txt") in summary, updated.stdout
    assert (tmp_path / "expected.txt").read_bytes() == b"new\n"

    # With nothing left to rewrite, the comparison is a real one again.
    again = _pytest(tmp_path, "test_demo.py", UPDATE_DEMO="1")
    assert again.returncode == 0, again.stdout
    assert "expected files rewritten" not in again.stdout


def test_ci_refuses_the_switch_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "test_demo.py").write_text(DEMO_TEST, encoding="utf-8")
    (tmp_path / "expected.txt").write_bytes(b"old\n")
    result = _pytest(tmp_path, "test_demo.py", UPDATE_DEMO="1", CI="true")
    assert result.returncode == 1, result.stdout
    assert "UPDATE_DEMO is not allowed in CI" in result.stdout
    assert (tmp_path / "expected.txt").read_bytes() == b"old\n"


def test_ci_refuses_update_expected_in_the_real_suite() -> None:
    case = REPO / "tests" / "fixtures" / "invalid" / "five-mistakes"
    before = {p.name: p.read_bytes() for p in case.iterdir() if p.is_file()}
    result = _pytest(REPO, str(REPO / "tests" / "test_invalid_fixtures.py"), "-k", "five-mistakes",
                     UPDATE_EXPECTED="1", CI="true")
    assert result.returncode == 1, result.stdout
    assert "UPDATE_EXPECTED is not allowed in CI" in result.stdout
    assert {p.name: p.read_bytes() for p in case.iterdir() if p.is_file()} == before
