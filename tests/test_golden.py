"""Golden HTML of the fixture site. Regenerate on purpose only:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

The run rewrites the pages that differ, lists them and fails on purpose;
review `git diff tests/golden` by eye before committing. CI refuses the switch.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

from conftest import ExpectedFiles

GOLDEN = Path(__file__).parent / "golden"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_fixture_site_matches_golden_html(
    built_fixture: Path, expected_files: Callable[[str], ExpectedFiles]
) -> None:
    golden = expected_files("UPDATE_GOLDEN")
    actual = {k: v for k, v in _tree(built_fixture).items() if k.endswith(".html")}
    expected = _tree(GOLDEN)
    if golden.updating:
        for name in sorted(set(actual) | set(expected)):
            golden.rewrite(GOLDEN / name, actual.get(name))
        golden.fail_if_rewritten()
    assert sorted(actual) == sorted(expected), "pages added or removed; see the module docstring"
    for name in expected:
        if actual[name] != expected[name]:
            diff = "\n".join(difflib.unified_diff(
                expected[name].decode().splitlines(), actual[name].decode().splitlines(),
                f"golden/{name}", f"built/{name}", lineterm="", n=2,
            ))
            raise AssertionError(f"{name} differs from its golden copy:\n{diff[:4000]}")
