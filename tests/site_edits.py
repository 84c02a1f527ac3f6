"""Edits an editor, an admin or a theme maker makes to a site folder, as values a test can draw and print.

Each edit is a small frozen dataclass: its `repr` is what Hypothesis prints
for a failing example and its `str` is the step as a person would say it.
`apply` works on whatever state the folder is in (a record is chosen by its
place among the records there now), so any sequence of edits can be applied
and shrunk. `edits()` is the Hypothesis strategy drawing one edit of any kind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from conftest import FIXTURE_SITE, REPO
from media_files import jpeg_with_gps, pdf, png_with_alpha

BILINGUAL = REPO / "examples" / "kaksikielinen"
THEME = REPO / "projcat" / "theme"
PROJECTS = Path("content") / "projects"
AS_OF = date(2025, 6, 15)


@dataclass
class SiteState:
    """The site folder being edited and what the next build is for."""

    root: Path
    as_of: date = AS_OF


def make_site(root: Path, photos: bool = True) -> SiteState:
    """The bilingual example with one record of every field (the fixture's `alfa`), a PDF under
    `static/` that both the record and `site.yaml` link to, as a git repository with one commit.

    With `photos`, `alfa` shows a phone's photo under `static/` as its main image and one from
    its own folder in its body, and `hulevesi` a PNG logo under `static/`."""
    shutil.copytree(BILINGUAL, root, ignore=shutil.ignore_patterns("site", ".cache"))
    shutil.copy2(FIXTURE_SITE / PROJECTS / "alfa.md", root / PROJECTS / "alfa.md")
    pdf(root / "static" / "tiedostot" / "raportti.pdf")
    if photos:
        jpeg_with_gps(root / "static" / "kuvat" / "puisto.jpg")
        jpeg_with_gps(root / PROJECTS / "alfa" / "kuvat" / "kuva.jpg", (1200, 900))
        png_with_alpha(root / "static" / "kuvat" / "logo.png")
        alfa = root / PROJECTS / "alfa.md"
        text = set_key(alfa.read_text(encoding="utf-8"), "image", FIELD_VALUES["image"][0])
        alfa.write_text(text + "\n" + BODIES[3], encoding="utf-8")
        hulevesi = root / PROJECTS / "hulevesi.md"
        hulevesi.write_text(hulevesi.read_text(encoding="utf-8") + "\n![Hankkeen logo](/kuvat/logo.png)\n",
                            encoding="utf-8")
    data = _load_site(root)
    data["documents"] = [{"title": {"fi": "Hankeluettelo 2025", "sv": "Projektkatalog 2025"},
                          "url": "/tiedostot/raportti.pdf", "date": date(2025, 1, 15)}]
    # `alfa` links to a document that is not accessible: the statement cannot claim full compliance.
    data["accessibility"]["compliance"] = "partial"
    _dump_site(root, data)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "toimittaja@example.fi")
    git(root, "config", "user.name", "Toimittaja")
    commit(root, date(2025, 1, 10))
    return SiteState(root)


def git(root: Path, *args: str, day: date | None = None) -> None:
    env = dict(os.environ)
    if day is not None:
        stamp = f"{day.isoformat()}T12:00:00+02:00"
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def commit(root: Path, day: date) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", f"Muutokset {day}", day=day)


def _load_site(root: Path) -> dict[str, Any]:
    data = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _dump_site(root: Path, data: dict[str, Any]) -> None:
    (root / "site.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main_records(root: Path) -> list[Path]:
    """The records in the folder now (not their translations), in name order."""
    return sorted(p for p in (root / PROJECTS).glob("*.md") if p.name.count(".") == 1)


def _record(root: Path, index: int) -> Path | None:
    records = main_records(root)
    return records[index % len(records)] if records else None


def _split(text: str) -> tuple[list[str], str]:
    """Front matter lines and the body of a record's text (a record without front matter: all body)."""
    if not text.startswith("---\n") or "\n---" not in text[3:]:
        return [], text
    end = text.index("\n---", 3)
    front = text[4:end + 1].splitlines()
    rest = text[end + 4:]
    return front, rest[1:] if rest.startswith("\n") else rest


def set_key(text: str, key: str, block: str | None) -> str:
    """The record's text with top-level `key` (and its indented lines) replaced by `block`, or removed."""
    front, body = _split(text)
    kept: list[str] = []
    skipping = False
    for line in front:
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "-")) or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    if block is not None:
        kept.insert(1 if kept else 0, block.rstrip("\n"))
    return "---\n" + "\n".join(kept) + "\n---\n" + body


