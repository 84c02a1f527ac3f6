"""One answer to "which file under `static/` does this site path name" and one URL-scheme pattern
(`projcat/content/sitepaths.py`), used by documents, images, record links and `site.yaml`."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, REPO, copy_site
from projcat.content.images import locate
from projcat.content.sitepaths import URL_SCHEME, is_site_path, static_file, static_target
from projcat.engine import pipeline

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


def _site_with(tmp_path: Path, extra: str) -> Path:
    root = copy_site(FIXTURE_SITE, tmp_path / "site")
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def test_a_favicon_or_sharing_image_with_no_file_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = _site_with(tmp_path, "favicon: /kuvat/puuttuu.ico\nimage: /kuvat/jako.png\n")
    lines = root.joinpath("site.yaml").read_text(encoding="utf-8").splitlines()
    favicon_line = lines.index("favicon: /kuvat/puuttuu.ico") + 1
    result = pipeline.check(root, FIXTURE_AS_OF)
    assert not result.ok
    assert [p.format("en") for p in result.problems] == [
        f"site.yaml:{favicon_line}:10: error: favicon: the file '/kuvat/puuttuu.ico' is not in the site folder"
        " - check the path or add the file under static/",
        f"site.yaml:{favicon_line + 1}:8: error: image: the file '/kuvat/jako.png' is not in the site folder"
        " - check the path or add the file under static/",
    ]
    assert "site.yaml" in result.problems[0].format("fi") and "favicon" in result.problems[0].format("sv")


def test_a_favicon_under_static_or_the_themes_files_or_elsewhere_is_accepted(tmp_path: Path) -> None:
    root = _site_with(tmp_path, "favicon: /assets/favicon.svg\nimage: /kuvat/jako.png\n")
    (root / "static" / "kuvat").mkdir(parents=True, exist_ok=True)
    (root / "static" / "kuvat" / "jako.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert pipeline.check(root, FIXTURE_AS_OF).ok
    root = _site_with(tmp_path / "toinen", "favicon: https://www.example.fi/favicon.ico\n")
    assert pipeline.check(root, FIXTURE_AS_OF).ok
