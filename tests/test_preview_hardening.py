"""The preview under load and under bad requests, and its one change to the pages' policy.

A real `python build.py serve`: 200 requests at once while it rebuilds all get
whole pages, the old or the new; a malformed request gets 400 and leaves no
traceback in the log; the reload script runs under the page's policy, which
the preview widens by that script's hash alone."""

from __future__ import annotations

import html
import re
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from preview_process import REBUILT, PreviewProcess, started, stopped_cleanly, with_field
from projcat.preview.policy import allow_inline_script, script_hash, with_script_source
from projcat.render.meta import CONTENT_SECURITY_POLICY

PAGES = ("", "hankkeet/alfa/", "teemat/asuminen/", "haku/", "paattyneet/")
_INJECTED = re.compile(rb"<script data-projcat-token=.*?</script>", re.DOTALL)
_HASHES = re.compile(rb" &#x27;sha256-[A-Za-z0-9+/=]+&#x27;| &#39;sha256-[A-Za-z0-9+/=]+&#39;")


@pytest.fixture
def preview(fixture_site: Path, tmp_path: Path) -> Iterator[PreviewProcess]:
    server = started(fixture_site, tmp_path)
    yield server
    stopped_cleanly(server)


def _raw(port: int, request: bytes, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection; the status, headers and the whole body as received."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    return _raw(port, f"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())


def _page(body: bytes) -> bytes:
    """A served page less what the preview adds to it (its reload script, its hash in the policy)."""
    return _HASHES.sub(b"", _INJECTED.sub(b"", body))


def test_200_requests_during_a_rebuild_all_get_whole_pages_old_or_new(preview: PreviewProcess,
                                                                     fixture_site: Path) -> None:
    old = {path: _page(_get(preview.port, path)[2]) for path in PAGES}
    record = fixture_site / "content" / "projects" / "alfa.md"
    mark = preview.mark()
    record.write_text(with_field(record, "title", "Alfa kuormituksen alla"), encoding="utf-8")
    answers: list[tuple[str, int, dict[str, str], bytes]] = []

    def one(index: int) -> tuple[str, int, dict[str, str], bytes]:
        path = PAGES[index % len(PAGES)]
        return (path, *_get(preview.port, path))

    # Waves of 200 at once until the rebuild is done, so some are answered while it runs.
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(max_workers=200) as pool:
        while True:
            answers += pool.map(one, range(200))
            if any(REBUILT in line for line in preview.since(mark)) or time.monotonic() > deadline:
                break
    preview.wait_for(REBUILT, since=mark)
    new = {path: _page(_get(preview.port, path)[2]) for path in PAGES}
    assert new["hankkeet/alfa/"] != old["hankkeet/alfa/"] and b"Alfa kuormituksen alla" in new["hankkeet/alfa/"]
    assert len(answers) >= 200
    wrong = []
    for path, status, headers, body in answers:
        if status != 200 or int(headers["Content-Length"]) != len(body) or not body.endswith(b"</html>\n"):
            wrong.append(f"/{path}: {status}, {len(body)} bytes")
        elif _page(body) not in (old[path], new[path]):
            wrong.append(f"/{path}: neither the old page nor the new one")
    assert wrong == []
    assert "Traceback" not in preview.output and "UnicodeDecodeError" not in preview.output


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: {host}\r\nno colon in this header\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: {host}\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: many\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n",
    b"GET /%ff%fe HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
    b"GET /hankkeet/%e4/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
], ids=["garbage", "header", "version", "length", "chunk", "percent-bytes", "latin-1-escape"])
def test_a_malformed_request_gets_400_and_no_traceback(preview: PreviewProcess, request_bytes: bytes) -> None:
    host = f"127.0.0.1:{preview.port}".encode()
    mark = preview.mark()
    status, _, _ = _raw(preview.port, request_bytes.replace(b"{host}", host))
    assert status == 400
    # The server still answers, and said nothing about it.
    assert _get(preview.port, "")[0] == 200
    time.sleep(0.2)
    assert preview.since(mark) == []


def test_the_preview_widens_the_policy_by_its_reload_script_alone() -> None:
    script = b"<script data-projcat-token=\"t.1\">console.log(1)</script>"
    escaped = html.escape(CONTENT_SECURITY_POLICY, quote=True).encode()
    page = b'<head><meta http-equiv="Content-Security-Policy" content="' + escaped + b'"></head>'
    widened = allow_inline_script(page, script)
    policy = html.unescape(re.search(rb'content="([^"]*)"', widened).group(1).decode())  # type: ignore[union-attr]
    assert policy == with_script_source(CONTENT_SECURITY_POLICY, script_hash(b"console.log(1)"))
    assert policy.replace(" " + script_hash(b"console.log(1)"), "") == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy.replace("wasm-unsafe-eval", "")
    # A policy with no script-src gets one from default-src.
    assert with_script_source("default-src 'self'", "'sha256-x'") == "default-src 'self'; script-src 'self' 'sha256-x'"


@pytest.mark.browser
def test_served_pages_run_the_reload_script_without_breaking_the_policy(preview: PreviewProcess, page_in: object,
                                                                        fixture_site: Path) -> None:
    page = page_in()  # type: ignore[operator]
    page.context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));")
    page.goto(preview.url + "hankkeet/alfa/")
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=30_000)
    record = fixture_site / "content" / "projects" / "alfa.md"
    record.write_text(with_field(record, "title", "Alfa päivittyi"), encoding="utf-8")
    page.wait_for_function("() => document.querySelector('h1').innerText === 'Alfa päivittyi'", timeout=30_000)
    assert page.evaluate("window.__violations") == []