# Values a field takes, some of them invalid (an unknown theme, an impossible date, an empty title,
# a missing file): a sequence of edits makes a record invalid and valid again.
FIELD_VALUES: dict[str, list[str | None]] = {
    "title": ["title: Uusi otsikko", "title: Puiston kunnostus – vaihe 2", "title: ''"],
    "summary": ["summary: Lyhyt kuvaus muuttui.", "summary: Toinen kuvaus, jossa on = merkki.", None],
    "start": ["start: 2024-01-01", "start: 2025-07-01", "start: 2025-06-16", "start: 2026-13-01"],
    "end": ["end: 2025-06-30", "end: 2027-12-31", "end: 2025", None],
    "theme": ["theme: asuminen", "theme: liikenne", "theme: hyvinvointi", "theme: kulttuuri", "theme: olematon"],
    "funding": [
        "funding:\n  - funder: Euroopan aluekehitysrahasto\n    amount_eur: 120000\n",
        "funding:\n  - funder: Valtiovarainministeriö\n    amount_eur: 5000.50\n    up_to: true\n",
        "funding:\n  - funder: Ministeriö\n    amount_eur: paljon\n",
        "funding:\n  - funder: Euroopan sosiaalirahasto plus\n    programme: esr-plus-2021-2027\n    code: S30999\n",
        "funding:\n  - funder: Horisontti Eurooppa\n    programme: horisontti-eurooppa\n    code: '101099999'\n"
        "  - funder: EAKR\n    programme: eakr-2014-2020\n",
        "funding:\n  - funder: Interreg\n    programme: olematon-ohjelma\n",
        None,
    ],
    # EU-funded projects must state their aims (Article 50); results and indicators are shown too.
    "aims": ["aims: Tavoitteena on parantaa työllisyyttä.", "aims: |\n  Tavoitteet:\n\n  - yksi\n  - kaksi\n", None],
    "results": ["results: Hanke työllisti 40 henkilöä.", None],
    "indicators": [
        "indicators:\n  - name: Työllistyneet\n    unit: henkilöä\n    target: '40'\n    actual: '12'\n",
        "indicators:\n  - name: Koulutetut\n",
        None,
    ],
    "contacts": [
        "contacts:\n  - name: Matti Virtanen\n    role: projektipäällikkö\n    email: matti.virtanen@example.fi\n",
        "contacts:\n  - name: Anna Svensson\n    phone: 03 765 4321\n",
        "contacts:\n  - name: Ei Sähköpostia\n    email: ei-osoite\n",
        None,
    ],
    "documents": [
        "documents:\n  - title: Loppuraportti\n    url: /tiedostot/raportti.pdf\n",
        "documents:\n  - title: Suunnitelma\n    url: https://example.fi/suunnitelma.pdf\n    size: 2 Mt\n",
        "documents:\n  - title: Puuttuva\n    url: /tiedostot/puuttuu.pdf\n",
        None,
    ],
    "image": [
        "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto kesällä\n",
        "image:\n  src: /kuvat/logo.png\n  alt: Hankkeen logo\n",
        "image:\n  src: kuvat/kuva.jpg\n  alt: Asukkaat istuttavat puita\n",
        None,
    ],
}

BODIES = [
    "Hankkeessa kokeillaan uutta.\n",
    "Hankkeessa kokeillaan uutta.\n\n## Tavoitteet\n\n- Ensimmäinen\n- Toinen\n",
    "Kuvia hankkeesta.\n\n![Puisto kesällä](/kuvat/puisto.jpg)\n",
    "Kuvia hankkeesta.\n\n![Asukkaat talkoissa](kuvat/kuva.jpg)\n\n![Logo](/kuvat/logo.png)\n",
    "Kuva ilman vaihtoehtoista tekstiä: ![](/kuvat/puisto.jpg)\n",
    "",
]


@dataclass(frozen=True)
class SetField:
    record: int
    key: str
    block: str | None

    def apply(self, site: SiteState) -> None:
        file = _record(site.root, self.record)
        if file is not None:
            file.write_text(set_key(file.read_text(encoding="utf-8"), self.key, self.block), encoding="utf-8")

    def __str__(self) -> str:
        what = "remove" if self.block is None else f"set {self.block.strip()!r}"
        return f"record #{self.record}: {what} ({self.key})"


