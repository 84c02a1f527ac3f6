"""The files a site's records use, read once per check: images and local documents.

This runs beside record validation, not inside it, because its answer depends
on the files' contents (a photo replaced under the same name, a PDF re-saved
with tags), which a record's own validation does not read. Its result,
`Media`, is what the build needs to make image variants and what rendering
needs to give every image its size and every download link its type and size.

Each record's part (`record_media`) is a step of its own that a cache may
keep: it reads its files through `content.inputs`, so a kept answer is
reused only while the record and every file it read (or looked for) are
unchanged, and the images a record uses are known to the build whether or
not its answer was kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from projcat.content.documents import DocumentFile, measured_documents
from projcat.content.images import ImageFile, image_problems
from projcat.content.load import RawRecord
from projcat.content.yamlread import Document as YamlDocument
from projcat.problems import Problem


@dataclass(frozen=True)
class RecordMedia:
    """One record's images by address as written, its local documents by site path, and their problems."""

    images: Mapping[str, ImageFile] = field(default_factory=dict)
    documents: Mapping[str, DocumentFile] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Media:
    """The images by (slug, address as written) and the local documents by their site path."""

    images: Mapping[tuple[str, str], ImageFile] = field(default_factory=dict)
    documents: Mapping[str, DocumentFile] = field(default_factory=dict)
    # Each slug's images in a stable order, made once: `images_of` is asked per page and language.
    by_slug: Mapping[str, tuple[tuple[str, ImageFile], ...]] = field(default_factory=dict, compare=False,
                                                                       repr=False)

    def __post_init__(self) -> None:
        if self.images and not self.by_slug:
            grouped: dict[str, list[tuple[str, ImageFile]]] = {}
            for (owner, src), image in self.images.items():
                grouped.setdefault(owner, []).append((src, image))
            object.__setattr__(self, "by_slug", {slug: tuple(sorted(found)) for slug, found in grouped.items()})

    def images_of(self, slug: str) -> tuple[tuple[str, ImageFile], ...]:
        """One record's images, in a stable order: part of what its page is made from."""
        return self.by_slug.get(slug, ())

    def only(self, slug: str, documents: Iterable[str]) -> Media:
        """The part of this a page of `slug` listing `documents` can show."""
        images = {(slug, src): image for src, image in self.images_of(slug)}
        shown = {url: self.documents[url] for url in documents if url in self.documents}
        # Most records use no local file: one shared value, compared once per build by the cache.
        return Media(images, shown) if images or shown else NO_MEDIA


NO_MEDIA = Media()

# `memo(raw, root, record_media)`: the record's media, or the answer kept for it (`BuildCache.record_media`).
MediaMemo = Callable[[RawRecord, Path, Callable[[RawRecord, Path], RecordMedia]], RecordMedia]


def record_media(raw: RawRecord, root: Path) -> RecordMedia:
    """A record's images and documents, read and checked."""
    problems, images = image_problems(raw, root)
    found, documents = measured_documents(raw.fields, raw.path, root)
    return RecordMedia(images, documents, tuple(problems + found))


def check_media(raws: Iterable[RawRecord], site: YamlDocument | None, site_path: str,
                root: Path, memo: MediaMemo | None = None) -> tuple[list[Problem], Media]:
    """Every record's images and documents, and site.yaml's documents: their problems and their facts."""
    problems: list[Problem] = []
    images: dict[tuple[str, str], ImageFile] = {}
    documents: dict[str, DocumentFile] = {}
    for raw in raws:
        part = record_media(raw, root) if memo is None else memo(raw, root, record_media)
        problems += part.problems
        images.update({(raw.slug, src): file for src, file in part.images.items()})
        documents.update(part.documents)
    if site is not None:
        found, measured = measured_documents(site, site_path, root)
        problems += found
        documents.update(measured)
    return problems, Media(images, documents)
