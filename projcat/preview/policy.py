"""The one change the preview makes to a page's Content-Security-Policy: its reload script.

Every built page forbids inline scripts (`render/meta.py`). The preview puts
one inline script into each page it serves, so the page's policy, in the
preview alone, also allows that one script by its hash. Nothing else is
loosened: livereload.js comes from the preview's own origin and its socket
from the same host and port, which `'self'` already allows.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

_POLICY = re.compile(
    rb'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)("\s*/?>)', re.IGNORECASE)
_SCRIPT = re.compile(rb"\A<script[^>]*>(.*)</script>\Z", re.DOTALL)


def script_hash(body: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + "'"


def with_script_source(policy: str, source: str) -> str:
    """`policy` with `source` added to its `script-src` (made from `default-src` when it has none)."""
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    names = [part.split()[0].lower() for part in directives]
    if "script-src" in names:
        index = names.index("script-src")
        directives[index] += " " + source
    else:
        default = directives[names.index("default-src")].split()[1:] if "default-src" in names else []
        directives.append(" ".join(["script-src", *default, source]))
    return "; ".join(directives)


def allow_inline_script(page: bytes, script_element: bytes) -> bytes:
    """`page` with its policy (if it has one) allowing exactly `script_element`'s inline code."""
    found = _SCRIPT.match(script_element)
    if found is None:
        return page
    source = script_hash(found.group(1))

    def widen(meta: re.Match[bytes]) -> bytes:
        policy = html.unescape(meta.group(2).decode("utf-8"))
        widened = html.escape(with_script_source(policy, source), quote=True).encode("utf-8")
        return meta.group(1) + widened + meta.group(3)

    return _POLICY.sub(widen, page)