@dataclass(frozen=True)
class SetBody:
    record: int
    body: str

    def apply(self, site: SiteState) -> None:
        file = _record(site.root, self.record)
        if file is not None:
            front, _ = _split(file.read_text(encoding="utf-8"))
            file.write_text("---\n" + "\n".join(front) + "\n---\n" + self.body, encoding="utf-8")

    def __str__(self) -> str:
        return f"record #{self.record}: body {self.body!r}"


TRANSLATIONS = {
    "sv": ["---\ntitle: Svensk titel\nsummary: En kort beskrivning.\n---\nBrödtext på svenska.\n",
           "---\ntitle: Annan svensk titel\n---\n", "---\ntitle: ''\n---\n"],
    "en": ["---\ntitle: English title\nsummary: A short summary.\n---\nBody in English.\n",
           "---\ntitle: Another English title\n---\n"],
}


@dataclass(frozen=True)
class SetTranslation:
    record: int
    lang: str
    text: str | None

    def apply(self, site: SiteState) -> None:
        file = _record(site.root, self.record)
        if file is None:
            return
        target = file.with_name(f"{file.stem}.{self.lang}.md")
        if self.text is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(self.text, encoding="utf-8")

    def __str__(self) -> str:
        what = "remove" if self.text is None else f"write {self.text!r}"
        return f"record #{self.record}: {self.lang} translation: {what}"


# Where a reader-visible text sits in site.yaml; an index past the end of a list is skipped.
SITE_TEXTS: list[tuple[Any, ...]] = [
    ("title",), ("organisation",), ("intro",), ("themes", 0, "name"), ("themes", 1, "name"), ("themes", 0, "intro"),
    ("accessibility", "feedback_handler"), ("documents", 0, "title"),
    ("programmes", 0, "name"), ("programmes", 1, "fund"), ("brand", "logo_alt"),
]


@dataclass(frozen=True)
class SetSiteText:
    where: tuple[Any, ...]
    lang: str
    text: str

    def apply(self, site: SiteState) -> None:
        data = _load_site(site.root)
        node: Any = data
        for step in self.where[:-1]:
            if isinstance(step, int):
                if not isinstance(node, list) or step >= len(node):
                    return
            elif not isinstance(node, dict) or step not in node:
                return
            node = node[step]
        if not isinstance(node, dict):
            return
        key = self.where[-1]
        main = (data.get("languages") or [data.get("language", "fi")])[0]
        current = node.get(key)
        if isinstance(current, dict):
            current[self.lang] = self.text
        elif self.lang == main or current is None:
            node[key] = {self.lang: self.text} if self.lang != main else self.text
        else:
            node[key] = {main: current, self.lang: self.text}
        _dump_site(site.root, data)

    def __str__(self) -> str:
        return f"site.yaml {'/'.join(map(str, self.where))} [{self.lang}] = {self.text!r}"


@dataclass(frozen=True)
class SetLanguages:
    languages: tuple[str, ...]

    def apply(self, site: SiteState) -> None:
        data = _load_site(site.root)
        data["languages"] = list(self.languages)
        _dump_site(site.root, data)

    def __str__(self) -> str:
        return f"site.yaml languages = {list(self.languages)}"


NEW_THEME = {"id": "kulttuuri", "name": {"fi": "Kulttuuri", "sv": "Kultur", "en": "Culture"}}


@dataclass(frozen=True)
class ChangeThemes:
    how: str  # add, remove_last, reverse

    def apply(self, site: SiteState) -> None:
        data = _load_site(site.root)
        themes = data.get("themes") or []
        if self.how == "add" and not any(t.get("id") == NEW_THEME["id"] for t in themes):
            themes.append(dict(NEW_THEME))
        elif self.how == "remove_last" and len(themes) > 1:
            themes.pop()
        elif self.how == "reverse":
            themes.reverse()
        data["themes"] = themes
        _dump_site(site.root, data)

    def __str__(self) -> str:
        return f"site.yaml themes: {self.how}"


def _image_target(root: Path, where: str, record: int) -> Path | None:
    if where == "record":
        file = _record(root, record)
        return None if file is None else root / PROJECTS / file.stem / "kuvat" / "kuva.jpg"
    return root / "static" / "kuvat" / where


