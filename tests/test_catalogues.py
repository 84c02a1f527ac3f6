"""The message catalogues are complete, consistent and as `make catalogues` leaves them.

Every id the code uses is extracted into `projcat/locale/projcat.pot`; every
language has a text for every id, with the same `{placeholders}` as the
Finnish one; no catalogue keeps an id the code no longer uses; and the
committed template and `.mo` files are what extracting and compiling give
now. Each check is a function returning what is wrong, run on the real files
(nothing) and on a broken copy (the break), so a check cannot pass by
checking nothing.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from conftest import FIXTURE_SITE, REPO, copy_site, run_cli
from projcat.languages import LANGUAGES
from projcat.preview.errorpage import error_page
from projcat.problems import Problem
from projcat.strings import LOCALE_DIR, Strings, message

TEMPLATE = "projcat.pot"
# The placeholders of a text: `{name}` (a lone `{`, as in the field guide's list of characters, is text).
_FIELD = re.compile(r"\{([A-Za-z_]\w*)(?:[!:][^{}]*)?\}")
# Texts whose placeholders differ from the Finnish on purpose: the English names the
# parser's detail, which the Finnish (written for editors) leaves out.
KNOWN_DIFFERENCES = {("en", "yaml.syntax")}
# As the Makefile's `catalogues` target runs it.
EXTRACT = ["extract", "-F", "babel.cfg", "--no-location", "--sort-output", "--project=projcat", "--version=1",
           "--header-comment=# The message ids of projcat; made by 'make catalogues', not by hand."]


def _po(locale: Path, lang: str) -> Path:
    return locale / lang / "LC_MESSAGES" / "projcat.po"


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _ids(catalogue: Catalog) -> set[str]:
    return {str(m.id) for m in catalogue if m.id}


def incomplete(locale: Path) -> list[str]:
    """Every (language, id) of the template without a usable text."""
    wanted = sorted(_ids(_read(locale / TEMPLATE)))
    wrong = []
    for lang in LANGUAGES:
        catalogue = _read(_po(locale, lang))
        for msgid in wanted:
            found = catalogue.get(msgid)
            if found is None or not found.string or found.fuzzy:
                wrong.append(f"{lang}: {msgid}")
    return wrong


def placeholder_mismatches(locale: Path) -> list[str]:
    finnish = {str(m.id): str(m.string) for m in _read(_po(locale, "fi")) if m.id}
    wrong = []
    for lang in LANGUAGES:
        for entry in _read(_po(locale, lang)):
            if not entry.id or not entry.string or str(entry.id) not in finnish \
                    or (lang, entry.id) in KNOWN_DIFFERENCES:
                continue
            if set(_FIELD.findall(str(entry.string))) != set(_FIELD.findall(finnish[str(entry.id)])):
                wrong.append(f"{lang}: {entry.id}")
    return wrong


def obsolete(locale: Path) -> list[str]:
    """Ids a catalogue holds that the template does not, and entries kept as obsolete (`#~`)."""
    wanted = _ids(_read(locale / TEMPLATE))
    wrong = []
    for lang in LANGUAGES:
        catalogue = _read(_po(locale, lang))
        wrong += [f"{lang}: {msgid}" for msgid in sorted(_ids(catalogue) - wanted)]
        wrong += [f"{lang}: #~ {msgid}" for msgid in sorted(catalogue.obsolete)]
    return wrong


def _mo_entries(data: bytes) -> dict[str, str]:
    """A compiled catalogue's texts; the header without the line naming the Babel version."""
    entries = {str(m.id): str(m.string) for m in read_mo(io.BytesIO(data))}
    entries[""] = "".join(line for line in entries.get("", "").splitlines(keepends=True)
                          if not line.startswith("Generated-By:"))
    return entries


def stale_mo(locale: Path) -> list[str]:
    """The languages whose committed `.mo` is not what compiling their `.po` gives now."""
    wrong = []
    for lang in LANGUAGES:
        compiled = io.BytesIO()
        write_mo(compiled, _read(_po(locale, lang)))
        committed = _po(locale, lang).with_suffix(".mo")
        if not committed.is_file() or _mo_entries(committed.read_bytes()) != _mo_entries(compiled.getvalue()):
            wrong.append(lang)
    return wrong


