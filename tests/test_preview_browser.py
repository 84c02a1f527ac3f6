"""The live preview in real headless chromium against a running `python build.py serve`.

The five scenarios of the preview's acceptance list. Each waits for the
change with a generous timeout and asserts what the editor sees, never how
fast it came.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from preview_process import REBUILT, PreviewProcess, field_of, save_by_rename, started, stopped_cleanly, with_field

pytestmark = pytest.mark.browser

WAIT_MS = 30_000


@pytest.fixture
def preview(fixture_site: Path, tmp_path: Path) -> Iterator[PreviewProcess]:
    server = started(fixture_site, tmp_path)
    yield server
    stopped_cleanly(server)


def _wait_for_h1(page: object, text: str) -> None:
    """Until the page's heading reads `text`; a page caught mid-reload has no heading yet."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "(text) => { const h1 = document.querySelector('h1'); return h1 !== null && h1.innerText === text; }",
        arg=text, timeout=WAIT_MS,
    )


def _h1(page: object) -> str:
    return page.locator("h1").inner_text()  # type: ignore[attr-defined]


def test_a_changed_title_shows_without_any_action(preview: PreviewProcess, fixture_site: Path, page_in: object) -> None:
    page = page_in()  # type: ignore[operator]
    url = preview.url + "hankkeet/alfa/"
    record = fixture_site / "content" / "projects" / "alfa.md"
    page.goto(url)
    assert _h1(page) == field_of(record, "title")
    record.write_text(with_field(record, "title", "Alfa – uusi nimi"), encoding="utf-8")
    _wait_for_h1(page, "Alfa – uusi nimi")
    assert page.url == url
    assert "Alfa – uusi nimi" in page.title()


def test_an_impossible_date_shows_the_problems_then_the_fixed_page(
    preview: PreviewProcess, fixture_site: Path, page_in: object
) -> None:
    page = page_in()  # type: ignore[operator]
    url = preview.url + "hankkeet/alfa/"
    page.goto(url)
    record = fixture_site / "content" / "projects" / "alfa.md"
    original = record.read_text(encoding="utf-8")
    broken = with_field(record, "start", "2024-02-31")
    line = broken.split("\n").index("start: 2024-02-31") + 1
    mark = preview.mark()
    record.write_text(broken, encoding="utf-8")

    _wait_for_h1(page, "Sisällössä on virheitä")
    assert page.url == url
    row = page.locator("tbody tr")
    assert row.count() == 1
    cells = row.first.locator("td").all_inner_texts()
    assert cells[0] == "content/projects/alfa.md"
    assert cells[1] == f"{line}:8"  # the line of `start:` in the file, and the value's column
    assert cells[2] == "start"
    assert "2024-02-31" in cells[3]
    # The terminal gets the same line as `check` prints it.
    preview.wait_for(rf"^content/projects/alfa\.md:{line}:8: virhe: start: .*2024-02-31", since=mark)
    assert page.locator("pre").inner_text().startswith(f"content/projects/alfa.md:{line}:8: virhe: start: ")

    record.write_text(original, encoding="utf-8")
    save_by_rename(record, with_field(record, "title", "Alfa – korjattu"))
    _wait_for_h1(page, "Alfa – korjattu")
    assert page.url == url
    assert page.locator("text=Sisällössä on virheitä").count() == 0