@dataclass(frozen=True)
class PutImage:
    where: str  # puisto.jpg or logo.png under static/kuvat/, or "record": kuvat/kuva.jpg in a record's folder
    record: int
    variant: str  # small, large, png, remove

    def apply(self, site: SiteState) -> None:
        target = _image_target(site.root, self.where, self.record)
        if target is None:
            return
        if self.variant == "remove":
            target.unlink(missing_ok=True)
        elif self.variant == "png" or target.suffix == ".png":
            # Under a .jpg name too, as happens: the file's content says what it is.
            png_with_alpha(target, (600, 400) if self.variant != "large" else (800, 500))
        else:
            jpeg_with_gps(target, (1200, 900) if self.variant == "small" else (2000, 1500))

    def __str__(self) -> str:
        place = f"record #{self.record} folder kuvat/kuva.jpg" if self.where == "record" else \
            f"static/kuvat/{self.where}"
        return f"image {place}: {self.variant}"


@dataclass(frozen=True)
class PutPdf:
    variant: str  # tagged, untagged, remove

    def apply(self, site: SiteState) -> None:
        target = site.root / "static" / "tiedostot" / "raportti.pdf"
        if self.variant == "remove":
            target.unlink(missing_ok=True)
        else:
            pdf(target, tagged=self.variant == "tagged", title=f"Raportti ({self.variant})")

    def __str__(self) -> str:
        return f"static/tiedostot/raportti.pdf: {self.variant}"


# Files a site may override or add beside the theme's, and a change that shows on every page that uses them.
OVERRIDES = {
    "templates/partials/project_meta.html": "<p>Paikallinen muutos {n}</p>\n",
    "templates/partials/project_card.html": "<span>kortti {n}</span>\n",
    "templates/index.html": "{{# paikallinen {n} #}}\n",
    "static/assets/style.css": "/* paikallinen {n} */\n",
    "static/assets/favicon.svg": "<!-- {n} -->\n",
    "static/oma/ohje.txt": "",
}


@dataclass(frozen=True)
class Override:
    path: str
    version: int  # 0 removes the site's own file

    def apply(self, site: SiteState) -> None:
        target = site.root / self.path
        if self.version == 0:
            target.unlink(missing_ok=True)
            return
        source = THEME / self.path
        base = source.read_text(encoding="utf-8") if source.is_file() else "Oma tiedosto.\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(base + OVERRIDES[self.path].format(n=self.version), encoding="utf-8")

    def __str__(self) -> str:
        what = "remove the site's own" if self.version == 0 else f"override, version {self.version}"
        return f"{self.path}: {what}"


@dataclass(frozen=True)
class Rename:
    record: int
    slug: str

    def apply(self, site: SiteState) -> None:
        file = _record(site.root, self.record)
        if file is not None and not (file.parent / f"{self.slug}.md").exists():
            file.rename(file.parent / f"{self.slug}.md")

    def __str__(self) -> str:
        return f"record #{self.record}: rename to {self.slug}.md"


@dataclass(frozen=True)
class Remove:
    record: int

    def apply(self, site: SiteState) -> None:
        file = _record(site.root, self.record)
        if file is not None and len(main_records(site.root)) > 1:
            file.unlink()

    def __str__(self) -> str:
        return f"record #{self.record}: remove"


@dataclass(frozen=True)
class AsOf:
    day: date

    def apply(self, site: SiteState) -> None:
        site.as_of = self.day

    def __str__(self) -> str:
        return f"--as-of {self.day}"


@dataclass(frozen=True)
class Commit:
    day: date

    def apply(self, site: SiteState) -> None:
        commit(site.root, self.day)

    def __str__(self) -> str:
        return f"git commit dated {self.day}"


BRANDS: dict[str, dict[str, Any] | None] = {
    "green": {"colour": "#0a5f38", "header_colour": "#0a5f38"},
    # Too little contrast against white: an error at its line, then fixed by the next brand edit.
    "pale": {"colour": "#88cc88"},
    "logo": {"logo": "/kuvat/logo.png", "logo_alt": {"fi": "Esimerkkikaupunki", "sv": "Exempelstad"},
             "header_colour": "#003366"},
    "none": None,
}


@dataclass(frozen=True)
class SetBrand:
    """The organisation's look (`brand:`): colours that end in the stylesheet, a logo in the header."""

    brand: str

    def apply(self, site: SiteState) -> None:
        data = _load_site(site.root)
        value = BRANDS[self.brand]
        if value is None:
            data.pop("brand", None)
        else:
            data["brand"] = value
        _dump_site(site.root, data)

    def __str__(self) -> str:
        return f"site.yaml brand = {self.brand}"


