"""The static full-text search index: Pagefind, run on the project pages, in shards.

Pagefind cannot update or remove a page in an index it has written (its
issues #71 and #256): an index is made whole or not at all. So the index is
split, once it has `SHARDED_FROM` project pages, into `SHARDS` shards by a
stable hash of each page's address (its slug,
the part of the address every language version of a project shares), and
each shard is a complete Pagefind bundle of its own under `pagefind/<shard>/`.
The build keeps each shard by its documents (one cached step per shard), so
editing one record runs Pagefind again for the one shard that holds its
pages; every other shard's files stay as they are. `pagefind/shards.json`
names, per language, the shards that hold a page in it; the search page's
script loads the first as Pagefind's primary index and merges the others in
with Pagefind's `mergeIndex`, so only shards with pages in the page's own
language are ever searched.

Pagefind is fed only what it reads: `search_document` cuts each project page
down to its `<html lang>`, its `<title>` and its `<article data-pagefind-body>`
(which holds the text, the filters and what Pagefind takes as the title and
image), so the index is the same as from the whole page, for less to write
and parse. Only project pages are indexed, so every result is a project.
Pagefind derives each result's address from the document's path relative
to the scratch folder (`/hankkeet/alfa/`), and the browser script prefixes
the path `pagefind/` is served under, so one index works at the host root
and under a sub-path.

The program is run once per shard rather than through the package's Python
service, which answers one request per tenth of a second: a page at a time,
a catalogue of 500 projects would take almost a minute.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from projcat.engine.search_order import stable_bundle
from projcat.render.addresses import SEARCH_BUNDLE, output_path

# Pagefind ships ready-made interfaces; the site has its own small script,
# so these would only be dead weight on the server.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
TIMEOUT_SECONDS = 600
# Labels the page shows for sighted readers and screen readers ("Kesto",
# "Tila", "Hankkeen tiedot", "Kuvaus") would fill every excerpt and match every page.
EXCLUDE_SELECTORS = ("article.project > h2", ".facts dt", ".last-changed")


# The number of shards: the trade-off between the work one edit costs (one shard, about
# 1/SHARDS of the pages, is indexed again) and the requests one search costs (each shard
# with pages in the language answers with its own entry, meta, word and filter files).
# Measured by bench/search_quality.py at 10,000 records (README, Search): one record
# re-indexed took 0.21x the unsharded index's time with 4 shards, 0.07x with 8 and 0.07x
# with 16 (Pagefind's own start and fixed costs), while the search page's requests on load
# went 32 -> 56 -> 104 and per query 3.6 -> 6.0 -> 10.8. Eight keeps the edit's share and
# half of sixteen's requests.
SHARDS = 8
# Below this many project pages the index is one shard. Each shard ranks with its own word
# statistics and the merge adds raw scores, so shards cost ranking: measured on the shipped site
# (15 projects) in 8 shards, the first result matched one index's in 17 of 20 queries and 6 of 20
# listed loosely matching projects besides, while a whole index of a couple of thousand pages is
# made again in a few seconds. At 2,000 pages the edit's share starts to count (README, Search).
SHARDED_FROM = 2000


def shards_for(pages: int) -> int:
    """How many shards an index of `pages` project pages (every language's) is split into."""
    return SHARDS if pages >= SHARDED_FROM else 1
MANIFEST = "shards.json"


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


def shard_of(output: str, shards: int = SHARDS) -> int:
    """The shard a project page (`[<lang>/]<words>/<slug>/index.html`) belongs to: a hash of its
    slug, so it never moves while its address stays, whatever else the site holds, and every
    language version of a project is in the same shard: an edit to a record, which may change
    its page in every language, re-indexes one shard, and every shard holds every language."""
    slug = PurePosixPath(output).parent.name
    return int.from_bytes(hashlib.sha256(slug.encode("utf-8")).digest()[:8], "big") % shards


def shard_name(number: int) -> str:
    return f"{number:02d}"


_BODY = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)\b[^>]*\sdata-pagefind-body\b[^>]*>")
# Any Pagefind attribute but the body's own: outside the body it would still be read.
_OTHER_ATTRIBUTE = re.compile(rb"\sdata-pagefind-(?!body\b)")
_HTML_LANG = re.compile(rb"<html\b[^>]*?\slang=\"([^\"]*)\"", re.IGNORECASE)
_TITLE = re.compile(rb"<title\b[^>]*>.*?</title>", re.IGNORECASE | re.DOTALL)


