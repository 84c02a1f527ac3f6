"""The preview's builder: every failure becomes problems an editor can act on, never a traceback."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURE_AS_OF

from projcat.preview import Builder, Built, Failed
from projcat.render import THEME_DIR


def _builder(root: Path, tmp_path: Path) -> Builder:
    out = tmp_path / "served"
    out.mkdir()
    return Builder(root, out, FIXTURE_AS_OF)


def test_a_template_mistake_names_the_template_and_its_line(fixture_site: Path, tmp_path: Path) -> None:
    templates = fixture_site / "templates"
    templates.mkdir()
    source = (THEME_DIR / "templates" / "project.html").read_text(encoding="utf-8")
    assert "{{ project.title }}</h1>" in source
    (templates / "project.html").write_text(source.replace("{{ project.title }}</h1>", "{{ project.titel }}</h1>"),
                                            encoding="utf-8")
    line = next(n for n, text in enumerate(source.split("\n"), 1) if "{{ project.title }}</h1>" in text)
    outcome = _builder(fixture_site, tmp_path).build()
    assert isinstance(outcome, Failed)
    [problem] = outcome.problems
    assert (problem.path, problem.line) == ("templates/project.html", line)
    assert "titel" in problem.format("fi") and "korjaa mallipohja" in problem.format("fi")


def test_a_static_file_in_a_pages_place_is_a_problem_and_the_last_good_site_stays(
    fixture_site: Path, tmp_path: Path
) -> None:
    builder = _builder(fixture_site, tmp_path)
    assert isinstance(builder.build(), Built)
    before = (builder.out / "index.html").read_bytes()
    (fixture_site / "static" / "index.html").write_text("<p>oma</p>", encoding="utf-8")
    outcome = builder.build()
    assert isinstance(outcome, Failed)
    assert "static/index.html" in outcome.problems[0].format("fi")
    assert (builder.out / "index.html").read_bytes() == before
    (fixture_site / "static" / "index.html").unlink()
    outcome = builder.build()
    assert isinstance(outcome, Built) and outcome.changed == ()


def test_a_missing_site_file_is_a_problem_and_fixing_it_rebuilds(fixture_site: Path, tmp_path: Path) -> None:
    builder = _builder(fixture_site, tmp_path)
    site_file = fixture_site / "site.yaml"
    text = site_file.read_text(encoding="utf-8")
    site_file.unlink()
    outcome = builder.build()
    assert isinstance(outcome, Failed) and outcome.problems[0].path == "site.yaml"
    site_file.write_text(text, encoding="utf-8")
    outcome = builder.build()
    assert isinstance(outcome, Built) and "index.html" in outcome.changed
