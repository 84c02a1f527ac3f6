"""The files a site's records use, read once per check: images and local documents.

This runs beside record validation, not inside it, because its answer depends
on the files' contents (a photo replaced under the same name, a PDF re-saved
with tags), which a record's own validation does not read. Its result,
`Media`, is what the build needs to make image variants and what rendering
needs to give every image its size and every download link its type and size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from projcat.content.documents import DocumentFile, measured_documents
from projcat.content.images import ImageFile, image_problems
from projcat.content.load import RawRecord
from projcat.content.yamlread import Document as YamlDocument
from projcat.problems import Problem


@dataclass(frozen=True)
class Media:
    """The images by (slug, address as written) and the local documents by their site path."""

    images: Mapping[tuple[str, str], ImageFile] = field(default_factory=dict)
    documents: Mapping[str, DocumentFile] = field(default_factory=dict)

    def images_of(self, slug: str) -> tuple[tuple[str, ImageFile], ...]:
        """One record's images, in a stable order: part of what its page is made from."""
        return tuple(sorted((src, image) for (owner, src), image in self.images.items() if owner == slug))


NO_MEDIA = Media()


def check_media(raws: Iterable[RawRecord], site: YamlDocument | None, site_path: str,
                root: Path) -> tuple[list[Problem], Media]:
    """Every record's images and documents, and site.yaml's documents: their problems and their facts."""
    problems: list[Problem] = []
    images: dict[tuple[str, str], ImageFile] = {}
    documents: dict[str, DocumentFile] = {}
    for raw in raws:
        if raw.fields.data is None and not raw.body:
            continue
        found, files = image_problems(raw, root)
        problems += found
        images.update({(raw.slug, src): file for src, file in files.items()})
        found, measured = measured_documents(raw.fields, raw.path, root)
        problems += found
        documents.update(measured)
    if site is not None:
        found, measured = measured_documents(site, site_path, root)
        problems += found
        documents.update(measured)
    return problems, Media(images, documents)
