"""Golden HTML of the fixture site. Regenerate on purpose only:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

then review `git diff tests/golden` by eye before committing.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_fixture_site_matches_golden_html(built_fixture: Path) -> None:
    actual = {k: v for k, v in _tree(built_fixture).items() if k.endswith(".html")}
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in actual.items():
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    expected = _tree(GOLDEN)
    assert sorted(actual) == sorted(expected), "pages added or removed; see the module docstring"
    for name in expected:
        if actual[name] != expected[name]:
            diff = "\n".join(difflib.unified_diff(
                expected[name].decode().splitlines(), actual[name].decode().splitlines(),
                f"golden/{name}", f"built/{name}", lineterm="", n=2,
            ))
            raise AssertionError(f"{name} differs from its golden copy:\n{diff[:4000]}")
