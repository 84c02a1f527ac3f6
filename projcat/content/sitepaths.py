"""What an address written in the content points at: a URL scheme, or a file under `static/`.

A site path (`/tiedostot/raportti.pdf`) is published from the site's `static/`
folder; records' documents and images, and `site.yaml`'s documents, favicon
and sharing image are checked against the same answer, so they cannot differ
on what "the file is there" means (query and fragment left off, percent
escapes decoded, never a file outside `static/`).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from projcat.content.inputs import input_exists, resolved_input

# The site's folder of files published as they are, at the site's root.
STATIC_FOLDER = "static"
# The built-in theme, whose own `static/` is published first (`assets/`), and replaced file by file by
# the site's.
THEME_FOLDER = Path(__file__).parent.parent / "theme"
# An address's scheme (`https:`, `mailto:`, `javascript:`), as RFC 3986 spells one.
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# The schemes a link in the content may use; a site path needs none.
ALLOWED_SCHEMES: tuple[str, ...] = ("https", "http", "mailto", "tel")


def is_site_path(address: str) -> bool:
    """`/x/y.pdf` is a path on this site; `//host/y.pdf` is another host without a scheme."""
    return address.startswith("/") and not address.startswith("//")


def static_target(address: str, root: Path) -> Path | None:
    """Where under `root`'s `static/` a site path points, whether or not a file is there;
    None when it is no site path or leads out of `static/` (`/../site.yaml`)."""
    if not is_site_path(address):
        return None
    static = (root / STATIC_FOLDER).resolve()
    # Noted as an input where the build records them: a link repointed is a change.
    target = resolved_input(static / unquote(urlsplit(address).path).lstrip("/"))
    return target if target.is_relative_to(static) else None


def static_file(address: str, root: Path) -> Path | None:
    """The file under `static/` a site path names, if there is one."""
    target = static_target(address, root)
    return target if target is not None and input_exists(target) else None


def published_file(address: str, root: Path) -> Path | None:
    """The file a site path names among those published as they are: the site's `static/`,
    then the theme's (`/assets/favicon.svg`)."""
    return static_file(address, root) or static_file(address, THEME_FOLDER)