def _closing_end(html: bytes, tag: bytes, start: int) -> int | None:
    """Where the element of `tag` whose start tag ends at `start` ends (after its closing tag)."""
    depth = 1
    for found in re.finditer(rb"<(/?)" + re.escape(tag) + rb"\b[^>]*>", html[start:], re.IGNORECASE):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return start + found.end()
    return None


def search_document(html: bytes) -> bytes:
    """The page as Pagefind needs it: `<html lang>`, `<title>` and the one element marked
    `data-pagefind-body`, whole (its text, filters, meta, the title's `h1` and the image).

    A page whose template puts a Pagefind attribute outside that element, or marks no
    element or several, is given whole: the index must say what the page says."""
    bodies = list(_BODY.finditer(html))
    if len(bodies) != 1:
        return html
    start = bodies[0]
    end = _closing_end(html, start.group(1), start.end())
    if end is None or _OTHER_ATTRIBUTE.search(html, 0, start.start()) or _OTHER_ATTRIBUTE.search(html, end):
        return html
    lang = _HTML_LANG.search(html)
    title = _TITLE.search(html)
    return b"".join((
        b"<!DOCTYPE html>\n<html", b' lang="' + lang.group(1) + b'"' if lang else b"",
        b'><head><meta charset="utf-8">', title.group(0) if title else b"", b"</head><body>\n",
        html[start.start():end], b"\n</body></html>\n"))


def shard_documents(pages: Iterable[tuple[str, bytes]], shards: int = SHARDS) -> list[list[tuple[str, bytes]]]:
    """`(output path, page HTML)` pairs -> each shard's `(output path, search document)` pairs."""
    found: list[list[tuple[str, bytes]]] = [[] for _ in range(shards)]
    for output, html in pages:
        found[shard_of(output, shards)].append((output, search_document(html)))
    return found


def build_shard(documents: Iterable[tuple[str, bytes]], language: str | None, name: str) -> dict[str, bytes]:
    """One shard's documents -> its bundle's files under `pagefind/<name>/`; none without documents."""
    bundle = build_index(documents, language)
    return {output_path("search_bundle", f"{name}/{path.removeprefix(SEARCH_BUNDLE)}"): data
            for path, data in bundle.items()}


def with_manifest(shards: Mapping[str, Mapping[str, bytes]]) -> dict[str, bytes]:
    """Every shard's files, and `pagefind/shards.json`: for each language Pagefind indexed,
    the shards that hold a page in it, in order.

    A shard without a page in a language must never be merged into that language's search:
    Pagefind would fall back to the shard's largest language and show its pages."""
    prefix = SEARCH_BUNDLE
    files: dict[str, bytes] = {}
    languages: dict[str, list[str]] = {}
    for name in sorted(shards):
        bundle = shards[name]
        entry = bundle.get(f"{prefix}{name}/pagefind-entry.json")
        if entry is None:
            continue
        for language in sorted(json.loads(entry)["languages"]):
            languages.setdefault(language, []).append(name)
        files.update(bundle)
    if not files:
        return {}
    manifest = {"languages": dict(sorted(languages.items()))}
    files[prefix + MANIFEST] = json.dumps(manifest, separators=(",", ":")).encode("utf-8") + b"\n"
    return dict(sorted(files.items()))


def build_shards(pages: Iterable[tuple[str, bytes]], language: str | None, shards: int = SHARDS) -> dict[str, bytes]:
    """The whole sharded index at once, without a cache (the build keeps each shard by its
    documents instead: `engine/pipeline.py`)."""
    return with_manifest({
        shard_name(number): build_shard(documents, language, shard_name(number))
        for number, documents in enumerate(shard_documents(pages, shards))})


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
