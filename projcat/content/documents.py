"""Documents under `static/`, measured and checked: their type and size come from the file itself.

A hand-typed size that disagrees with the file is a warning. A local PDF is
opened with pikepdf: one marked `accessible: true` that has no tags (no
structure tree or MarkInfo), no language or no title gets a warning naming
what is missing; one not marked either way that has no tags is reported and
listed in the accessibility statement as not accessible, with the reason. An
encrypted or broken PDF is a warning, never a crash. Remote documents are not
fetched: they keep the type and size their record gives.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from projcat.content.inputs import decoded, read_input
from projcat.content.sitepaths import static_file
from projcat.content.yamlread import Document as YamlDocument
from projcat.content.yamlread import dotted
from projcat.problems import Problem

# What a PDF lacks, in the order a reader meets it; each a problem code `document.pdf_no_<what>`.
PDF_PARTS = ("tags", "lang", "title")
_TYPED_SIZE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(t|b|kt|kb|kib|mt|mb|mib|gt|gb|gib)\s*$", re.IGNORECASE)
_UNITS = {"t": 1, "b": 1, "kt": 1000, "kb": 1000, "kib": 1024, "mt": 1000**2, "mb": 1000**2, "mib": 1024**2,
          "gt": 1000**3, "gb": 1000**3, "gib": 1024**3}


@dataclass(frozen=True)
class DocumentFile:
    """A document as its file is: its type (`PDF`), its size in bytes and, for a PDF, what it lacks."""

    type: str
    size: int
    # "tags", "lang", "title": what a PDF lacks to be accessible; empty for other files.
    missing: tuple[str, ...] = ()
    # "encrypted" or "broken": a PDF pikepdf could not check.
    unreadable: str = ""


def pdf_facts(data: bytes) -> tuple[tuple[str, ...], str]:
    """What the PDF lacks, and why it could not be checked ("" when it could)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                return (), "encrypted"
            root = pdf.Root
            mark_info = root.get("/MarkInfo")
            marked = isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))
            missing = []
            if "/StructTreeRoot" not in root or not marked:
                missing.append("tags")
            if not str(root.get("/Lang", "")).strip():
                missing.append("lang")
            title = str(pdf.docinfo.get("/Title", "")).strip()
            if not title:
                with pdf.open_metadata() as meta:
                    title = str(meta.get("dc:title", "") or "").strip()
            if not title:
                missing.append("title")
            return tuple(missing), ""
    except pikepdf.PasswordError:
        return (), "encrypted"
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError):
        return (), "broken"


def measure(file: Path) -> DocumentFile:
    # Read whole, as an input: its digest is what a cached check of it is kept by.
    data = read_input(file)
    size = len(data)
    if data[:5] == b"%PDF-":
        missing, unreadable = decoded("pdf", data, pdf_facts)
        return DocumentFile("PDF", size, missing, unreadable)
    return DocumentFile(file.suffix.lstrip(".").upper(), size)


def size_agrees(text: str, size: int) -> bool:
    """Whether a hand-typed size (`1,2 Mt`, `350 kB`) is the file's, as a person rounds it: within a
    tenth, or within half its last written digit. A text that is no size is not compared."""
    found = _TYPED_SIZE.match(text)
    if not found:
        return True
    number, unit = found.group(1).replace(",", "."), _UNITS[found.group(2).lower()]
    decimals = len(number.split(".")[1]) if "." in number else 0
    typed = Decimal(number) * unit
    step = Decimal(unit) * Decimal(10) ** -decimals
    return abs(typed - size) <= max(step / 2, Decimal(size) / 10)


def _checked(item: dict[str, Any], facts: DocumentFile, loc: tuple[Any, ...], doc: YamlDocument,
             path: str) -> list[Problem]:
    def place(*key: Any) -> dict[str, Any]:
        mark = doc.mark((*loc, *key)) or doc.mark(loc)
        return {"line": mark.line if mark else None, "col": mark.col if mark else None,
                "field": dotted((*loc, *key))}

    title = item.get("title")
    title = title.strip() if isinstance(title, str) else ""
    problems = []
    size = item.get("size")
    # `site.yaml` may give the size once per language (`{fi: 1 Mt, sv: 1 MB}`): each is compared.
    written: list[tuple[tuple[Any, ...], object]] = (
        [((), size)] if isinstance(size, str)
        else [((lang,), text) for lang, text in size.items()] if isinstance(size, dict) else [])
    for key, text in written:
        if isinstance(text, str) and not size_agrees(text, facts.size):
            problems.append(Problem.make(path, "document.size_mismatch", severity="warning", value=text.strip(),
                                         size=facts.size, **place("size", *key)))
    if facts.unreadable:
        problems.append(Problem.make(path, f"document.pdf_{facts.unreadable}", severity="warning",
                                     title=title, value=str(item.get("url")), **place("url")))
        return problems
    accessible = item.get("accessible")
    marked = accessible is True or (isinstance(accessible, str) and accessible.strip().lower() == "true")
    if accessible is None and "tags" in facts.missing:
        problems.append(Problem.make(path, "document.pdf_untagged", severity="warning", title=title, **place("url")))
    elif marked or accessible is None:
        problems += [Problem.make(path, f"document.pdf_no_{what}", severity="warning", title=title,
                                  **place("accessible" if marked else "url"))
                     for what in facts.missing]
    return problems


def measured_documents(doc: YamlDocument, path: str, root: Path) -> tuple[list[Problem], dict[str, DocumentFile]]:
    """Every local document of a record or of site.yaml measured, and its problems."""
    raw = doc.data.get("documents") if isinstance(doc.data, dict) else None
    if not isinstance(raw, list):
        return [], {}
    problems: list[Problem] = []
    found: dict[str, DocumentFile] = {}
    for index, item in enumerate(raw):
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(url, str):
            continue
        file = static_file(url.strip(), root)
        if file is None:
            continue  # remote, or missing: `validate.document_problems` names a missing file
        facts = measure(file)
        found[url.strip()] = facts
        problems += _checked(item, facts, ("documents", index), doc, path)
    return problems, found
