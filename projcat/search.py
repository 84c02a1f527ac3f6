"""The static full-text search index: Pagefind, run on the rendered project pages.

The pages go to Pagefind from memory and its bundle comes back as
`{output path: bytes}` under `pagefind/`, so it is written, swapped in and
left untouched when unchanged exactly like every other file. Only project
pages are indexed (their `<article data-pagefind-body>`), so every result is
a project. Result addresses are indexed relative to the site root; the
browser script resolves them under whatever path `pagefind/` is served
from, so one index works at the host root and under a sub-path.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import tempfile
from pathlib import Path
from typing import Any, Callable, Coroutine, Iterable

from projcat.views import SEARCH_BUNDLE

# Pagefind ships ready-made interfaces; the site has its own small script,
# so these would only be dead weight on the server.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


# A service that died without answering would otherwise be waited for forever.
TIMEOUT_SECONDS = 600


class SearchError(Exception):
    """The index could not be built; the message says why."""


async def _index(pages: list[tuple[str, str]], language: str, scratch: Path) -> None:
    from pagefind.index import PagefindIndex

    config = {"force_language": language, "output_path": str(scratch)}
    async with PagefindIndex(config=config) as index:  # type: ignore[arg-type]
        for url, html in pages:
            await index.add_html_file(content=html, url=url)
        # Leaving the context writes the bundle to output_path: writing to
        # disk rather than `get_files()` avoids the service's pipe limit.


def build_index(pages: Iterable[tuple[str, bytes]], language: str) -> dict[str, bytes]:
    """`(site-relative URL, page HTML)` pairs -> the bundle's files under `pagefind/`."""
    documents = [(url, html.decode("utf-8")) for url, html in pages]
    with tempfile.TemporaryDirectory(prefix="projcat-search-") as folder:
        scratch = Path(folder) / "pagefind"
        try:
            _in_own_loop(lambda: asyncio.wait_for(_index(documents, language, scratch), TIMEOUT_SECONDS))
        except FileNotFoundError as exc:
            raise SearchError(f"the Pagefind program was not found ({exc})") from None
        except (asyncio.TimeoutError, TimeoutError):
            raise SearchError(f"Pagefind did not finish in {TIMEOUT_SECONDS} s") from None
        except Exception as exc:  # noqa: BLE001 - the service reports failures in many shapes
            raise SearchError(f"Pagefind failed: {type(exc).__name__}: {exc}") from None
        if not (scratch / "pagefind.js").is_file():
            raise SearchError("Pagefind wrote no index")
        return {
            SEARCH_BUNDLE + file.relative_to(scratch).as_posix(): file.read_bytes()
            for file in sorted(scratch.rglob("*"))
            if file.is_file() and file.name not in _UNUSED
        }


def _in_own_loop(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine to completion even when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make())
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(make())).result()
