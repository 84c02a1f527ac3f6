"""Reading `site.yaml`: its bytes, its YAML and its settings, each step's problems at the editor's line."""

from __future__ import annotations

from dataclasses import dataclass

from projcat.content.load import decode, display_path, read_limited
from projcat.content.settings import Paths, SiteConfig
from projcat.content.validate import validate_site
from projcat.content.yamlread import Document, read_yaml
from projcat.problems import Problem


@dataclass(frozen=True)
class SiteFile:
    """`site.yaml` as read once: the settings when they are valid, and the parsed
    document, so that a later check can point at a field without reading the file again."""

    shown: str  # the file as problems name it
    site: SiteConfig | None
    problems: list[Problem]
    document: Document | None = None


def read_site(paths: Paths) -> SiteFile:
    shown = display_path(paths.site_file, paths.root)
    if not paths.site_file.is_file():
        return SiteFile(shown, None, [Problem.make(shown, "site.missing")])
    data, problems = read_limited(paths.site_file, shown)
    if data is None:
        return SiteFile(shown, None, problems)
    text, problems = decode(data, shown)
    if text is None:
        return SiteFile(shown, None, problems)
    document = read_yaml(text, shown)
    site, problems = validate_site(document, shown, paths.root)
    return SiteFile(shown, site, problems, document)


def load_site(paths: Paths) -> tuple[SiteConfig | None, list[Problem]]:
    """The site's settings (None when they cannot be used) and every problem found reading them."""
    read = read_site(paths)
    return read.site, read.problems