def test_three_saves_within_50_ms_make_one_rebuild_showing_all_three(
    preview: PreviewProcess, fixture_site: Path, page_in: object
) -> None:
    page = page_in()  # type: ignore[operator]
    page.goto(preview.url)
    projects = fixture_site / "content" / "projects"
    # Lists show a record's short title: three current records, one in each group of the index.
    texts = [
        (projects / "alfa.md", with_field(projects / "alfa.md", "short_title", "Alfa muutettu")),
        (projects / "epsilon.md", with_field(projects / "epsilon.md", "short_title", "Epsilon muutettu")),
        (projects / "gamma-ohjelma.md", with_field(projects / "gamma-ohjelma.md", "short_title", "Gamma muutettu")),
    ]
    mark = preview.mark()
    started_at = time.monotonic()
    texts[0][0].write_text(texts[0][1], encoding="utf-8")
    save_by_rename(*texts[1])
    texts[2][0].write_text(texts[2][1], encoding="utf-8")
    assert time.monotonic() - started_at < 0.05, "the test machine could not save three files within 50 ms"

    for title in ("Alfa muutettu", "Epsilon muutettu", "Gamma muutettu"):
        page.locator(".project-card__title", has_text=title).wait_for(timeout=WAIT_MS)
    # Give a second rebuild, were one coming, ample time to show up in the terminal.
    time.sleep(2)
    rebuilds = [line for line in preview.since(mark) if line.startswith(REBUILT)]
    assert len(rebuilds) == 1, preview.since(mark)


def test_an_added_and_a_deleted_record_show_on_the_index_and_the_archive(
    preview: PreviewProcess, fixture_site: Path, page_in: object
) -> None:
    index = page_in()  # type: ignore[operator]
    index.goto(preview.url)
    archive = page_in()  # type: ignore[operator]
    archive.goto(preview.url + "paattyneet/")
    assert archive.locator(".project-card__title", has_text="Zeta").count() == 1
    assert index.locator(".project-card__title", has_text="Uusi ilmastohanke").count() == 0

    projects = fixture_site / "content" / "projects"
    (projects / "uusi-ilmastohanke.md").write_text(
        "---\ntitle: Uusi ilmastohanke\ntheme: ilmasto\nstart: 2025-01-01\nend: 2026-12-31\n---\n\nUusi hanke.\n",
        encoding="utf-8",
    )
    (projects / "zeta-paattynyt.md").unlink()

    index.locator(".project-card__title", has_text="Uusi ilmastohanke").wait_for(timeout=WAIT_MS)
    archive.locator(".project-card__title", has_text="Zeta").wait_for(state="detached", timeout=WAIT_MS)
    assert archive.locator(".project-card__title", has_text="Beeta").count() == 1
    index.locator(".project-card__title a", has_text="Uusi ilmastohanke").click()
    index.wait_for_url("**/hankkeet/uusi-ilmastohanke/")
    assert _h1(index) == "Uusi ilmastohanke"
    response = archive.goto(preview.url + "hankkeet/zeta-paattynyt/")
    assert response is not None and response.status == 404


def test_a_stylesheet_change_updates_the_style_without_reloading(
    preview: PreviewProcess, fixture_site: Path, page_in: object
) -> None:
    from projcat.render.pages import THEME_DIR

    page = page_in()  # type: ignore[operator]
    page.goto(preview.url + "hankkeet/alfa/")
    page.evaluate("window.notReloaded = true")
    assets = fixture_site / "static" / "assets"
    assets.mkdir(parents=True)
    css = (THEME_DIR / "static" / "assets" / "style.css").read_text(encoding="utf-8")
    (assets / "style.css").write_text(css + "\nh1 { color: rgb(1, 2, 3); }\n", encoding="utf-8")
    # A function, not an expression: Playwright polls an expression with eval, which the pages' policy forbids.
    page.wait_for_function(
        "() => document.querySelector('h1') !== null"
        " && getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'", timeout=WAIT_MS
    )
    assert page.evaluate("window.notReloaded") is True


