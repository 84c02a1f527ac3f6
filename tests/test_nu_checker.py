"""The Nu HTML checker's wrapper cannot pass for a checker that did not check: it counts the files
the checker reports having read, and asserts its report and exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

import a11y_checks
from a11y_checks import nu_errors

VALID = '<!DOCTYPE html><html lang="fi"><head><title>Sivu</title></head><body><p>Hei</p></body></html>\n'


def _page(folder: Path, name: str, html: str) -> Path:
    file = folder / name
    file.write_text(html, encoding="utf-8")
    return file


def test_valid_and_invalid_pages_in_one_run(tmp_path: Path) -> None:
    good = _page(tmp_path, "hyva.html", VALID)
    bad = _page(tmp_path, "huono.html", VALID.replace("<p>Hei</p>", '<img src="x.png">'))
    assert nu_errors([good]) == []
    errors = nu_errors([good, bad])
    assert len(errors) == 1 and errors[0].startswith(f"{bad}:1: ") and "alt" in errors[0], errors


def test_a_file_the_checker_did_not_read_fails(tmp_path: Path) -> None:
    # The checker itself exits 0 with an empty report for a file that is not there.
    good = _page(tmp_path, "hyva.html", VALID)
    with pytest.raises(AssertionError, match="checked 1 of 2 files"):
        nu_errors([good, tmp_path / "puuttuu.html"])


def test_a_checker_that_does_not_run_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(a11y_checks, "VNU_JAR", tmp_path / "missing.jar")
    with pytest.raises(AssertionError, match="checked 0 of 1 files"):
        nu_errors([_page(tmp_path, "hyva.html", VALID)])


def test_no_files_is_not_a_clean_run() -> None:
    with pytest.raises(AssertionError, match="no HTML files"):
        nu_errors([])


def test_the_sites_policy_passes_and_other_bad_policies_still_fail(tmp_path: Path) -> None:
    """The checker's CSP parser predates 'wasm-unsafe-eval': that keyword alone is forgiven."""
    from html import escape

    from projcat.render.meta import CONTENT_SECURITY_POLICY

    def with_policy(policy: str) -> str:
        meta = f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">'
        return VALID.replace("<title>", meta + "<title>")

    ours = _page(tmp_path, "oma.html", with_policy(CONTENT_SECURITY_POLICY))
    bogus = _page(tmp_path, "outo.html", with_policy("default-src 'self'; script-src 'self' 'bogus-keyword'"))
    assert nu_errors([ours]) == []
    errors = nu_errors([ours, bogus])
    assert len(errors) == 1 and errors[0].startswith(f"{bogus}:1: ") and "bogus-keyword" in errors[0], errors
