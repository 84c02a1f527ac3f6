"""`build --verify`: a nightly job's proof that the cached output is what a cold build makes."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from conftest import FIXTURE_AS_OF
from projcat import cli
from projcat.engine import stamp
from projcat.engine.disk import DiskCache, load_store
from projcat.engine.verify import SHOWN, compare

ARGS = ("build", "--no-search", "--as-of", FIXTURE_AS_OF.isoformat())


def _build(site: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main([*ARGS, "--root", str(site), *extra])
    return code, out.getvalue(), err.getvalue()


def test_a_clean_site_verifies_after_a_full_build_and_after_one_that_changed_nothing(fixture_site: Path) -> None:
    code, out, err = _build(fixture_site, "--verify")
    assert code == 0, err
    assert "Tarkistettu: välimuistitta tehty koonti tuottaa täsmälleen samat tiedostot." in out
    # The second build is answered by the stamp without building; the cold build is still made and compared.
    code, out, err = _build(fixture_site, "--verify", "--lang", "en")
    assert code == 0, err
    assert "Verified: a build without the cache gives exactly the same files." in out


def test_a_stale_page_planted_in_the_cache_is_reported_with_its_path(fixture_site: Path) -> None:
    assert _build(fixture_site)[0] == 0
    store = load_store(fixture_site)
    assert store is not None
    # A kept page is (its arguments, the trace of the files it read, its bytes).
    pages = store.space("page")
    args, trace, _ = pages["hankkeet/alfa/index.html"]
    pages["hankkeet/alfa/index.html"] = (args, trace, b"<!DOCTYPE html><title>Vanha sivu</title>\n")
    DiskCache(fixture_site, store).save()
    # Another record edited: the build runs (no stamp shortcut) and reuses alfa's page from the cache.
    beeta = fixture_site / "content" / "projects" / "beeta.md"
    beeta.write_text(beeta.read_text(encoding="utf-8") + "\nLisätty kappale.\n", encoding="utf-8")
    code, out, err = _build(fixture_site, "--verify", "--lang", "en")
    assert code == 1
    assert b"Vanha sivu" in (fixture_site / "site" / "hankkeet" / "alfa" / "index.html").read_bytes()
    assert "The cached build differs from a build without the cache: 0 files missing, 0 extra, 1 different." in err
    assert "  different: hankkeet/alfa/index.html" in err.splitlines()
    assert "Verified" not in out


def test_a_difference_lists_missing_extra_and_different_files_and_counts_the_rest(tmp_path: Path) -> None:
    cached, cold = tmp_path / "cached", tmp_path / "cold"
    for folder in (cached, cold):
        (folder / "sivut").mkdir(parents=True)
        (folder / "sama.html").write_text("sama")
    (cold / "vain-kylmä.html").write_text("x")
    (cached / "vain-välimuisti.html").write_text("x")
    for n in range(SHOWN + 5):
        (cached / "sivut" / f"{n:02}.html").write_text("vanha")
        (cold / "sivut" / f"{n:02}.html").write_text("uusi")
    difference = compare(cached, cold)
    assert difference.missing == ("vain-kylmä.html",) and difference.extra == ("vain-välimuisti.html",)
    assert len(difference.different) == SHOWN + 5 and difference.count == SHOWN + 7
    assert difference.listed()[:2] == [("missing", "vain-kylmä.html"), ("extra", "vain-välimuisti.html")]
    assert len(difference.listed()) == SHOWN
    assert compare(cold, cold).none


def test_a_page_of_site_changed_by_hand_is_built_again_and_then_verifies(fixture_site: Path) -> None:
    """Verify compares what is in site/ after the build, which puts a page edited by hand right."""
    assert _build(fixture_site)[0] == 0
    (fixture_site / "site" / "index.html").write_text("käsin muutettu")
    code, _, err = _build(fixture_site, "--verify")
    assert code == 0, err
    assert stamp.Stamp.read(fixture_site) is not None
