"""Web editing in real headless chromium: the admin of `serve --cms` saves records that check clean.

Decap CMS runs from the bundle the build copied into `admin/`, against
decap-server in local mode, so the admin writes the site's own files and the
preview shows them. Every request may reach 127.0.0.1 only: nothing comes
from a CDN.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from a11y_checks import BEST_PRACTICE, WCAG_TAGS, axe_violations, describe_violations, nu_errors
from conftest import FIXTURE_AS_OF, REPO, copy_site
from media_files import jpeg_with_gps
from preview_process import PreviewProcess, free_port, started, stopped_cleanly
from projcat.editors.decap import CMS_FOLDER, install_bundle, server_script

pytestmark = pytest.mark.browser

WAIT_MS = 60_000
TITLE = "Kävelykadun kesäkokeilu"
SLUG = "kavelykadun-kesakokeilu"


def _with_cms(root: Path) -> Path:
    install_bundle(REPO)
    server_script(REPO)
    (root / ".cache").mkdir(exist_ok=True)
    os.symlink(REPO / CMS_FOLDER, root / CMS_FOLDER)
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8")
                    + f"cms:\n  backend: github\n  repo: testila/hankkeet\n  local_port: {free_port()}\n",
                    encoding="utf-8")
    return root


@pytest.fixture
def cms_preview(fixture_site: Path, tmp_path: Path) -> Iterator[PreviewProcess]:
    server = started(_with_cms(fixture_site), tmp_path, "--cms")
    yield server
    stopped_cleanly(server)


def _field(page: object, name: str, index: int = 0) -> object:
    """A widget's input by its field name; Decap gives each the id `<name>-field-<n>`."""
    return page.locator(f'[id^="{name}-field-"]').nth(index)  # type: ignore[attr-defined]


def _new_record(page: object, preview: PreviewProcess) -> None:
    page.goto(preview.url + "admin/")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Kirjaudu", exact=True).click(timeout=WAIT_MS)  # type: ignore[attr-defined]
    page.goto(preview.url + "admin/#/collections/projects/new")  # type: ignore[attr-defined]
    _field(page, "title").wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]


def _choose(page: object, name: str, option: str) -> None:
    _field(page, name).click()  # type: ignore[attr-defined]
    page.get_by_text(option, exact=True).last.click()  # type: ignore[attr-defined]


def _add(page: object, label: str) -> None:
    page.get_by_role("button", name=f"Lisää {label}").click()  # type: ignore[attr-defined]


def _publish(page: object) -> None:
    page.get_by_role("button", name="Julkaise").first.click()  # type: ignore[attr-defined]
    page.get_by_text("Julkaise nyt").click()  # type: ignore[attr-defined]


def _wait_for_file(page: object, path: Path) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not path.is_file():
        assert time.monotonic() < deadline, " ".join(sorted(p.name for p in path.parent.iterdir()))
        # Playwright's wait, not time.sleep: the page's requests pass the test's route handler meanwhile.
        page.wait_for_timeout(200)  # type: ignore[attr-defined]


