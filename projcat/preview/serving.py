"""Pure rules of the preview server: which file a request names, who may connect, what is injected.

Kept apart from the server so each rule is tested without a socket.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import mimetypes
import re
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from projcat.preview.policy import allow_inline_script
from projcat.render.addresses import FOLDER_INDEX

# livereload.js opens its websocket at this path, whatever page loaded it.
SOCKET_PATH = "/livereload"
# The client script lives outside any site's base path, under a name no site file can take.
CLIENT_PATH = "/__projcat/livereload.js"
PLUGIN_ID = "projcat-preview"

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_FINGERPRINT = re.compile(rb"\?v=[0-9a-f]{10}")


class Refused(Exception):
    """A request path that names no file of the served folder: `status` is 400, 403 or 404."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def site_path(raw_path: str, base: str) -> str | None:
    """The served folder's file that a raw request path names, e.g. `hankkeet/x/index.html`.

    `None`: the path is outside the site's base path (not found, or the
    front page's address without its base). Raises `Refused` for anything
    that tries to leave the folder: dot segments, encoded slashes or
    backslashes, NUL bytes, empty segments. Nothing is normalised: a path
    that needs normalising is refused, so no encoding can sneak past.
    """
    lowered = raw_path.lower()
    if "\\" in raw_path or any(code in lowered for code in ("%2f", "%5c", "%00")):
        raise Refused(404)
    try:
        path = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
    except UnicodeDecodeError:
        # Percent-escapes that are not UTF-8: a malformed request, not a missing file.
        raise Refused(400) from None
    if "\x00" in path or not path.startswith("/"):
        raise Refused(404)
    segments = path.split("/")[1:]
    if any(segment in (".", "..") for segment in segments) or "" in segments[:-1]:
        raise Refused(404)
    if not path.startswith(base):
        return None
    rest = path[len(base):]
    if rest == "" or rest.endswith("/"):
        rest += FOLDER_INDEX
    return rest


def page_of(url: str, base: str) -> str | None:
    """The served file behind a browser's `location.href`, or `None` when it names none."""
    try:
        return site_path(urlsplit(url).path or "/", base)
    except (Refused, UnicodeDecodeError, ValueError):
        return None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The `Host` headers this server answers to; `None` (any) only when bound to every address.

    Naming the loopback names explicitly keeps a page from another origin
    that re-points its own host name at 127.0.0.1 from reading the preview.
    """
    if _is_wildcard(host):
        return None
    names = {host if ":" not in host or host.startswith("[") else f"[{host}]"}
    if _is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return frozenset(f"{name}:{port}" for name in names) | (frozenset(names) if port == 80 else frozenset())


def host_allowed(host_header: str, allowed: frozenset[str] | None) -> bool:
    return allowed is None or host_header.lower() in allowed


def origin_allowed(origin: str | None, host_header: str, allowed: frozenset[str] | None) -> bool:
    """A websocket may only be opened by a page of this very server."""
    if not origin:
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return parts.netloc.lower() == host_header.lower() and host_allowed(host_header, allowed)


@functools.cache
def _client_plugin() -> str:
    source = (Path(__file__).parent / "client.js").read_text(encoding="utf-8")
    # Comments stay in the file: every served page carries the code.
    script = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    script = script.replace("PROJCAT_CLIENT_PATH", json.dumps(CLIENT_PATH))
    script = script.replace("PROJCAT_PLUGIN_ID", json.dumps(PLUGIN_ID))
    # Inlined into a <script> element: the text must not be able to end it early.
    if "</" in script:
        raise ValueError("client.js must not contain '</'")
    return script


def reload_snippet(token: str) -> bytes:
    """The script injected into served pages: the preview's livereload.js plugin
    (`client.js`), carrying the page's build token, which livereload.js
    sends back in the protocol's `info` message; then livereload.js itself, from
    this server, wherever the site's base path is."""
    loader = (
        "(function(){var s=document.createElement('script');"
        f"s.src='{CLIENT_PATH}?host='+location.hostname+'&port='+(location.port||80)+'&mindelay=250&maxdelay=5000';"
        "document.head.appendChild(s);})();"
    )
    script = f'<script data-projcat-token="{escape(token)}">{_client_plugin()}{loader}</script>'
    return script.encode("utf-8")


def inject(html: bytes, token: str) -> bytes:
    """The page with the reload script before `</head>` (or at the end when it has none)."""
    snippet = reload_snippet(token)
    html = allow_inline_script(html, snippet)
    match = _HEAD_END.search(html)
    if match is None:
        return html + snippet
    return html[: match.start()] + snippet + html[match.start():]


def content_type(rel: str) -> str:
    kind, _ = mimetypes.guess_type(rel, strict=False)
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind


def only_fingerprints_differ(old: bytes, new: bytes) -> bool:
    """Two versions of a page that differ only in an asset's `?v=` fingerprint (a stylesheet change)."""
    return _FINGERPRINT.sub(b"", old) == _FINGERPRINT.sub(b"", new)
