"""One answer to "which file under `static/` does this site path name" and one URL-scheme pattern
(`projcat/content/sitepaths.py`), used by documents, images, record links and `site.yaml`."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO
from projcat.content.images import locate
from projcat.content.sitepaths import URL_SCHEME, is_site_path, static_file, static_target

PACKAGE = REPO / "projcat"


def _site(tmp_path: Path) -> Path:
    (tmp_path / "static" / "tiedostot").mkdir(parents=True)
    (tmp_path / "static" / "tiedostot" / "raportti 2025.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "site.yaml").write_text("title: x\n", encoding="utf-8")
    return tmp_path


def test_a_site_path_names_its_file_under_static_with_escapes_decoded_and_query_left_off(tmp_path: Path) -> None:
    root = _site(tmp_path)
    found = static_file("/tiedostot/raportti%202025.pdf?v=2#sivu=3", root)
    assert found == (root / "static" / "tiedostot" / "raportti 2025.pdf").resolve()
    assert static_file("/tiedostot/puuttuu.pdf", root) is None
    assert static_file("//cdn.example.fi/tiedostot/raportti%202025.pdf", root) is None
    assert not is_site_path("//cdn.example.fi/x") and is_site_path("/x")


def test_a_site_path_never_leads_out_of_static(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert static_target("/../site.yaml", root) is None
    assert static_file("/%2e%2e/site.yaml", root) is None
    assert locate("/../site.yaml", "alfa", root) == (None, "image.outside")


def test_the_scheme_pattern_reads_a_scheme_as_rfc_3986_spells_one() -> None:
    assert URL_SCHEME.match("JavaScript:alert(1)") is not None
    assert URL_SCHEME.match("web+cal:x") is not None
    assert URL_SCHEME.match("/tiedostot/a:b.pdf") is None


def _sources() -> dict[str, str]:
    return {str(path.relative_to(REPO)): path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}


def test_the_scheme_pattern_is_written_once() -> None:
    spelled = re.escape(r"[A-Za-z][A-Za-z0-9+.\-]*")
    places = [name for name, text in _sources().items() if re.search(spelled, text)]
    assert places == ["projcat/content/sitepaths.py"]


def test_resolving_a_path_under_static_is_written_once() -> None:
    # The join of the site folder with `static` that a resolution starts from.
    places = [name for name, text in _sources().items() if re.search(r'/ "static"\)\.resolve\(\)', text)
              or re.search(r"/ STATIC_FOLDER\)\.resolve\(\)", text)]
    assert places == ["projcat/content/sitepaths.py"]
