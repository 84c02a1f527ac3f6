"""Editors' tools from the one model: JSON Schemas, the field guide, the pre-commit hook."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from babel.messages.pofile import read_po

from conftest import FIXTURE_SITE, REPO, copy_site, run_cli
from media_files import jpeg_with_gps
from projcat.content.load import split_front_matter
from projcat.content.records import Contact, Document, Funding, Project
from projcat.content.settings import Accessibility, Paths, SiteConfig, SiteDocument, SupervisoryAuthority, Theme
from projcat.content.site_file import load_site
from projcat.editors.fieldguide import editor_files, example_front_matter, field_guide
from projcat.editors.schema import doc_key, field_kind, record_json_schema, site_json_schema
from projcat.engine import pipeline
from projcat.languages import LANGUAGES
from projcat.strings import LOCALE_DIR

MODELS = (Project, Funding, Contact, Document, SiteConfig, Theme, SiteDocument, Accessibility, SupervisoryAuthority)


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2's core schema, as the editor's YAML language server reads a file."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


def yaml12(text: str) -> Any:
    """`text` read as the editor's YAML language server reads it."""
    return yaml.load(text, Loader=Yaml12Loader)  # noqa: S506 (a SafeLoader with YAML 1.2's resolvers)


def _front_matter(file: Path) -> Any:
    parts = split_front_matter(file.read_text(encoding="utf-8"), file.name)
    assert not isinstance(parts, list), parts
    return yaml12(parts[0])