def test_a_record_made_in_the_admin_checks_clean_and_shows_in_the_preview(
    cms_preview: PreviewProcess, fixture_site: Path, page_in: object
) -> None:
    page = page_in()  # type: ignore[operator]
    _new_record(page, cms_preview)
    _field(page, "title").fill(TITLE)  # type: ignore[attr-defined]
    _field(page, "short_title").fill("Kävelykatu")  # type: ignore[attr-defined]
    _field(page, "title_lang").fill("fi")  # type: ignore[attr-defined]
    _choose(page, "theme", "Ilmasto")
    _field(page, "start").fill("2024-05")  # type: ignore[attr-defined]
    _field(page, "end").fill("2025-05-31")  # type: ignore[attr-defined]
    _choose(page, "status", "Päättynyt")
    _field(page, "summary").fill("Keskustan kävelykatu oli kesän ajan autoton.")  # type: ignore[attr-defined]
    _field(page, "lead").fill("Testilän kaupunki")  # type: ignore[attr-defined]
    _add(page, "kumppanit")
    _field(page, "item").fill("Testilän yrittäjät")  # type: ignore[attr-defined]
    _add(page, "rahoitus")
    _field(page, "funder").fill("Ympäristöministeriö")  # type: ignore[attr-defined]
    _field(page, "amount_eur").fill("12500.50")  # type: ignore[attr-defined]
    _field(page, "up_to").click()  # type: ignore[attr-defined]
    _field(page, "note").fill("Kokeilun kulut")  # type: ignore[attr-defined]
    _add(page, "yhteyshenkilöt")
    _field(page, "name").fill("Maija Meikäläinen")  # type: ignore[attr-defined]
    _field(page, "role").fill("projektipäällikkö")  # type: ignore[attr-defined]
    _field(page, "email").fill("maija.meikalainen@example.fi")  # type: ignore[attr-defined]
    _field(page, "phone").fill("+358 40 123 4567")  # type: ignore[attr-defined]
    _add(page, "asiakirjat")
    _field(page, "title", 1).fill("Kokeilun loppuraportti")  # type: ignore[attr-defined]
    page.once("dialog", lambda dialog: dialog.accept("/tiedostot/raportti.pdf"))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Lisää osoitteesta").click()  # type: ignore[attr-defined]
    _field(page, "type").fill("pdf")  # type: ignore[attr-defined]
    _field(page, "size").fill("1 kt")  # type: ignore[attr-defined]
    _field(page, "accessible").click()  # type: ignore[attr-defined]
    _field(page, "accessibility_note").fill("Taulukot ovat kuvina.")  # type: ignore[attr-defined]
    _add(page, "asiasanat")
    _field(page, "item", 1).fill("liikenne")  # type: ignore[attr-defined]
    body = page.locator('[data-slate-editor="true"]').last  # type: ignore[attr-defined]
    body.click()
    body.type("Kesän ajan keskustan kävelykatu oli autoton.")
    _publish(page)

    record = fixture_site / "content" / "projects" / f"{SLUG}.md"
    _wait_for_file(page, record)
    text = record.read_text(encoding="utf-8")
    for value in (TITLE, "Testilän yrittäjät", "Ympäristöministeriö", "maija.meikalainen@example.fi",
                  "/tiedostot/raportti.pdf", "Taulukot ovat kuvina.", "liikenne", "2024-05",
                  "Kesän ajan keskustan kävelykatu oli autoton."):
        assert value in text, text

    done = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--root", str(fixture_site),
                           "--as-of", FIXTURE_AS_OF.isoformat()], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + text
    assert done.stderr == "", done.stderr + text

    shown = page_in()  # type: ignore[operator]
    shown.goto(cms_preview.url + f"hankkeet/{SLUG}/")
    shown.wait_for_function(
        "(text) => { const h1 = document.querySelector('h1'); return h1 !== null && h1.innerText === text; }",
        arg=TITLE, timeout=WAIT_MS)
    assert "Ympäristöministeriö" in shown.locator("main").inner_text()


def test_an_empty_required_field_is_refused(cms_preview: PreviewProcess, fixture_site: Path, page_in: object) -> None:
    page = page_in()  # type: ignore[operator]
    before = sorted(p.name for p in (fixture_site / "content" / "projects").iterdir())
    _new_record(page, cms_preview)
    _field(page, "summary").fill("Nimi puuttuu.")  # type: ignore[attr-defined]
    _publish(page)
    page.get_by_text(re.compile("on pakollinen")).first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    page.wait_for_timeout(2000)  # type: ignore[attr-defined]
    assert sorted(p.name for p in (fixture_site / "content" / "projects").iterdir()) == before


def test_a_date_the_build_refuses_is_refused(cms_preview: PreviewProcess, fixture_site: Path, page_in: object) -> None:
    page = page_in()  # type: ignore[operator]
    before = sorted(p.name for p in (fixture_site / "content" / "projects").iterdir())
    _new_record(page, cms_preview)
    _field(page, "title").fill("Päivä väärin")  # type: ignore[attr-defined]
    _field(page, "start").fill("31.5.2024")  # type: ignore[attr-defined]
    _publish(page)
    page.get_by_text("Kirjoita vuosi (2024), kuukausi (2024-05) tai päivä (2024-05-31).").wait_for(
        timeout=WAIT_MS)  # type: ignore[attr-defined]
    page.wait_for_timeout(2000)  # type: ignore[attr-defined]
    assert sorted(p.name for p in (fixture_site / "content" / "projects").iterdir()) == before


