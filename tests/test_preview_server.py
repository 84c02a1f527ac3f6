"""The preview server without a browser: a real `python build.py serve`, raw requests and signals."""

from __future__ import annotations

import base64
import hashlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_history import git, git_site  # noqa: F401 - git_site is a fixture
from test_preview_browser import raw_get

from conftest import FIXTURE_AS_OF
from preview_process import REBUILT, PreviewProcess, save_by_rename, started, stopped_cleanly, with_field


@pytest.fixture
def preview(fixture_site: Path, tmp_path: Path) -> Iterator[PreviewProcess]:
    server = started(fixture_site, tmp_path)
    yield server
    stopped_cleanly(server)


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _handshake(port: int, origin: str | None, host: str | None = None) -> int:
    """Opens the reload websocket by hand and returns the HTTP status of the answer."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /livereload HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{port}'}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_ctrl_c_stops_cleanly_and_removes_the_temporary_folder(fixture_site: Path, tmp_path: Path) -> None:
    server = started(fixture_site, tmp_path)
    served = server.served_folder()
    assert (served / "index.html").is_file()
    assert not (fixture_site / "site").exists()
    assert server.stop(signal.SIGINT) == 0
    assert not served.exists()
    assert list(server.tmpdir.iterdir()) == []
    assert server.lines[-1] == "Esikatselu lopetettu."
    assert "Traceback" not in server.output


def test_sigterm_also_removes_the_temporary_folder(fixture_site: Path, tmp_path: Path) -> None:
    server = started(fixture_site, tmp_path)
    assert server.stop(signal.SIGTERM) == 0
    assert list(server.tmpdir.iterdir()) == []


def test_a_port_in_use_gives_the_next_free_one_and_says_so(fixture_site: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        server = PreviewProcess(fixture_site, tmp_path / "tmp", port=busy)
        try:
            assert f"Portti {busy} on jo käytössä" in server.output
            assert server.port != busy
            assert raw_get(server.port, "/")[0] == 200
        finally:
            stopped_cleanly(server)


def test_only_this_servers_own_pages_may_open_the_reload_socket(preview: PreviewProcess) -> None:
    port = preview.port
    assert _handshake(port, f"http://127.0.0.1:{port}") == 101
    assert _handshake(port, f"http://localhost:{port}", host=f"localhost:{port}") == 101
    assert _handshake(port, "http://evil.example") == 403
    assert _handshake(port, f"http://127.0.0.1:{port + 1}") == 403
    # A foreign name pointed at 127.0.0.1 (DNS rebinding) gets nothing either, with or without an Origin.
    assert _handshake(port, f"http://evil.example:{port}", host=f"evil.example:{port}") == 403
    assert _handshake(port, None, host=f"evil.example:{port}") == 403
    assert raw_get(port, "/", host=f"evil.example:{port}")[0] == 403
    assert raw_get(port, "/")[0] == 200


def test_a_symlink_out_of_the_served_folder_is_refused(preview: PreviewProcess, fixture_site: Path) -> None:
    served = preview.served_folder()
    (served / "vuoto.yaml").symlink_to(fixture_site / "site.yaml")
    status, body = raw_get(preview.port, "/vuoto.yaml")
    assert status == 403
    assert b"Testihankkeet" not in body


def test_the_preview_is_served_under_the_sites_base_path(fixture_site: Path, tmp_path: Path) -> None:
    site_file = fixture_site / "site.yaml"
    text = site_file.read_text(encoding="utf-8")
    site_file.write_text(text.replace("base_url: /", "base_url: /hankkeet-esikatselu/"), encoding="utf-8")
    server = started(fixture_site, tmp_path)
    try:
        assert server.url.endswith(f":{server.port}/hankkeet-esikatselu/")
        status, body = raw_get(server.port, "/hankkeet-esikatselu/hankkeet/alfa/")
        assert status == 200 and b'href="/hankkeet-esikatselu/assets/style.css?v=' in body
        assert raw_get(server.port, "/hankkeet-esikatselu/assets/style.css")[0] == 200
        assert raw_get(server.port, "/")[0] == 302
    finally:
        stopped_cleanly(server)


def test_broken_content_at_start_is_shown_on_every_page_until_fixed(fixture_site: Path, tmp_path: Path) -> None:
    record = fixture_site / "content" / "projects" / "beeta.md"
    good = record.read_text(encoding="utf-8")
    broken = with_field(record, "end", "2021-13")
    line = broken.split("\n").index("end: 2021-13") + 1
    record.write_text(broken, encoding="utf-8")
    server = started(fixture_site, tmp_path)
    try:
        assert f"content/projects/beeta.md:{line}:6: virhe: end:" in server.output
        for path in ("/", "/hankkeet/alfa/", "/ei-ole-olemassa/"):
            status, body = raw_get(server.port, path)
            assert status == 500
            assert "Sisällössä on virheitä" in body.decode() and "content/projects/beeta.md" in body.decode()
        mark = server.mark()
        record.write_text(good, encoding="utf-8")
        server.wait_for("Virheet korjattu", since=mark)
        status, body = raw_get(server.port, "/hankkeet/beeta/")
        assert status == 200 and "<h1>Beeta</h1>" in body.decode()
    finally:
        stopped_cleanly(server)


def test_a_template_mistake_is_shown_at_its_line_without_a_traceback(
    preview: PreviewProcess, fixture_site: Path,
) -> None:
    from projcat.render.pages import THEME_DIR

    templates = fixture_site / "templates"
    templates.mkdir()
    base = (THEME_DIR / "templates" / "base.html").read_text(encoding="utf-8").split("\n")
    base[2] = "{% if %}"
    mark = preview.mark()
    (templates / "base.html").write_text("\n".join(base), encoding="utf-8")
    preview.wait_for(r"^templates/base\.html:3: ", since=mark)
    status, body = raw_get(preview.port, "/")
    assert status == 500 and "templates/base.html" in body.decode()
    mark = preview.mark()
    (templates / "base.html").unlink()
    preview.wait_for("Virheet korjattu", since=mark)
    assert raw_get(preview.port, "/")[0] == 200


def test_a_static_file_in_a_generated_files_place_is_shown_in_the_sites_language(
    preview: PreviewProcess, fixture_site: Path
) -> None:
    mark = preview.mark()
    (fixture_site / "static" / "feed.xml").write_text("<feed/>", encoding="utf-8")
    line = preview.wait_for(r"^static/feed\.xml: ", since=mark).string
    assert line == ("static/feed.xml: virhe: tiedosto korvaisi sivuston oman tiedoston feed.xml"
                    " - nimeä tiedosto uudelleen tai siirrä se toiseen kansioon")
    status, body = raw_get(preview.port, "/hankkeet/alfa/")
    assert status == 500
    assert "tiedosto korvaisi sivuston oman tiedoston feed.xml" in body.decode()
    mark = preview.mark()
    (fixture_site / "static" / "feed.xml").unlink()
    preview.wait_for("Virheet korjattu", since=mark)
    assert raw_get(preview.port, "/hankkeet/alfa/")[0] == 200


def test_after_many_edits_the_served_site_equals_a_fresh_build(
    preview: PreviewProcess, fixture_site: Path, tmp_path: Path
) -> None:
    projects = fixture_site / "content" / "projects"

    def change(action: object) -> None:
        mark = preview.mark()
        action()  # type: ignore[operator]
        preview.wait_for(r"^(Rakennettu uudelleen|Virheet korjattu|Sisällössä on virheitä)", since=mark)

    alfa = projects / "alfa.md"
    change(lambda: alfa.write_text(with_field(alfa, "end", "2025-01-31"), encoding="utf-8"))  # now ended
    change(lambda: save_by_rename(projects / "delta.md", with_field(projects / "delta.md", "title", "Delta (uusi)")))
    change((projects / "gamma-ohjelma.md").unlink)
    change(lambda: (projects / "eta.md").write_text("---\ntitle: Eeta\ntheme: ilmasto\n---\n\nUusi.\n",
                                                    encoding="utf-8"))
    change(lambda: (projects / "eta.md").write_text("---\ntitle: Eeta\ntheme: olematon\n---\n\nRikki.\n",
                                                    encoding="utf-8"))
    change(lambda: (projects / "eta.md").write_text("---\ntitle: Eeta\ntheme: asuminen\n---\n\nKorjattu.\n",
                                                    encoding="utf-8"))
    site_file = fixture_site / "site.yaml"
    change(lambda: site_file.write_text(with_field(site_file, "title", "Testihankkeet 2"), encoding="utf-8"))
    (fixture_site / "templates").mkdir()
    change(lambda: (fixture_site / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Ei löytynyt</h1>{% endblock %}\n', encoding="utf-8"))
    (fixture_site / "static" / "tiedostot" / "uusi.txt").write_text("uusi", encoding="utf-8")
    change(lambda: (fixture_site / "static" / "tiedostot" / "raportti.pdf").write_bytes(b"%PDF-1.4 toinen"))

    # A full build of the same sources, as `build` writes it (without the optional search index,
    # which the preview does not make).
    from projcat.engine import pipeline

    out = tmp_path / "fresh"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    served = _digests(preview.served_folder())
    assert served == _digests(out)
    assert "hankkeet/gamma-ohjelma/index.html" not in served and "hankkeet/eta/index.html" in served


@pytest.mark.parametrize("checkout", ["main", "worktree"])
def test_a_commit_updates_the_last_change_date_the_pages_show(
    git_site: Path, tmp_path: Path, checkout: str,  # noqa: F811 - the fixture imported from test_history
) -> None:
    if checkout == "worktree":
        # A linked worktree keeps its HEAD apart from the branches it shares with the main checkout.
        git(git_site, "worktree", "add", "-q", "-b", "toinen", str(tmp_path / "worktree"))
        git_site = tmp_path / "worktree"
    server = started(git_site, tmp_path)

    def alfa_page() -> str:
        status, body = raw_get(server.port, "/hankkeet/alfa/")
        assert status == 200
        return body.decode()

    try:
        assert 'Tietoja muutettu viimeksi <time datetime="2025-01-10">10.1.2025</time>.' in alfa_page()
        alfa = git_site / "content" / "projects" / "alfa.md"
        mark = server.mark()
        alfa.write_text(alfa.read_text(encoding="utf-8") + "\nLisätty kappale.\n", encoding="utf-8")
        server.wait_for(REBUILT, since=mark)
        # Saved, not committed: git has no new date for it yet.
        page = alfa_page()
        assert "Lisätty kappale." in page and '<time datetime="2025-01-10">' in page
        mark = server.mark()
        git(git_site, "commit", "-q", "-am", "Alfa täydennetty", day="2025-06-01")
        server.wait_for(REBUILT, since=mark, timeout=30)
        assert 'Tietoja muutettu viimeksi <time datetime="2025-06-01">1.6.2025</time>.' in alfa_page()
    finally:
        stopped_cleanly(server)
