"""Records and their translations, joined once every file is validated.

A translation (`<slug>.<lang>.md`) is read and validated like a record, one
file at a time, so a cache reuses both steps for an unchanged file. Whether
its main file exists is a question about all files, asked here.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace

from projcat.content.load import RawRecord
from projcat.content.records import ValidRecord, ValidTranslation
from projcat.problems import Problem

Validated = tuple[RawRecord, ValidRecord | ValidTranslation | None]


def _closest(slug: str, slugs: Sequence[str]) -> str:
    close = difflib.get_close_matches(slug, list(slugs), n=1, cutoff=0.6)
    return close[0] if close else ""


def _image_words_problem(raw: RawRecord) -> Problem:
    """A warning at a translation that gives an alt text or caption while its main file has no image."""
    mark = raw.fields.mark(("image",), key=True)
    return Problem.make(raw.path, "translation.image_no_main", severity="warning", field="image", slug=raw.slug,
                        line=mark.line if mark else 1, col=mark.col if mark else 1)


def join_translations(validated: Sequence[Validated]) -> tuple[list[ValidRecord], list[Problem]]:
    """Each valid record with its valid translations, in the files' order; and the
    translations whose main file does not exist, or has no image for their image's words."""
    mains = [raw.slug for raw, _ in validated if not raw.lang]
    present = set(mains)
    by_slug: dict[str, dict[str, ValidTranslation]] = {}
    problems: list[Problem] = []
    # The translations that give the main image's words, by slug.
    worded: dict[str, list[RawRecord]] = {}
    for raw, result in validated:
        if not raw.lang:
            continue
        if raw.slug not in present:
            problems.append(Problem.make(raw.path, "translation.no_main", line=1, col=1, slug=raw.slug,
                                         candidate=_closest(raw.slug, mains)))
        elif isinstance(result, ValidTranslation):
            by_slug.setdefault(raw.slug, {})[result.lang] = result
            if result.translation.image is not None:
                worded.setdefault(raw.slug, []).append(raw)
    records: list[ValidRecord] = []
    for raw, result in validated:
        if raw.lang or not isinstance(result, ValidRecord):
            continue
        if result.project.image is None:
            problems += [_image_words_problem(translation) for translation in worded.get(raw.slug, ())]
        found = by_slug.get(raw.slug)
        records.append(replace(result, translations=dict(sorted(found.items()))) if found else result)
    return records, problems