def test_a_changed_page_is_updated_in_place_keeping_scroll_and_focus(
    preview: PreviewProcess, fixture_site: Path, page_in: object
) -> None:
    page = page_in(height=400)  # type: ignore[operator]
    page.goto(preview.url)
    page.evaluate("window.notReloaded = true")
    # Reading further down the list, keyboard focus on a project's link.
    epsilon = page.locator(".project-card__title a", has_text="Epsilon")
    epsilon.focus()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    focused = page.evaluate("document.activeElement.getAttribute('href')")

    record = fixture_site / "content" / "projects" / "alfa.md"
    record.write_text(with_field(record, "short_title", "Alfa muutettu"), encoding="utf-8")
    page.locator(".project-card__title", has_text="Alfa muutettu").wait_for(timeout=WAIT_MS)

    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate("document.activeElement.getAttribute('href')") == focused
    # Tab goes on from there, as it would have before the change.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") != focused
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_the_search_page_reloads_whole_so_its_script_runs_on_the_new_page(
    preview: PreviewProcess, fixture_site: Path, page_in: object
) -> None:
    status = "[data-search-status]"
    page = page_in()  # type: ignore[operator]
    page.goto(preview.url + "haku/")
    # The preview builds no search index: the script says so in place of the form.
    page.wait_for_function("s => document.querySelector(s).textContent !== ''", arg=status, timeout=WAIT_MS)
    record = fixture_site / "content" / "projects" / "alfa.md"
    record.write_text(with_field(record, "short_title", "Alfa muutettu"), encoding="utf-8")
    page.wait_for_function(
        "s => [...document.querySelectorAll('.browse-list a')].some(a => a.innerText === 'Alfa muutettu')"
        " && document.querySelector(s).textContent !== ''", arg=status, timeout=WAIT_MS,
    )
    assert page.inner_text(status).startswith("Haku ei ole nyt käytettävissä.")
    assert page.locator("[data-search-nojs]").is_hidden()


TRAVERSALS = (
    "/../site.yaml",
    "/%2e%2e/site.yaml",
    "/%2E%2E/site.yaml",
    "/..%2fsite.yaml",
    "/hankkeet/..%2F..%2Fsite.yaml",
    "/hankkeet/%2e%2e/%2e%2e/site.yaml",
    "/.%2e/site.yaml",
    "/..\\site.yaml",
)


def raw_get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A request sent as written: http.client does not normalise the path as a browser would."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_build_output_has_no_reload_script_and_paths_out_of_the_folder_are_refused(
    preview: PreviewProcess, fixture_site: Path, tmp_path: Path, page_in: object, static_server: object
) -> None:
    from conftest import run_cli

    # Served by the preview, a page connects to the reload engine ...
    page = page_in()  # type: ignore[operator]
    page.goto(preview.url)
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=WAIT_MS)

    # ... while `build` output has no trace of it, in any file, nor in the browser.
    out = tmp_path / "built"
    result = run_cli("build", "--root", str(fixture_site), "--out", str(out), "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    for file in out.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert b"livereload" not in data.lower() and b"__projcat" not in data, file
    built = static_server(out)  # type: ignore[operator]
    plain = page_in()  # type: ignore[operator]
    plain.goto(built.url)
    assert plain.locator("h1").inner_text() == "Testihankkeet"
    assert plain.evaluate("typeof window.LiveReload") == "undefined"

    secret = (fixture_site / "site.yaml").read_bytes()
    assert raw_get(preview.port, "/assets/style.css")[0] == 200
    for path in TRAVERSALS:
        status, body = raw_get(preview.port, path)
        assert status in (403, 404), path
        assert secret not in body and b"Testihankkeet" not in body, path


def test_a_save_soon_after_a_reload_is_shown_too(preview: PreviewProcess, fixture_site: Path, page_in: object) -> None:
    """livereload's own server ignores a change within seconds of the last reload; this one never does."""
    page = page_in()  # type: ignore[operator]
    page.goto(preview.url + "hankkeet/epsilon/")
    record = fixture_site / "content" / "projects" / "epsilon.md"
    original = record.read_text(encoding="utf-8")
    title = field_of(record, "title")
    for number in range(1, 4):
        record.write_text(with_field(record, "title", f"Epsilon {number}"), encoding="utf-8")
        _wait_for_h1(page, f"Epsilon {number}")
        record.write_text(original, encoding="utf-8")
        _wait_for_h1(page, title)
