"""`build.py new` on each of its paths: `--slug`, questions in a terminal, no title without one,
a theme that does not exist. (Title and theme on the command line: see test_cli.py.)"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import yaml

from conftest import REPO, run_cli
from media_files import jpeg_with_gps
from projcat.content.load import split_front_matter
from projcat.content.records import Project


class Terminal:
    """`build.py` with a pseudo-terminal for its standard input and output, as an editor runs it."""

    def __init__(self, *args: str) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), *args],
            stdin=slave, stdout=slave, stderr=slave, close_fds=True,
        )
        os.close(slave)
        self.output = ""

    def read_until(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            left = deadline - time.monotonic()
            assert left > 0, f"waited for {text!r}, the terminal shows:\n{self.output}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the other end closed: the program ended
                    chunk = b""
                assert chunk, f"the program ended before {text!r}:\n{self.output}"
                self.output += chunk.decode("utf-8", errors="replace")

    def answer(self, question: str, reply: str) -> None:
        self.read_until(question)
        # Only what comes after this question counts for the next one.
        self.output = self.output[self.output.index(question) + len(question):]
        os.write(self.master, reply.encode("utf-8") + b"\n")

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        """The exit status and all the terminal showed after the last answer."""
        try:
            code = self.process.wait(timeout)
            while select.select([self.master], [], [], 0.2)[0]:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                self.output += chunk.decode("utf-8", errors="replace")
            return code, self.output
        finally:
            self.process.kill()
            os.close(self.master)


def _front(record: Path) -> object:
    """The fields a record's front matter sets (its comments are not fields)."""
    parts = split_front_matter(record.read_text(encoding="utf-8"), record.name)
    assert not isinstance(parts, list), parts
    return yaml.safe_load(parts[0])


def _records(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "content" / "projects").glob("*.md"))}


def test_questions_in_a_terminal_write_a_record_that_checks(fixture_site: Path) -> None:
    terminal = Terminal("new", "--root", str(fixture_site))
    terminal.answer("Hankkeen nimi: ", "")  # an empty title is asked again
    terminal.answer("Hankkeen nimi: ", "Kysytty hanke")
    terminal.answer("Teema (asuminen, hyvinvointi, ilmasto, tyhjä = ei teemaa): ", "hyvinvointi")
    terminal.answer("Tiedoston nimi (tunniste) [kysytty-hanke]: ", "")  # the suggestion is taken
    code, shown = terminal.finish()
    assert code == 0, shown
    created = fixture_site / "content" / "projects" / "kysytty-hanke.md"
    assert "Luotiin " in shown and "kysytty-hanke.md" in shown, shown
    assert _front(created) == {"title": "Kysytty hanke", "theme": "hyvinvointi"}
    checked = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert checked.returncode == 0, checked.stderr
    assert "Kaikki kunnossa: 8 hanketta" in checked.stdout


def test_a_theme_answered_in_a_terminal_must_exist(fixture_site: Path) -> None:
    before = _records(fixture_site)
    terminal = Terminal("new", "--root", str(fixture_site))
    terminal.answer("Hankkeen nimi: ", "Kysytty hanke")
    terminal.answer("tyhjä = ei teemaa): ", "asumin")
    code, shown = terminal.finish()
    assert code == 2, shown
    assert "Teemaa 'asumin' ei ole; teemat: asuminen, hyvinvointi, ilmasto." in shown
    assert _records(fixture_site) == before


def test_without_a_terminal_the_title_is_required(fixture_site: Path) -> None:
    before = _records(fixture_site)
    result = run_cli("new", "--root", str(fixture_site), "--theme", "ilmasto", stdin="")
    assert result.returncode == 2
    assert result.stderr == "build.py new: anna hankkeen nimi valitsimella --title\n"
    assert result.stdout == ""
    assert _records(fixture_site) == before


def test_an_invalid_slug_is_refused_in_words(fixture_site: Path) -> None:
    before = _records(fixture_site)
    for slug in ("Iso_Kirjain", "kaksi--viivaa", "-alussa", "ääkköset"):
        result = run_cli("new", "--root", str(fixture_site), "--title", "Hanke", f"--slug={slug}", stdin="")
        assert result.returncode == 2, slug
        assert result.stderr == (f"Tunniste '{slug}' ei kelpaa: käytä pieniä kirjaimia a-z, numeroita ja"
                                 " yksittäisiä väliviivoja.\n")
    english = run_cli("new", "--root", str(fixture_site), "--title", "Hanke", "--slug", "Bad", "--lang", "en",
                      stdin="")
    assert english.returncode == 2
    assert english.stderr == "Slug 'Bad' is not valid: use lowercase a-z, digits and single hyphens.\n"
    assert _records(fixture_site) == before


