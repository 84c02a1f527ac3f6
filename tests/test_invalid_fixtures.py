"""Every mistake of the invalid-fixture corpus, at its file, line, column and field, word for word.

Each folder in `tests/fixtures/invalid/` is one case: files laid over the
minimal site in `_base/` (a case with its own `site.yaml` replaces the base
one), an optional `setup.json` for what git cannot carry portably (names
that Windows or macOS refuse, symbolic links, a file over the size limit),
and `expected.txt`: the exact lines `check` prints for it, in Finnish.
`expected.en.txt`, where present, is the same in English.

After an intended change of wording, regenerate with
`UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/test_invalid_fixtures.py`:
the cases whose files it rewrote fail on purpose and are listed at the end;
read `git diff tests/fixtures/invalid` line by line. CI refuses the switch.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, ExpectedFiles, run_cli
from projcat.engine import pipeline

INVALID = REPO / "tests" / "fixtures" / "invalid"
BASE = INVALID / "_base"
AS_OF = date(2025, 6, 15)
CASES = sorted(p for p in INVALID.iterdir() if p.is_dir() and not p.name.startswith("_"))
_NOT_SITE_FILES = {"expected.txt", "expected.en.txt", "setup.json"}
_EDITOR_FORMAT = re.compile(
    r"^(?P<path>[^:]+):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): (virhe: |varoitus: )"
    r"((?P<field>[^:]+): )?(?P<what>.+) - (?P<todo>.+)$"
)


def assemble(case: Path, workspace: Path) -> Path:
    """The case as a site folder of its own under `workspace`; returns the site folder."""
    root = workspace / "site-src"
    shutil.copytree(BASE, root)
    for source in sorted(case.rglob("*")):
        rel = source.relative_to(case)
        if source.is_dir() or rel.as_posix() in _NOT_SITE_FILES:
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    setup_file = case / "setup.json"
    setup = json.loads(setup_file.read_text(encoding="utf-8")) if setup_file.exists() else {}
    for rel, spec in setup.get("pad", {}).items():
        head = spec["head"].encode("utf-8")
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(head + b"x" * (spec["size"] - len(head)))
    for old, new in setup.get("rename", {}).items():
        os.rename(root / old, root / new)
    for rel, text in setup.get("outside", {}).items():
        # Outside the site folder: a symlink must not lead the tool here.
        (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
        (workspace / rel).write_text(text, encoding="utf-8")
    for link, target in setup.get("symlink", {}).items():
        os.symlink(target, root / link)
    for rel in setup.get("delete", []):
        (root / rel).unlink()
    return root


def expected_lines(case: Path, name: str = "expected.txt") -> list[str]:
    return (case / name).read_text(encoding="utf-8").splitlines()


def _check(case: Path, workspace: Path, lang: str) -> tuple[list[str], bool]:
    result = pipeline.check(assemble(case, workspace), AS_OF)
    return [p.format(lang) for p in result.problems], result.ok


def test_the_corpus_covers_every_case_of_the_issue() -> None:
    names = {p.name for p in CASES}
    required = {
        "python-tag", "anchor-alias", "alias-bomb", "too-large", "duplicate-key", "tab-indentation",
        "unquoted-colon", "curly-quotes", "special-first-character", "no-front-matter",
        "unclosed-front-matter", "list-front-matter", "scalar-front-matter", "empty-file", "bom-accepted",
        "crlf-accepted", "cr-only", "cp1252", "latin-1", "utf-16", "non-string-keys", "key-case",
        "missing-required", "unknown-keys", "wrong-types", "empty-values", "dates-impossible",
        "dates-other-formats", "end-before-start", "unknown-theme", "bad-status", "amounts", "emails", "urls",
        "slugs", "slug-collisions", "symlinks", "site-missing-themes", "site-duplicate-themes",
        "site-bad-values", "warnings",
    }
    assert required <= names, sorted(required - names)
    for case in CASES:
        assert (case / "expected.txt").is_file(), case.name


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invalid_case_reports_exactly_its_problems(
    case: Path, tmp_path: Path, expected_files: Callable[[str], ExpectedFiles]
) -> None:
    lines, ok = _check(case, tmp_path, "fi")
    _update(expected_files("UPDATE_EXPECTED"), case / "expected.txt", lines)
    expected = expected_lines(case)
    assert lines == expected
    # Errors stop the build; a case with warnings only still builds.
    assert ok == (not any(": varoitus: " not in line for line in expected)), lines


@pytest.mark.parametrize("case", [c for c in CASES if (c / "expected.en.txt").exists()], ids=lambda p: p.name)
def test_invalid_case_in_english(
    case: Path, tmp_path: Path, expected_files: Callable[[str], ExpectedFiles]
) -> None:
    lines, _ = _check(case, tmp_path, "en")
    _update(expected_files("UPDATE_EXPECTED"), case / "expected.en.txt", lines)
    assert lines == expected_lines(case, "expected.en.txt")


def _update(expected: ExpectedFiles, file: Path, lines: list[str]) -> None:
    """Under UPDATE_EXPECTED: rewrite `file` if it differs, and then fail (see ExpectedFiles)."""
    if expected.updating:
        expected.rewrite(file, "".join(line + "\n" for line in lines).encode("utf-8"))
        expected.fail_if_rewritten()


def test_every_line_has_the_editor_format() -> None:
    """`path:line:col: virhe|varoitus: [field: ]: what is wrong - what to do`, with a hint for every problem."""
    for case in CASES:
        for line in expected_lines(case):
            if line.startswith("site.yaml: virhe: tiedostoa site.yaml ei löydy"):
                continue  # a missing file has no line to point at
            assert _EDITOR_FORMAT.match(line), f"{case.name}: {line!r}"


def test_the_cli_prints_the_same_lines_and_a_count(tmp_path: Path) -> None:
    case = INVALID / "five-mistakes"
    root = assemble(case, tmp_path)
    result = run_cli("check", "--root", str(root))
    assert result.returncode == 1
    printed = result.stderr.splitlines()
    assert printed[:-1] == expected_lines(case)
    assert printed[-1] == "5 ongelmaa 1 tiedostossa: 5 virhettä, 0 varoitusta."
    assert "Traceback" not in result.stderr


def test_a_python_tag_is_never_constructed(tmp_path: Path) -> None:
    root = assemble(INVALID / "python-tag", tmp_path)
    result = run_cli("build", "--root", str(root), cwd=root)
    assert result.returncode == 1
    assert not (root / "pwned.txt").exists()
    assert not any(tmp_path.rglob("pwned.txt"))
    assert not (root / "site").exists()


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    """The linked files are invalid: had they been read, their problems would show."""
    lines, _ = _check(INVALID / "symlinks", tmp_path, "fi")
    assert not any("ei_kuulu" in line or "myös" in line or "ulkona" in line for line in lines), lines
    assert all(":1:1: virhe: symbolinen linkki" in line for line in lines), lines