@dataclass(frozen=True)
class SetProgramme:
    """A funding programme's rules or statement changed in `site.yaml` (every page naming it changes)."""

    index: int
    statement: str | None

    def apply(self, site: SiteState) -> None:
        data = _load_site(site.root)
        programmes = data.get("programmes") or []
        if not programmes:
            return
        programme = programmes[self.index % len(programmes)]
        if programme.get("rules") not in ("eu-2021-2027", "eu-direct"):
            return
        if self.statement is None:
            programme.pop("statement", None)
        else:
            programme["statement"] = self.statement
        _dump_site(site.root, data)

    def __str__(self) -> str:
        return f"site.yaml programmes[{self.index}].statement = {self.statement}"


@dataclass(frozen=True)
class Touch:
    which: str  # record, site.yaml, pdf, style

    record: int = 0
    seconds: int = field(default=5)

    def apply(self, site: SiteState) -> None:
        target = {
            "record": _record(site.root, self.record),
            "site.yaml": site.root / "site.yaml",
            "pdf": site.root / "static" / "tiedostot" / "raportti.pdf",
            "style": site.root / "static" / "assets" / "style.css",
        }[self.which]
        if target is not None and target.is_file():
            st_ = target.stat()
            os.utime(target, ns=(st_.st_atime_ns, st_.st_mtime_ns + self.seconds * 1_000_000_000))

    def __str__(self) -> str:
        return f"touch {self.which}" + (f" #{self.record}" if self.which == "record" else "") + \
            f" (+{self.seconds} s, same bytes)"


Edit = (SetField | SetBody | SetTranslation | SetSiteText | SetLanguages | ChangeThemes | PutImage | PutPdf
        | Override | Rename | Remove | AsOf | Commit | Touch | SetBrand | SetProgramme)

RECORD = st.integers(0, 7)
DAYS = st.sampled_from([date(2025, 3, 1), date(2025, 6, 15), date(2025, 6, 16), date(2025, 9, 2), date(2026, 2, 1)])
LANGS = st.sampled_from(["fi", "sv", "en"])
WORDS = st.sampled_from(["Uusi nimi", "Nytt namn", "New name", "Ändrad text", "Toinen teksti", "Kolmas"])


def _field() -> st.SearchStrategy[SetField]:
    return st.sampled_from(sorted(FIELD_VALUES)).flatmap(
        lambda key: st.builds(SetField, RECORD, st.just(key), st.sampled_from(FIELD_VALUES[key])))


def edits() -> st.SearchStrategy[Any]:
    """One edit of any kind. Record fields, media and site texts come up most, as in an editor's day."""
    return st.one_of(
        _field(),
        st.builds(SetBody, RECORD, st.sampled_from(BODIES)),
        st.sampled_from(sorted(TRANSLATIONS)).flatmap(lambda lang: st.builds(
            SetTranslation, RECORD, st.just(lang), st.sampled_from([*TRANSLATIONS[lang], None]))),
        st.builds(SetSiteText, st.sampled_from(SITE_TEXTS), LANGS, WORDS),
        st.builds(SetLanguages, st.sampled_from([("fi", "sv", "en"), ("fi", "sv"), ("fi", "en", "sv"), ("fi",)])),
        st.builds(ChangeThemes, st.sampled_from(["add", "remove_last", "reverse"])),
        st.builds(PutImage, st.sampled_from(["puisto.jpg", "logo.png", "record"]), RECORD,
                  st.sampled_from(["small", "large", "png", "remove"])),
        st.builds(PutPdf, st.sampled_from(["tagged", "untagged", "remove"])),
        st.builds(Override, st.sampled_from(sorted(OVERRIDES)), st.integers(0, 2)),
        st.builds(Rename, RECORD, st.sampled_from(["uusi-nimi", "toinen"])),
        st.builds(Remove, RECORD),
        st.builds(AsOf, DAYS),
        st.builds(Commit, DAYS),
        st.builds(Touch, st.sampled_from(["record", "site.yaml", "pdf", "style"]), RECORD),
        st.builds(SetBrand, st.sampled_from(sorted(BRANDS))),
        st.builds(SetProgramme, st.integers(0, 2), st.sampled_from(["funded", "co-funded", None])),
    )