def _without_date(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*"$', "", text, flags=re.MULTILINE)


def stale_template(committed: Path, extracted: Path) -> bool:
    return not committed.is_file() or _without_date(committed.read_text(encoding="utf-8")) != _without_date(
        extracted.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as extraction makes it from the code now."""
    out = tmp_path_factory.mktemp("pot") / TEMPLATE
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "scripts"), str(REPO)])}
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", *EXTRACT,
                    "-o", str(out), "."], cwd=REPO, env=env, check=True)
    return out


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the catalogues to break."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def _edit(path: Path, change: dict[str, str | None]) -> None:
    """Set (or, with None, drop) the texts of `change` in the catalogue at `path`."""
    catalogue = _read(path)
    for msgid, text in change.items():
        if text is None:
            del catalogue[msgid]
        else:
            catalogue[msgid].string = text
    with path.open("wb") as file:
        write_po(file, catalogue)


def test_every_id_has_a_text_in_every_language(broken: Path) -> None:
    assert incomplete(LOCALE_DIR) == []
    _edit(_po(broken, "sv"), {"nav.home": "", "nav.search": None})
    fuzzy = _read(_po(broken, "en"))
    fuzzy["nav.label"].flags.add("fuzzy")
    with _po(broken, "en").open("wb") as file:
        write_po(file, fuzzy)
    assert incomplete(broken) == ["sv: nav.home", "sv: nav.search", "en: nav.label"]


def test_every_text_has_the_finnish_placeholders(broken: Path) -> None:
    assert placeholder_mismatches(LOCALE_DIR) == []
    _edit(_po(broken, "sv"), {"summary.ok": "Allt i ordning: {record} projekt kontrollerade."})
    _edit(_po(broken, "en"), {"footer.generated": "Information updated."})
    assert placeholder_mismatches(broken) == ["sv: summary.ok", "en: footer.generated"]


def test_no_catalogue_keeps_an_id_the_code_does_not_use(broken: Path) -> None:
    assert obsolete(LOCALE_DIR) == []
    catalogue = _read(_po(broken, "fi"))
    catalogue.add("nav.gone", "Poistunut")
    with _po(broken, "fi").open("wb") as file:
        write_po(file, catalogue)
    assert obsolete(broken) == ["fi: nav.gone"]


def test_the_compiled_catalogues_are_up_to_date(broken: Path) -> None:
    assert stale_mo(LOCALE_DIR) == []
    _edit(_po(broken, "sv"), {"nav.home": "Hem"})
    assert stale_mo(broken) == ["sv"]


def test_the_template_is_what_extraction_gives_now(extracted: Path, tmp_path: Path) -> None:
    assert not stale_template(LOCALE_DIR / TEMPLATE, extracted)
    template = _read(LOCALE_DIR / TEMPLATE)
    del template["nav.home"]
    broken = tmp_path / TEMPLATE
    with broken.open("wb") as file:
        write_po(file, template, sort_output=True, omit_header=False)
    assert stale_template(broken, extracted)


def test_extraction_finds_the_ids_composed_at_run_time(extracted: Path) -> None:
    ids = _ids(_read(extracted))
    for composed in ("status.ongoing", "next_change.ends.many", "field.missing.hint", "kind.list",
                     "example.funding.amount_eur", "doc.funding.amount_eur", "guide.kind.date",
                     "statement.compliance.partial", "feed.category.started", "error.page_title", "nav.home"):
        assert composed in ids, composed


def test_a_missing_text_falls_back_to_english_and_an_unknown_id_is_refused() -> None:
    assert message("fi", "nav.home", {}) == "Etusivu"
    assert message("sv", "nav.home", {}) == "Startsida"
    assert message("de", "nav.home", {}) == "Home"
    assert Strings("sv")("summary.ok", records=3) == "Allt i ordning: 3 projekt kontrollerade."
    assert message("sv", "no.such.id", {}, default="") == ""
    with pytest.raises(KeyError):
        message("sv", "no.such.id", {})


def test_check_speaks_swedish(tmp_path: Path) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    record = next(iter(sorted((site / "content" / "projects").glob("*.md"))))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("---\n", "---\nstatus: klar\n", 1), encoding="utf-8")
    result = run_cli("check", "--lang", "sv", "--root", str(site))
    assert result.returncode == 1
    rel = record.relative_to(site).as_posix()
    assert (f"{rel}:2:9: fel: status: statusen 'klar' är inte giltig; det enda tillåtna värdet är 'ended'"
            " - lämna bort fältet, så härleds statusen ur datumen") in result.stderr.splitlines()
    assert "1 problem i 1 fil: 1 fel, 0 varningar." in result.stderr.splitlines()


def test_the_preview_error_page_speaks_the_site_language() -> None:
    problem = Problem.make("content/projects/a.md", "field.missing", line=1, col=1, field="title", name="title")
    page = error_page([problem], "sv")
    assert '<html lang="sv">' in page
    assert "<title>Fel – förhandsvisning</title>" in page
    assert "<h1>Innehållet har fel</h1>" in page
    assert "ett obligatoriskt fält saknas - lägg till fältet &#39;title&#39;" in page