def test_our_admin_page_passes_axe(cms_preview: PreviewProcess, page_in: object) -> None:
    """Our own page, before Decap's script replaces its content: Decap's interface is recorded in the README."""
    page = page_in()  # type: ignore[operator]
    page.route("**/admin/decap-cms.js", lambda route: route.abort())  # type: ignore[attr-defined]
    page.goto(cms_preview.url + "admin/")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text().startswith("Hankkeiden muokkaus")  # type: ignore[attr-defined]
    url = cms_preview.url + "admin/"
    assert describe_violations(url, axe_violations(page, WCAG_TAGS + BEST_PRACTICE)) == []


def test_our_admin_page_is_valid_html(cms_preview: PreviewProcess) -> None:
    assert nu_errors([cms_preview.served_folder() / "admin" / "index.html"]) == []


def test_the_admin_stays_usable_while_the_content_has_problems(
    cms_preview: PreviewProcess, fixture_site: Path
) -> None:
    """Served as built: no reload script in Decap's page, and no problems page in its place."""
    from urllib.error import HTTPError
    from urllib.request import urlopen

    with urlopen(cms_preview.url + "admin/") as response:
        assert b"__projcat" not in response.read()
    mark = cms_preview.mark()
    (fixture_site / "content" / "projects" / "rikki.md").write_text("---\ntitle: Rikki\nstart: 31.5.2024\n---\n",
                                                                    encoding="utf-8")
    cms_preview.wait_for("rikki.md", since=mark)
    with pytest.raises(HTTPError) as public:
        urlopen(cms_preview.url)
    assert public.value.code == 500
    with urlopen(cms_preview.url + "admin/") as response:
        assert b'rel="cms-config-url"' in response.read()


def _login(page: object, url: str, button: str = "Kirjaudu") -> None:
    page.goto(url + "admin/")  # type: ignore[attr-defined]
    page.get_by_role("button", name=button, exact=True).click(timeout=WAIT_MS)  # type: ignore[attr-defined]



