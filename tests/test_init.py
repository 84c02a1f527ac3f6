"""`build.py init DIR`: a new organisation's site folder, from flags and from questions in a terminal.

The folder must check and build as it is, hold every option of `site.yaml`,
invent nothing about the organisation, and carry a publishing workflow for
its host. (Its pages in a browser: test_init_browser.py.)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml
from test_new_command import Terminal

from conftest import run_cli
from projcat.content.settings import SiteConfig
from projcat.editors.init import Given, answers

FLAGS = ("--organisation", "Hämeen liitto", "--title", "Hankkeet", "--languages", "fi,sv",
         "--themes", "Asuminen, Hyvinvointi ja terveys", "--base-url", "https://example.org/hankkeet/")


def _init(folder: Path, *extra: str) -> None:
    done = run_cli("init", str(folder), *FLAGS, *extra)
    assert done.returncode == 0, done.stderr


def test_flags_make_a_site_that_checks_and_builds_as_it_is(tmp_path: Path) -> None:
    site = tmp_path / "uusi"
    _init(site, "--host", "github")
    checked = run_cli("check", "--root", str(site))
    assert checked.returncode == 0, checked.stderr
    # No error: the one warning left asks for the feedback address nobody may invent.
    assert "virhe:" not in checked.stderr and "varoitus: accessibility" in checked.stderr
    built = run_cli("build", "--root", str(site), "--no-search")
    assert built.returncode == 0, built.stderr
    statement = (site / "site" / "saavutettavuusseloste" / "index.html").read_text(encoding="utf-8")
    assert "Tämän sivuston saavutettavuutta ei ole vielä arvioitu." in statement
    # Nothing claims an assessment that was not made.
    assert "itsearvio" not in statement and "arvioinnin jälkeen" in statement
    swedish = site / "site" / "sv" / "tillganglighetsutlatande" / "index.html"
    assert "Webbplatsens tillgänglighet har ännu inte bedömts." in swedish.read_text(encoding="utf-8")


def test_with_the_feedback_address_a_new_site_checks_without_any_problem(tmp_path: Path) -> None:
    site = tmp_path / "uusi"
    _init(site, "--host", "github", "--feedback-email", "saavutettavuus@example.org")
    checked = run_cli("check", "--root", str(site))
    assert checked.returncode == 0, checked.stderr
    assert "virhe:" not in checked.stderr and "varoitus:" not in checked.stderr, checked.stderr
    data = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert data["accessibility"]["feedback_email"] == "saavutettavuus@example.org"
    built = run_cli("build", "--root", str(site), "--no-search")
    assert built.returncode == 0, built.stderr
    statement = (site / "site" / "saavutettavuusseloste" / "index.html").read_text(encoding="utf-8")
    assert "saavutettavuus@example.org" in statement


def test_it_writes_every_file_a_new_organisation_needs(tmp_path: Path) -> None:
    site = tmp_path / "uusi"
    _init(site, "--host", "github")
    for rel in ("site.yaml", ".gitignore", ".pre-commit-config.yaml", ".vscode/settings.json", "OHJE.md",
                "requirements.txt", ".github/workflows/pages.yml", "schema/site.schema.json",
                "schema/hanke.schema.json", "content/projects/esimerkkihanke.md",
                "content/projects/esimerkkihanke.sv.md"):
        assert (site / rel).is_file(), rel
    settings = yaml.safe_load((site / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./schema/site.schema.json": "site.yaml"}
    hook = yaml.safe_load((site / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hook["repos"][0]["hooks"][0]["entry"] == "projcat check"
    ignored = (site / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/site/", ".cache/"} <= set(ignored)
    example = (site / "content" / "projects" / "esimerkkihanke.md").read_text(encoding="utf-8")
    assert example.splitlines()[1].startswith("# ESIMERKKI: poista tämä tiedosto")
    assert "Ohje sivuston Hankkeet toimittajille" in (site / "OHJE.md").read_text(encoding="utf-8")


def test_site_yaml_has_every_option_and_invents_nothing(tmp_path: Path) -> None:
    site = tmp_path / "uusi"
    _init(site)
    text = (site / "site.yaml").read_text(encoding="utf-8")
    for name in SiteConfig.model_fields:
        assert re.search(rf"^(# )?{name}:", text, re.MULTILINE), f"{name} is not in site.yaml"
    data = yaml.safe_load(text)
    # Texts are mappings on a two-language site; the other language is left to fill in.
    assert data["title"] == {"fi": "Hankkeet"} and "  # sv:" in text
    assert data["organisation"] == {"fi": "Hämeen liitto"}
    assert [t["id"] for t in data["themes"]] == ["asuminen", "hyvinvointi-ja-terveys"]
    assert data["accessibility"]["compliance"] == "not-assessed"
    assert set(data["accessibility"]) == {"compliance", "prepared"}
    # Nothing about the organisation beyond the answers: no address, e-mail or phone number written out.
    assert "feedback_email" not in data["accessibility"] and "cms" not in data and "brand" not in data
    # Every optional line is commented out under a one-line explanation in the editors' language.
    assert "# Sivuston kuvake (favicon)" in text and "# favicon: " in text
    no_flags = run_cli("init", str(tmp_path / "en"), *FLAGS, "--lang", "en")
    assert no_flags.returncode == 0, no_flags.stderr
    assert "# The site's settings." in (tmp_path / "en" / "site.yaml").read_text(encoding="utf-8")


def test_a_one_language_site_has_plain_texts(tmp_path: Path) -> None:
    done = run_cli("init", str(tmp_path / "s"), "--organisation", "Kunta", "--themes", "Kaikki")
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load((tmp_path / "s" / "site.yaml").read_text(encoding="utf-8"))
    assert data["title"] == "Hankkeet" and data["organisation"] == "Kunta" and data["languages"] == ["fi"]
    assert not list((tmp_path / "s" / "content" / "projects").glob("*.*.md"))


def test_it_refuses_a_folder_that_holds_a_site_and_changes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "uusi"
    _init(site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = run_cli("init", str(site), *FLAGS, "--host", "gitlab")
    assert again.returncode == 2
    assert "on jo sivusto" in again.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_it_replaces_no_file_of_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n", encoding="utf-8")
    refused = run_cli("init", str(tmp_path), *FLAGS)
    assert refused.returncode == 2 and ".gitignore" in refused.stderr
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "site.yaml").exists()


def test_without_a_terminal_a_missing_answer_is_refused(tmp_path: Path) -> None:
    done = run_cli("init", str(tmp_path / "s"), "--themes", "A")
    assert done.returncode == 2
    assert "--organisation" in done.stderr
    assert not (tmp_path / "s").exists()


def test_a_bad_base_url_is_reported_and_nothing_written(tmp_path: Path) -> None:
    done = run_cli("init", str(tmp_path / "s"), "--organisation", "Kunta", "--themes", "A", "--base-url",
                   "https://example.org/ilman-kauttaviivaa")
    assert done.returncode == 2
    assert "base_url" in done.stderr and "Mitään ei kirjoitettu." in done.stderr
    assert not (tmp_path / "s").exists()


def test_the_github_workflow_builds_nightly_and_publishes_with_the_pages_actions(tmp_path: Path) -> None:
    _init(tmp_path / "s", "--host", "github")
    flow = yaml.safe_load((tmp_path / "s" / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    triggers = flow[True]
    assert set(triggers) == {"push", "schedule", "workflow_dispatch"}
    assert re.fullmatch(r"\d+ \d+ \* \* \*", triggers["schedule"][0]["cron"])
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = flow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    assert next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))["with"] == {
        "path": "site"}
    assert any(step.get("run") == "projcat build" for step in steps)
    deploy = flow["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages" and deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    requirements = (tmp_path / "s" / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^projcat==\d", requirements, re.MULTILINE)


def test_the_gitlab_job_publishes_public_with_the_whole_history(tmp_path: Path) -> None:
    done = run_cli("init", str(tmp_path / "s"), *FLAGS, "--host", "gitlab")
    assert done.returncode == 0 and "Pipeline schedules" in done.stdout
    assert "base_url" not in done.stdout
    relative = run_cli("init", str(tmp_path / "r"), "--organisation", "Kunta", "--themes", "A", "--host", "gitlab")
    assert "base_url" in relative.stdout
    text = (tmp_path / "s" / ".gitlab-ci.yml").read_text(encoding="utf-8")
    job = yaml.safe_load(text)["pages"]
    assert job["variables"]["GIT_DEPTH"] == 0
    assert job["artifacts"]["paths"] == ["public"]
    assert "projcat build --out public" in job["script"]
    assert "Pipeline schedules" in text
    assert not (tmp_path / "s" / ".github").exists()


def test_no_host_writes_no_workflow(tmp_path: Path) -> None:
    _init(tmp_path / "s", "--host", "none")
    assert not (tmp_path / "s" / ".github").exists() and not (tmp_path / "s" / ".gitlab-ci.yml").exists()


def test_questions_repeat_until_an_answer_is_usable() -> None:
    asked: list[str] = []
    replies = iter(["sv", "Region", "", "fi,de", "sv,fi", "Boende", "", "bitbucket", "gitlab", ""])

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(replies)

    got = answers(Given(), ask)
    assert got.lang == "sv" and got.organisation == "Region" and got.title == "Projekt"
    assert got.languages == ("sv", "fi") and got.themes == ("Boende",) and got.host == "gitlab"
    assert got.base_url == "/" and got.feedback_email is None
    assert asked[-1].startswith("E-postadress för respons om tillgänglighet")
    assert asked[1] == "Organisationens namn: "
    assert sum(p.startswith("Webbplatsens språk") for p in asked) == 2


def test_in_a_terminal_it_asks_in_the_chosen_language(tmp_path: Path) -> None:
    terminal = Terminal("init", str(tmp_path / "s"))
    terminal.answer("Language [fi/sv/en]", "en")
    terminal.answer("The organisation's name: ", "Example Region")
    terminal.answer("The site's title (Projects): ", "")
    terminal.answer("The site's languages, main first", "en,fi")
    terminal.answer("Themes, separated by commas: ", "Housing, Health")
    terminal.answer("The address the site is published at", "https://example.org/projects/")
    terminal.answer("Publishing host", "none")
    terminal.answer("E-mail address for accessibility feedback", "access@example.org")
    code, shown = terminal.finish()
    assert code == 0, shown
    assert "New site in" in shown
    data = yaml.safe_load((tmp_path / "s" / "site.yaml").read_text(encoding="utf-8"))
    assert data["title"] == {"en": "Projects"} and data["languages"] == ["en", "fi"]
    assert data["base_url"] == "https://example.org/projects/"
    assert data["accessibility"]["feedback_email"] == "access@example.org"
    assert (tmp_path / "s" / "GUIDE.md").is_file()
    assert (tmp_path / "s" / "content" / "projects" / "example-project.fi.md").is_file()


def test_the_end_of_input_in_a_terminal_stops_without_writing(tmp_path: Path) -> None:
    terminal = Terminal("init", str(tmp_path / "s"), "--lang", "fi")
    terminal.read_until("Organisaation nimi: ")
    os.write(terminal.master, b"\x04")
    code, shown = terminal.finish()
    assert code == 2 and "Mitään ei kirjoitettu." in shown
    assert not (tmp_path / "s").exists()
