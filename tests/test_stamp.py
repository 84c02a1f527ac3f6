"""A build with nothing changed stops at the stamp: it prints the same and leaves the output as it is;
any change to what the output is made of, or to the output itself, makes it build again."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from projcat.engine import stamp

AS_OF = "2025-06-15"


def _build(site: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("build", "--root", str(site), "--out", str(out), "--as-of", AS_OF, "--no-search", *extra)
    assert result.returncode == 0, result.stderr
    return result


def _state(folder: Path) -> dict[str, tuple[str, int, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns,
                                               p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _stopped_at_stamp(site: Path, out: Path, *extra: str) -> bool:
    """Whether a build ended at the stamp: a full build always writes a new one (a new file)."""
    before = stamp.stamp_file(site).stat().st_ino
    _build(site, out, *extra)
    return stamp.stamp_file(site).stat().st_ino == before


def test_nothing_changed_prints_the_same_and_touches_nothing(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = _build(fixture_site, out)
    before = _state(out)
    second = _build(fixture_site, out)
    assert (second.stdout, second.stderr) == (first.stdout, first.stderr)
    assert second.stdout.strip()  # the summary is there, not an empty run
    assert _state(out) == before
    assert stamp.stamp_file(fixture_site).is_file()


def test_a_no_change_build_imports_nothing_heavy(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(fixture_site, out)
    probe = (
        "import sys; from projcat.cli import main; code = main(sys.argv[1:]); "
        "heavy = sorted(m for m in ('pydantic', 'jinja2', 'markdown', 'yaml', 'babel', 'nh3') if m in sys.modules); "
        "print('HEAVY', heavy); sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "build", "--root", str(fixture_site), "--out", str(out), "--as-of", AS_OF,
         "--no-search"],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout


@pytest.mark.parametrize("change", ["same-size edit", "new static file", "site.yaml", "template"])
def test_a_changed_source_builds_again(fixture_site: Path, tmp_path: Path, change: str) -> None:
    out = tmp_path / "site"
    _build(fixture_site, out)
    record = fixture_site / "content" / "projects" / "beeta.md"
    if change == "same-size edit":
        text = record.read_text(encoding="utf-8")
        changed = text.replace("Beeta", "Veeta", 1)
        assert changed != text and len(changed) == len(text)
        stat = record.stat()
        record.write_text(changed, encoding="utf-8")
        os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old modification time
    elif change == "new static file":
        (fixture_site / "static").mkdir(exist_ok=True)
        (fixture_site / "static" / "uusi.txt").write_text("uusi\n")
    elif change == "site.yaml":
        site = fixture_site / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8") + "\n# kommentti\n", encoding="utf-8")
    else:
        (fixture_site / "templates").mkdir(exist_ok=True)
        (fixture_site / "templates" / "404.html").write_text(
            '{% extends "base.html" %}{% block content %}<h1>{{ page.h1 }}</h1><p>Oma.</p>{% endblock %}\n')
    assert not _stopped_at_stamp(fixture_site, out)
    cold = tmp_path / "cold"
    _build(fixture_site, cold, "--no-cache")
    assert {k: v[0] for k, v in _state(out).items()} == {k: v[0] for k, v in _state(cold).items()}


def test_other_options_build_again(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(fixture_site, out)
    assert _stopped_at_stamp(fixture_site, out)
    assert not _stopped_at_stamp(fixture_site, out, "--base-url", "https://example.org/hankkeet/")
    assert "/hankkeet/" in (out / "index.html").read_text(encoding="utf-8")
    assert not _stopped_at_stamp(fixture_site, out)


@pytest.mark.parametrize("damage", ["edited", "removed", "added"])
def test_a_changed_output_folder_is_built_again(fixture_site: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "site"
    _build(fixture_site, out)
    before = {k: v[0] for k, v in _state(out).items()}
    page = out / "index.html"
    if damage == "edited":
        page.write_bytes(page.read_bytes().replace(b"<h1", b"<h1 data-x", 1))
    elif damage == "removed":
        page.unlink()
    else:
        (out / "vieras.html").write_text("<p>ei kuulu tänne</p>")
    assert not _stopped_at_stamp(fixture_site, out)
    assert {k: v[0] for k, v in _state(out).items()} == before


def test_a_new_git_commit_builds_again(fixture_site: Path, tmp_path: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2025-01-02T12:00:00",
           "GIT_COMMITTER_DATE": "2025-01-02T12:00:00"}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(fixture_site), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "first")
    out = tmp_path / "site"
    _build(fixture_site, out)
    assert _stopped_at_stamp(fixture_site, out)
    # An edit is built before it is committed; the commit changes no byte of the
    # sources, but the pages' dates come from it.
    record = fixture_site / "content" / "projects" / "beeta.md"
    record.write_text(record.read_text(encoding="utf-8") + "\nLisää tekstiä.\n", encoding="utf-8")
    _build(fixture_site, out)
    before = _state(out)
    env.update(GIT_AUTHOR_DATE="2025-03-04T12:00:00", GIT_COMMITTER_DATE="2025-03-04T12:00:00")
    git("commit", "-q", "-a", "-m", "second")
    assert not _stopped_at_stamp(fixture_site, out)
    assert _state(out) != before


def test_no_cache_forgets_the_stamp(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(fixture_site, out)
    assert stamp.stamp_file(fixture_site).is_file()
    _build(fixture_site, out, "--no-cache")
    assert not stamp.stamp_file(fixture_site).exists()


def test_a_damaged_stamp_means_a_full_build(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = _build(fixture_site, out)
    stamp.stamp_file(fixture_site).write_text("{not json")
    assert not _stopped_at_stamp(fixture_site, out)
    assert _build(fixture_site, out).stdout == first.stdout


def test_a_source_file_is_read_again_only_when_its_key_changed_or_is_too_recent(fixture_site: Path) -> None:
    options = {"out": "site"}
    (fixture_site / "content" / "projects" / "beeta.md").touch()  # changed just now
    first = stamp.read_inputs(fixture_site, options)
    assert first is not None and "content/projects/beeta.md" in first.files
    # A stamp that looked at the files long after they last changed: their keys are trusted.
    # Give it a wrong content digest for one file: a build that trusts the key does not read the file.
    files = {rel: list(kept) for rel, kept in first.files.items()}
    files["content/projects/beeta.md"][-1] = "0" * 64
    later = stamp.Stamp(first.digest, AS_OF, "Europe/Helsinki", {}, [], files, taken_ns=first.taken_ns + 10**12)
    trusted = stamp.read_inputs(fixture_site, options, later)
    assert trusted is not None and trusted.files["content/projects/beeta.md"][-1] == "0" * 64
    # The same stamp taken just after the file changed: it is read, its key alone is not trusted.
    racy = stamp.Stamp(first.digest, AS_OF, "Europe/Helsinki", {}, [], files, taken_ns=first.taken_ns)
    read = stamp.read_inputs(fixture_site, options, racy)
    assert read is not None and read.digest == first.digest
    # A changed file has another key, so it is read whatever the stamp says.
    record = fixture_site / "content" / "projects" / "beeta.md"
    record.write_text(record.read_text(encoding="utf-8") + "\nLisää.\n", encoding="utf-8")
    changed = stamp.read_inputs(fixture_site, options, later)
    assert changed is not None and changed.files["content/projects/beeta.md"][-1] != "0" * 64
    assert changed.digest != first.digest


def test_an_edit_long_after_the_last_build_is_still_seen(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    time.sleep(stamp.RACY_NS / 1e9 + 0.2)  # the copied files are old enough for their keys to be trusted
    _build(fixture_site, out)
    assert _stopped_at_stamp(fixture_site, out)
    record = fixture_site / "content" / "projects" / "beeta.md"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("Beeta", "Veeta", 1), encoding="utf-8")  # the same size
    assert not _stopped_at_stamp(fixture_site, out)
    assert "Veeta" in (out / "hankkeet" / "beeta" / "index.html").read_text(encoding="utf-8")