class TestLanguageVersionsAndPhotos:
    """The admin's languages, its language versions and photos: a class of its own, so that
    `--dist loadscope` runs it on the other worker beside the tests above."""

    def test_a_language_version_is_edited_in_its_own_collection(self, tmp_path: Path, page_in: object) -> None:
        root = _with_cms(copy_site(REPO / "examples" / "kaksikielinen", tmp_path / "src"))
        server = started(root, tmp_path, "--cms")
        try:
            page = page_in()  # type: ignore[operator]
            page.goto(server.url + "admin/")
            page.get_by_role("button", name="Kirjaudu", exact=True).click(timeout=WAIT_MS)
            page.goto(server.url + "admin/#/collections/projects_sv/entries/kirjastoauto")
            title = _field(page, "title")
            title.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
            assert title.input_value() == "Tvåspråkig biblioteksbuss"  # type: ignore[attr-defined]
            # A translation's form has only what a translation may hold: no dates, theme or funding.
            assert page.locator('[id^="start-field-"], [id^="funding-field-"]').count() == 0
            title.fill("Tvåspråkig biblioteksbuss på landsbygden")  # type: ignore[attr-defined]
            _publish(page)
            record = root / "content" / "projects" / "kirjastoauto.sv.md"
            deadline = time.monotonic() + WAIT_MS / 1000
            while "på landsbygden" not in record.read_text(encoding="utf-8"):
                assert time.monotonic() < deadline, record.read_text(encoding="utf-8")
                page.wait_for_timeout(200)
            main = Path("content") / "projects" / "kirjastoauto.md"
            original = REPO / "examples" / "kaksikielinen" / main
            assert (root / main).read_text(encoding="utf-8") == original.read_text(encoding="utf-8")
            done = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--root", str(root),
                                   "--as-of", FIXTURE_AS_OF.isoformat()], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr + record.read_text(encoding="utf-8")
        finally:
            stopped_cleanly(server)

    def test_the_finnish_admin_speaks_finnish(self, cms_preview: PreviewProcess, page_in: object) -> None:
        page = page_in()  # type: ignore[operator]
        page.goto(cms_preview.url + "admin/")  # type: ignore[attr-defined]
        login = page.get_by_role("button", name="Kirjaudu", exact=True)  # type: ignore[attr-defined]
        login.wait_for(timeout=WAIT_MS)
        assert page.get_by_role("button", name="Login").count() == 0  # type: ignore[attr-defined]
        login.click()
        page.get_by_role("link", name="Luo uusi hanke").wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
        text = page.locator("#nc-root").inner_text()  # type: ignore[attr-defined]
        assert "Uusi hanke" in text and "Kokoelmat" in text and "Järjestä" in text, text
        for english in ("Collections", "Sort by", "View as", "New "):
            assert english not in text, text

    def test_the_swedish_admin_speaks_swedish(self, fixture_site: Path, tmp_path: Path, page_in: object) -> None:
        site = fixture_site / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8").replace("language: fi\n", "language: sv\n"), encoding="utf-8")
        server = started(_with_cms(fixture_site), tmp_path, "--cms")
        try:
            page = page_in()  # type: ignore[operator]
            _login(page, server.url, "Logga in")
            page.get_by_role("link", name="Skapa ett inlägg av typen projekt").wait_for(timeout=WAIT_MS)
            text = page.locator("#nc-root").inner_text()
            assert "Samlingar" in text and "Collections" not in text, text
        finally:
            stopped_cleanly(server)

    def test_the_main_collection_lists_no_language_version(self, tmp_path: Path, page_in: object) -> None:
        root = _with_cms(copy_site(REPO / "examples" / "kaksikielinen", tmp_path / "src"))
        records = sorted(p.stem for p in (root / "content" / "projects").glob("*.md") if "." not in p.stem)
        versions = [p.stem for p in (root / "content" / "projects").glob("*.md") if "." in p.stem]
        assert versions
        server = started(root, tmp_path, "--cms")
        try:
            page = page_in()  # type: ignore[operator]
            _login(page, server.url)
            page.goto(server.url + "admin/#/collections/projects")
            listed = page.locator('a[href*="/collections/projects/entries/"]')
            listed.first.wait_for(timeout=WAIT_MS)
            page.wait_for_timeout(1000)
            slugs = sorted(str(a.get_attribute("href")).rsplit("/", 1)[-1] for a in listed.all())
            assert slugs == records
            # A language version is still edited in its own collection.
            page.goto(server.url + "admin/#/collections/projects_sv")
            swedish = page.locator('a[href*="/collections/projects_sv/entries/"]')
            swedish.first.wait_for(timeout=WAIT_MS)
            page.wait_for_timeout(1000)
            assert sorted(str(a.get_attribute("href")).rsplit("/", 1)[-1] for a in swedish.all()) == sorted(
                v.removesuffix(".sv") for v in versions if v.endswith(".sv"))
        finally:
            stopped_cleanly(server)

    def test_a_photo_is_chosen_and_described_in_the_admin(
        self, cms_preview: PreviewProcess, fixture_site: Path, page_in: object, tmp_path: Path
    ) -> None:
        page = page_in()  # type: ignore[operator]
        _new_record(page, cms_preview)
        _field(page, "title").fill(TITLE)  # type: ignore[attr-defined]
        photo = jpeg_with_gps(tmp_path / "kavelykatu.jpg", (1200, 800))
        page.get_by_role("button", name="Valitse kuva").click()  # type: ignore[attr-defined]
        page.locator('input[type="file"]').set_input_files(str(photo))  # type: ignore[attr-defined]
        page.get_by_role("button", name="Käytä valittua").click(timeout=WAIT_MS)  # type: ignore[attr-defined]
        _field(page, "alt").fill("Ihmisiä kävelemässä autottomalla kadulla")  # type: ignore[attr-defined]
        _field(page, "caption").fill("Kävelykatu heinäkuussa")  # type: ignore[attr-defined]
        _publish(page)

        record = fixture_site / "content" / "projects" / f"{SLUG}.md"
        _wait_for_file(page, record)
        text = record.read_text(encoding="utf-8")
        assert ("image:\n  src: /tiedostot/kavelykatu.jpg\n  alt: Ihmisiä kävelemässä autottomalla kadulla\n"
                in text), text
        assert "caption: Kävelykatu heinäkuussa" in text, text
        # Uploaded into the media folder under static/, where the build looks for `/tiedostot/...`; the
        # upload is written on its own request, which may end after the record's.
        uploaded = fixture_site / "static" / "tiedostot" / "kavelykatu.jpg"
        _wait_for_file(page, uploaded)
        page.wait_for_timeout(500)
        assert uploaded.read_bytes() == photo.read_bytes()
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--root", str(fixture_site),
                               "--as-of", FIXTURE_AS_OF.isoformat()], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr + text
