"""What a build may reuse from an earlier run: the interface, not a store.

A build given a `BuildCache` must produce exactly the bytes it produces
without one; the cache only saves work. Each method stands for one pure
step of the pipeline, and an implementation answers from what it kept only
when the step's whole input is the same as before:

- `read_record`: file bytes + the path shown in messages -> `RawRecord`
  (front matter parsed with positions: the slowest step);
- `validate_record`: raw record + site settings + the files under `static/`
  (documents may link to them) -> the typed record and its problems;
- `renderer`: a Markdown renderer whose `to_html` may be memoised by text;
- `project_view`: catalogue entry + site settings (+ whatever else the view
  is made from, passed as `inputs`) -> the project's view;
- `environment`: a Jinja environment; one kept from before may be returned
  when every template source is the same (its compiled templates are reused);
- `page`: (page, site view, template sources) -> the page's bytes;
- `project_data`: a project's entry and published facts -> its lines of
  the open data files.

`projcat.build.memory.MemoryCache` keeps these in memory for the preview. A
persistent cache for `build` can implement the same methods; one that
caches nothing calls each `produce` and the plain step.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    from jinja2 import Environment

    from projcat.content.load import RawRecord
    from projcat.render.markup import Renderer
    from projcat.problems import Problem
    from projcat.content.settings import SiteConfig
    from projcat.content.records import ValidRecord
    from projcat.render.views import ProjectView


class BuildCache(Protocol):
    def read_record(self, file: Path, display: str) -> RawRecord:
        """`load.read_record(file, display)`, or the same result kept from before."""
        ...

    def validate_record(
        self, raw: RawRecord, site: SiteConfig | None, root: Path
    ) -> tuple[ValidRecord | None, list[Problem]]:
        """`validate.validate_record(raw, site, root)`, or the same result kept from before."""
        ...

    def renderer(self) -> Renderer:
        """The Markdown renderer to use for this build."""
        ...

    def project_view(self, slug: str, inputs: object, produce: Callable[[], ProjectView]) -> ProjectView:
        """`produce()`, or the view kept for `slug` when `inputs` (everything the view is made
        from: the catalogue entry, the site settings, ...) equals what produced it."""
        ...

    def environment(self, fresh: Environment) -> Environment:
        """`fresh`, or an environment kept from before whose templates are all the same."""
        ...

    def page(self, output: str, inputs: object, produce: Callable[[], bytes]) -> bytes:
        """`produce()`, or the bytes kept for `output` when `inputs` equals what produced them."""
        ...

    def project_data(self, slug: str, inputs: object, produce: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        """`produce()`, or the open data lines kept for `slug` when `inputs` equals what produced them."""
        ...

    def record_digest(self, display: str) -> str | None:
        """A digest of the bytes of the record file read as `display` in this build, when known."""
        ...

    def piece(self, name: str, key: object, produce: Callable[[], object]) -> object:
        """`produce()`, or the value kept under `name` when it was made for an equal `key`.

        For small parts of a shared file (one project's line of the open data)."""
        ...

    def reuse(self, name: str, digest: str, produce: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        """`produce()`, or the files kept under `name` when the digest of their inputs is the same."""
        ...