def test_a_slug_of_an_existing_record_is_refused_and_the_record_kept(fixture_site: Path) -> None:
    before = _records(fixture_site)
    result = run_cli("new", "--root", str(fixture_site), "--title", "Toinen alfa", "--slug", "alfa", stdin="")
    assert result.returncode == 2
    existing = fixture_site / "content" / "projects" / "alfa.md"
    assert result.stderr == f"Tiedosto {existing} on jo olemassa; valitse toinen tunniste.\n"
    assert _records(fixture_site) == before


def test_a_chosen_slug_names_the_file(fixture_site: Path) -> None:
    result = run_cli("new", "--root", str(fixture_site), "--title", "Pitkä nimi", "--theme", "ilmasto",
                     "--slug", "lyhyt", stdin="")
    assert result.returncode == 0, result.stderr
    assert _front(fixture_site / "content" / "projects" / "lyhyt.md") == {"title": "Pitkä nimi", "theme": "ilmasto"}
    assert not (fixture_site / "content" / "projects" / "pitka-nimi.md").exists()
    checked = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert checked.returncode == 0, checked.stderr


def _uncommented(text: str) -> str:
    """The record with every commented-out field taken into use, as an editor removes the `# `:
    field lines, list items and the explanations inside a field (which stay YAML comments)."""
    field = re.compile(r"^# (\s*(- )?[a-z_]+:( |$)|\s+- |\s+#)")
    return "\n".join(line[2:] if field.match(line) else line for line in text.split("\n"))


def test_new_writes_every_field_explained_with_an_example(fixture_site: Path) -> None:
    result = run_cli("new", "--root", str(fixture_site), "--title", "Kaikki kentät", "--theme", "ilmasto", stdin="")
    assert result.returncode == 0, result.stderr
    record = fixture_site / "content" / "projects" / "kaikki-kentat.md"
    text = record.read_text(encoding="utf-8")
    front = text.split("\n---\n", 1)[0]
    # Every field of the model, the optional ones commented out, each under its one-line explanation.
    for name in Project.model_fields:
        written = re.search(rf"^(# )?{name}:", front, re.MULTILINE)
        assert written, name
        explanation = front[:written.start()].rstrip("\n").rsplit("\n", 1)[-1]
        assert explanation.startswith("# ") and not re.match(r"^# [a-z_]+:", explanation), (name, explanation)
        assert (written.group(1) is None) == (name in ("title", "theme")), name
    assert "# Hankkeen koko nimi." in front  # the explanations are the field guide's, in Finnish
    assert "#   alt: Asukkaat istuttavat puita puistossa" in front  # and so are the examples
    # The description's skeleton: its sections as headings, what to write as notes that are never published.
    assert "\n## Tausta\n" in text and "\n## Tavoitteet\n" in text and "<!-- " in text
    checked = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr

    # Every optional field taken into use with its example still checks clean (its image is a real file).
    record.write_text(_uncommented(text), encoding="utf-8")
    fields = _front(record)
    assert isinstance(fields, dict) and set(fields) == set(Project.model_fields)
    jpeg_with_gps(fixture_site / "content" / "projects" / "kaikki-kentat" / fields["image"]["src"])
    checked = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_new_speaks_the_editors_language(fixture_site: Path) -> None:
    result = run_cli("new", "--root", str(fixture_site), "--title", "Svenskt projekt", "--lang", "sv", stdin="")
    assert result.returncode == 0, result.stderr
    text = (fixture_site / "content" / "projects" / "svenskt-projekt.md").read_text(encoding="utf-8")
    assert "# Projektets huvudbild" in text and "\n## Bakgrund\n" in text
    assert result.stdout.startswith("Skapade ") or "svenskt-projekt.md" in result.stdout


def test_a_reserved_slug_is_refused(fixture_site: Path) -> None:
    before = _records(fixture_site)
    result = run_cli("new", "--root", str(fixture_site), "--title", "Hanke", "--slug", "con", stdin="")
    assert result.returncode == 2
    assert result.stderr.startswith("Tunniste 'con' ei kelpaa")
    assert _records(fixture_site) == before
