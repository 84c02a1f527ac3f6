"""A record as one language version shows it: which text of each field, and in which language.

The one place this is decided. A translation (`<slug>.<lang>.md`) gives the
texts it gives; every other text is the main file's, in the main language
(or, for a title, in its `title_lang`). The pages (`render.views`), the open
data (`render.opendata`) and, through the project's view, the feed all show
what `version` says, so they cannot disagree about a text or its language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from projcat.content.records import Document, Project, ValidRecord

T = TypeVar("T")


@dataclass(frozen=True)
class Worded(Generic[T]):
    """A text a version shows and the language it is written in."""

    value: T
    lang: str


@dataclass(frozen=True)
class ShownImage:
    """The record's main image: the main file's picture, with the alt text and caption a version shows."""

    src: str
    alt: Worded[str]
    caption: Worded[str] | None


@dataclass(frozen=True)
class Version:
    """The texts of a record in one language version (`lang`), each with the language it is in."""

    lang: str
    main: str
    # Whether the record has a translation into `lang` (always True for the main language).
    translated: bool
    title: Worded[str]
    short_title: Worded[str] | None
    summary: Worded[str] | None
    body: Worded[str]
    keywords: Worded[tuple[str, ...]]
    documents: Worded[tuple[Document, ...]]
    image: ShownImage | None
    # Markdown, shown under their own headings (EU-funded projects must state them).
    aims: Worded[str] | None = None
    results: Worded[str] | None = None

    def texts(self) -> dict[str, str]:
        """Every text this version shows, by its field's name in the record (the body: `description`,
        as the open data names it), with its language."""
        found: dict[str, Worded[Any] | None] = {
            "title": self.title, "short_title": self.short_title, "summary": self.summary,
            "keywords": self.keywords if self.keywords.value else None,
            "documents": self.documents if self.documents.value else None,
            "image.alt": self.image.alt if self.image and self.image.alt.value else None,
            "image.caption": self.image.caption if self.image else None,
            "description": self.body if self.body.value.strip() else None,
            "aims": self.aims,
            "results": self.results,
        }
        return {name: worded.lang for name, worded in found.items() if worded is not None}

    @property
    def language(self) -> str:
        """The language of the version's own texts: its translation's, else the main language."""
        return self.lang if self.translated else self.main

    def other_languages(self) -> dict[str, str]:
        """The text fields shown in another language than `language`, and the language each is in."""
        return {name: lang for name, lang in self.texts().items() if lang != self.language}


def version(record: ValidRecord, lang: str, main: str) -> Version:
    """`record` as its `lang` version shows it; `main` is the site's main language."""
    project = record.project
    translation = record.translations.get(lang) if lang != main else None
    image = _image(project, main)
    if translation is None:
        title_lang = project.title_lang or main
        return Version(
            lang=lang, main=main, translated=lang == main,
            title=Worded(project.title, title_lang),
            short_title=Worded(project.short_title, title_lang) if project.short_title else None,
            summary=Worded(project.summary, main) if project.summary else None,
            body=Worded(record.body, main),
            keywords=Worded(tuple(project.keywords), main),
            documents=Worded(tuple(project.documents), main),
            image=image,
            aims=Worded(project.aims, main) if project.aims else None,
            results=Worded(project.results, main) if project.results else None,
        )
    words = translation.translation
    given = words.image
    if image is not None and given is not None:
        image = ShownImage(
            image.src,
            Worded(given.alt, lang) if given.alt is not None else image.alt,
            Worded(given.caption, lang) if given.caption else image.caption,
        )
    body = translation.body if translation.body.strip() else None
    return Version(
        lang=lang, main=main, translated=True,
        # A translation's title is its own, and so is its short title: the main file's short title
        # is not shown beside a translated title.
        title=Worded(words.title, lang),
        short_title=Worded(words.short_title, lang) if words.short_title else None,
        summary=Worded(words.summary, lang) if words.summary else (
            Worded(project.summary, main) if project.summary else None),
        body=Worded(body, lang) if body is not None else Worded(record.body, main),
        keywords=Worded(tuple(words.keywords), lang) if words.keywords else Worded(tuple(project.keywords), main),
        documents=(Worded(tuple(words.documents), lang) if words.documents
                   else Worded(tuple(project.documents), main)),
        image=image,
        aims=Worded(words.aims, lang) if words.aims else (Worded(project.aims, main) if project.aims else None),
        results=(Worded(words.results, lang) if words.results
                 else (Worded(project.results, main) if project.results else None)),
    )


def _image(project: Project, main: str) -> ShownImage | None:
    image = project.image
    if image is None:
        return None
    return ShownImage(image.src, Worded(image.alt, main), Worded(image.caption, main) if image.caption else None)


def published_project(shown: Version, project: Project) -> Project:
    """The record as this version publishes it: the main file's facts with the texts shown."""
    update: dict[str, Any] = {
        "title": shown.title.value,
        "short_title": shown.short_title.value if shown.short_title else None,
        # A translated title is in the row's language; the main file's keeps its `title_lang`.
        "title_lang": project.title_lang if shown.title.value == project.title else None,
        "summary": shown.summary.value if shown.summary else None,
        "keywords": list(shown.keywords.value),
        "documents": list(shown.documents.value),
        "aims": shown.aims.value if shown.aims else None,
        "results": shown.results.value if shown.results else None,
    }
    if shown.image is not None and project.image is not None:
        update["image"] = project.image.model_copy(update={
            "alt": shown.image.alt.value, "caption": shown.image.caption.value if shown.image.caption else None})
    return project.model_copy(update=update)
