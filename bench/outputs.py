"""Comparing outputs: ours with itself (byte for byte) and ours with Hugo's (pages and visible text)."""

from __future__ import annotations

import filecmp
import html
import re
from dataclasses import dataclass
from pathlib import Path


def compare_trees(a: Path, b: Path) -> list[str]:
    """Paths that differ between two output folders (missing on either side or other bytes)."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    left, right = files(a), files(b)
    differ = sorted(left ^ right)
    differ += [rel for rel in sorted(left & right) if not filecmp.cmp(a / rel, b / rel, shallow=False)]
    return differ


# The front page gives the type and size of each open-data file ours publishes ("hankkeet.csv
# (CSV, 18 kt)"); Hugo makes none of those files, so the sizes are left out of the comparison.
DATA_FILE_SIZE = re.compile(r" \((?:JSON|CSV|XML), [\d,]+ (?:t|kt|Mt)\)")


def visible_text(file: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", file.read_text(encoding="utf-8"))
    # A space where the size was, as Hugo's "</a>:" reads "name :" once its tags are spaces.
    return DATA_FILE_SIZE.sub(" ", " ".join(html.unescape(text).split()))


# Pages whose address and count are compared but not their visible text: the Hugo twin
# makes them in a reduced form. The search page's box and per-project status labels and
# the statement's generated list of inaccessible documents, its compliance and authority
# sections are not rebuilt in Hugo's templates; neither page is part of what is measured.
TEXT_NOT_COMPARED = frozenset({"haku/index.html", "saavutettavuusseloste/index.html"})


@dataclass(frozen=True)
class Equivalence:
    ours_pages: int
    hugo_pages: int
    same_addresses: bool
    same_text: int
    compared: int  # pages whose visible text is compared (all common pages but TEXT_NOT_COMPARED)


def page_equivalence(ours: Path, hugo: Path) -> Equivalence:
    """How comparable the two products are: HTML page counts, addresses, visible text."""
    def pages(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*.html")}

    left, right = pages(ours), pages(hugo)
    compared = (left & right) - TEXT_NOT_COMPARED
    same = sum(1 for rel in compared if visible_text(ours / rel) == visible_text(hugo / rel))
    return Equivalence(len(left), len(right), left == right, same, len(compared))
