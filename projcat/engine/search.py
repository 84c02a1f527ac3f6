"""The static full-text search index: Pagefind, run on the rendered project pages.

The project pages are written to a scratch folder at their own paths, the
Pagefind program (from the `pagefind[extended]` package) indexes that folder
in one run, and its bundle comes back as `{output path: bytes}` under
`pagefind/`. So the index is written, swapped in and left untouched when
unchanged exactly like every other output file.

Only project pages are indexed (their `<article data-pagefind-body>`), so
every result is a project. Pagefind derives each result's address from the
file's path relative to the scratch folder (`/hankkeet/alfa/`), and the
browser script prefixes the path `pagefind/` is served under, so one index
works at the host root and under a sub-path.

`index_folder` runs Pagefind on a folder of pages that is on disk already
(with a glob that picks the project pages), for a build that writes its
pages before indexing them.

The program is run once rather than through the package's Python service,
which answers one request per tenth of a second: a page at a time, a
catalogue of 500 projects would take almost a minute.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from projcat.engine.search_order import stable_bundle
from projcat.render.addresses import output_path

# Pagefind ships ready-made interfaces; the site has its own small script,
# so these would only be dead weight on the server.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
TIMEOUT_SECONDS = 600
# Labels the page shows for sighted readers and screen readers ("Kesto",
# "Tila", "Hankkeen tiedot", "Kuvaus") would fill every excerpt and match every page.
EXCLUDE_SELECTORS = ("article.project > h2", ".facts dt", ".last-changed")


class SearchError(Exception):
    """The index could not be built; the message says why."""


def _program() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchError("the pagefind package is not installed") from None
    program = get_executable()
    if program is None or not program.exists():
        raise SearchError("the Pagefind program was not found")
    return program


def build_index(pages: Iterable[tuple[str, bytes]], language: str | None) -> dict[str, bytes]:
    """`(output path, page HTML)` pairs -> the bundle's files under `pagefind/`.

    `language` forces every page into one language's index (a one-language
    site); None lets Pagefind read each page's `<html lang>` and keep one
    index per language, of which the script on a page loads its own.

    No pages, no index: Pagefind refuses an empty folder, and a catalogue
    with no projects yet should still build (its search page says search
    is unavailable).
    """
    pages = list(pages)
    if not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="projcat-search-") as folder:
        site = Path(folder) / "site"
        for output, html in pages:
            target = site.joinpath(*PurePosixPath(output).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
        site.mkdir(exist_ok=True)
        return index_folder(site, None, language)


def project_glob(project_pages: Iterable[str], others: Iterable[str]) -> str | None:
    """A Pagefind glob that picks exactly `project_pages` (`<words>/<slug>/index.html`) out of a
    tree that also holds `others`; None when no such glob is simple to write."""
    folders = {PurePosixPath(name).parent.parent.as_posix() for name in project_pages}
    if not folders or "." in folders or any("{" in f or "," in f or "*" in f for f in folders):
        return None
    for name in others:
        path = PurePosixPath(name)
        if path.name == "index.html" and len(path.parts) >= 3 and path.parent.parent.as_posix() in folders:
            return None
    joined = ",".join(sorted(folders))
    return f"{{{joined}}}/*/index.html" if len(folders) > 1 else f"{joined}/*/index.html"


def index_folder(site: Path, glob: str | None, language: str | None) -> dict[str, bytes]:
    """Pagefind run once over the pages under `site` (those `glob` matches; all when None),
    its bundle returned as `{output path: bytes}` under `pagefind/`."""
    program = _program()
    with tempfile.TemporaryDirectory(prefix="projcat-search-") as folder:
        bundle = Path(folder) / "pagefind"
        command = [str(program), "--site", str(site), "--output-path", str(bundle)]
        if glob is not None:
            command += ["--glob", glob]
        command += ["--force-language", language, "--silent"] if language else ["--silent"]
        # On a language version, the note that a project is described only in the main language.
        for selector in EXCLUDE_SELECTORS + (() if language else (".only-in",)):
            command += ["--exclude-selectors", selector]
        try:
            done = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise SearchError(f"Pagefind did not finish in {TIMEOUT_SECONDS} s") from None
        except OSError as exc:
            raise SearchError(f"Pagefind could not be started ({exc.strerror})") from None
        if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise SearchError(f"Pagefind failed ({detail[-1] if detail else f'exit status {done.returncode}'})")
        return stable_bundle({
            output_path("search_bundle", file.relative_to(bundle).as_posix()): _canonical(file)
            for file in sorted(bundle.rglob("*"))
            if file.is_file() and file.name not in _UNUSED
        })


def _canonical(file: Path) -> bytes:
    """The file's bytes; Pagefind's entry file with its languages in one order.

    Pagefind lists a multilingual site's languages in an order that changes from run to run
    (a hash map's), so the same pages gave a different `pagefind-entry.json`. Its script looks
    languages up by name, so their order means nothing; sorted, the same pages give the same bytes."""
    data = file.read_bytes()
    if file.name != "pagefind-entry.json":
        return data
    entry = json.loads(data)
    languages = entry.get("languages")
    if not isinstance(languages, dict) or list(languages) == sorted(languages):
        return data
    entry["languages"] = dict(sorted(languages.items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