def _schema_errors(schema: dict[str, Any], data: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


def test_committed_editor_files_match_the_model() -> None:
    """schema/*.json and docs/kenttaopas.md are generated; `python build.py schema` regenerates them."""
    site, problems = load_site(Paths(REPO))
    assert site is not None, problems
    files = editor_files(site)
    assert set(files) == {"schema/hanke.schema.json", "schema/site.schema.json", "docs/kenttaopas.md"}
    for rel, text in files.items():
        assert (REPO / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run 'python build.py schema'"
    result = run_cli("schema", "--check", "--root", str(REPO))
    assert result.returncode == 0, result.stderr


def test_schema_command_writes_and_checks(tmp_path: Path) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site-src")
    assert run_cli("schema", "--check", "--root", str(site)).returncode == 1
    written = run_cli("schema", "--root", str(site))
    assert written.returncode == 0, written.stderr
    assert "Kirjoitettiin schema/hanke.schema.json." in written.stdout
    schema = (site / "schema" / "hanke.schema.json").read_text(encoding="utf-8")
    assert '"enum": [\n        "asuminen",\n        "hyvinvointi",\n        "ilmasto"\n      ]' in schema
    assert run_cli("schema", "--check", "--root", str(site)).returncode == 0
    (site / "docs" / "kenttaopas.md").write_text("käsin muokattu\n", encoding="utf-8")
    stale = run_cli("schema", "--check", "--root", str(site))
    assert stale.returncode == 1
    assert "docs/kenttaopas.md ei vastaa tietomallia; aja 'python build.py schema'." in stale.stderr


def _texts(lang: str) -> set[str]:
    """The ids `lang`'s catalogue gives a text."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "projcat.po").open("rb") as file:
        return {str(m.id) for m in read_po(file) if m.id and m.string}


def test_every_field_is_described_and_exemplified_in_every_language() -> None:
    tables = [_texts(lang) for lang in LANGUAGES]
    for model in MODELS:
        for name in model.model_fields:
            key = doc_key(model, name)
            for table in tables:
                assert f"doc.{key}" in table, (model.__name__, name)
                # A list of items or a section is exemplified by its own fields.
                if field_kind(model.model_fields[name])[0] in ("items", "section"):
                    continue
                assert f"example.{key}" in table, (model.__name__, name)


def test_shipped_and_fixture_records_satisfy_the_schema() -> None:
    for root in (REPO, FIXTURE_SITE):
        site, _ = load_site(Paths(root))
        assert site is not None
        schema = record_json_schema([t.id for t in site.themes])
        for record in sorted((root / "content" / "projects").glob("*.md")):
            assert _schema_errors(schema, _front_matter(record)) == [], record
        site_data = yaml12((root / "site.yaml").read_text(encoding="utf-8"))
        assert _schema_errors(site_json_schema(), site_data) == [], root


@pytest.mark.parametrize(
    "front_matter, complaint",
    [
        ("title: X\ntheme: resurssiviisas\n", "theme: 'resurssiviisas' is not one of"),
        ("titel: X\n", "Additional properties are not allowed ('titel' was unexpected)"),
        ("title: X\nfunding:\n  - funder: A\n    amount_eur: 153.999 €\n", "funding/0/amount_eur"),
        ("title: X\ndocuments:\n  - title: A\n    url: javascript:alert(1)\n", "documents/0/url"),
        ("title: X\nstart: 31.12.2021\n", "start: '31.12.2021' is not valid"),
        ("title: X\nstatus: päättynyt\n", "status: 'päättynyt' is not one of ['ended']"),
        ("title: X\nup_to: true\n", "'up_to' was unexpected"),
        ("title:\n", "title: None is not of type"),
        ("theme: hyvinvointi\n", "'title' is a required property"),
        ("title: X\ncontacts:\n  - name: A\n    email: a(at)b.fi\n", "contacts/0/email"),
    ],
)
def test_the_schema_flags_what_check_refuses(front_matter: str, complaint: str) -> None:
    schema = record_json_schema(["asuminen", "hyvinvointi", "resurssiviisaus"])
    errors = _schema_errors(schema, yaml12(front_matter))
    assert any(complaint in e for e in errors), errors


def test_the_schema_accepts_what_a_yaml_1_2_reader_hands_it() -> None:
    """Values this tool accepts must not be red in the editor: `2021`, `246500`, `0361234567`."""
    schema = record_json_schema(["hyvinvointi"])
    data = yaml12(
        "title: 2021\nstart: 2021\nend: 2022-05\nfunding:\n  - funder: A\n    amount_eur: 246500\n"
        "    up_to: true\ncontacts:\n  - name: A\n    phone: 0361234567\ndocuments:\n  - title: R\n"
        "    url: /tiedostot/r.pdf\n    accessible: false\n"
    )
    assert _schema_errors(schema, data) == []


def test_the_guides_example_record_checks_clean(fixture_site: Path) -> None:
    site, _ = load_site(Paths(fixture_site))
    assert site is not None
    front = example_front_matter(Project, site.language, [t.id for t in site.themes])
    (fixture_site / "content" / "projects" / "esimerkki.md").write_text(f"---\n{front}---\n\nKuvaus.\n")
    # Its image is a file in the record's own folder, as an editor would save it.
    jpeg_with_gps(fixture_site / "content" / "projects" / "esimerkki" / yaml12(front)["image"]["src"])
    result = pipeline.check(fixture_site, date(2025, 6, 15))
    assert [p.format("fi") for p in result.problems if p.path.endswith("esimerkki.md")] == []
    record = next(r for r in result.records if r.slug == "esimerkki")
    assert record.project.funding[0].amount_eur == 68850
    assert record.project.documents[0].accessible is False
    # and it satisfies the schema, the same model seen from the editor's side
    assert _schema_errors(record_json_schema([t.id for t in site.themes]),
                          yaml12(front)) == []


def test_the_guides_example_site_checks_clean(tmp_path: Path) -> None:
    root = tmp_path / "site-src"
    root.mkdir()
    front = example_front_matter(SiteConfig, "fi")
    (root / "site.yaml").write_text(front, encoding="utf-8")
    # The files its favicon and sharing image name, as the site would have them under static/.
    for key in ("favicon", "image"):
        file = root / "static" / yaml12(front)[key].lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"\x89PNG\r\n\x1a\n")
    # Its programme's logo is a file under static/, as a site would have it.
    logo = root / "static" / yaml12(front)["programmes"][0]["logo"].lstrip("/")
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 3 1"/>', encoding="utf-8")
    site, problems = load_site(Paths(root))
    assert site is not None, [p.format("fi") for p in problems]
    assert problems == []


def test_the_guide_names_every_field_with_its_kind_and_whether_required() -> None:
    site, _ = load_site(Paths(REPO))
    guide = field_guide(site, "fi")
    for model in MODELS:
        for name, info in model.model_fields.items():
            required = "kyllä" if info.is_required() else "ei"
            assert re.search(rf"^\| `{name}` \| [^|]+ \| {required} \| ", guide, re.M), (model.__name__, name)
    assert "| `title` | teksti | kyllä | Hankkeen koko nimi. | `Kerhoiloa 2021!` |" in guide
    assert "| `start` | päivämäärä: VVVV, VVVV-KK tai VVVV-KK-PP | ei |" in guide
    assert "Sivuston teemat: elinvoimainen-asumiskaupunki, hyvinvointi, resurssiviisaus." in guide


def test_pre_commit_configuration_is_valid() -> None:
    pre_commit = [sys.executable, "-m", "pre_commit"]
    assert subprocess.run([*pre_commit, "validate-config", ".pre-commit-config.yaml"], cwd=REPO).returncode == 0
    assert subprocess.run([*pre_commit, "validate-manifest", ".pre-commit-hooks.yaml"], cwd=REPO).returncode == 0


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.name=Testi", "-c", "user.email=testi@example.fi", *args],
                          cwd=repo, capture_output=True, text=True)


def test_pre_commit_hook_refuses_a_broken_record(tmp_path: Path) -> None:
    """A content repository with this project's hook: a broken record cannot be committed."""
    repo = copy_site(FIXTURE_SITE, tmp_path / "sisalto")
    for rel in ("build.py", ".pre-commit-config.yaml", "scripts/precommit-check.sh"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, repo / rel)
    # The project's environment, as `make site` leaves it.
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (repo / ".venv" / "bin" / "python").chmod(0o755)
    (repo / ".gitignore").write_text(".venv/\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    assert _git(repo, "init", "-q").returncode == 0
    assert _git(repo, "add", ".").returncode == 0
    run = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    ok = subprocess.run(run, cwd=repo, capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert _git(repo, "commit", "-q", "-m", "Sisältö").returncode == 0
    record = repo / "content" / "projects" / "beeta.md"
    record.write_text(record.read_text(encoding="utf-8").replace("end: 2021-02", "end: 2021-02-30"))
    _git(repo, "add", ".")
    failed = subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=repo, capture_output=True, text=True,
                            env=env)
    assert failed.returncode == 1
    assert "content/projects/beeta.md:5:6: virhe: end: päivämäärää 2021-02-30 ei ole olemassa" in failed.stdout
    # A commit that touches no content does not run the check at all.
    (repo / "muistio.txt").write_text("muistiinpano\n")
    _git(repo, "reset", "-q", "HEAD", "content")
    _git(repo, "checkout", "-q", "--", "content")
    _git(repo, "add", "muistio.txt")
    skipped = subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=repo, capture_output=True, text=True,
                             env=env)
    assert "(no files to check)Skipped" in skipped.stdout.replace(".", "")
