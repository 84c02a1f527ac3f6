"""The problems the generator must catch, each at its file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from projcat.engine import pipeline


def _problems(site: Path) -> list[str]:
    result = pipeline.check(site)
    return [p.format("fi") for p in result.problems if p.is_error]


def _write(site: Path, name: str, text: str) -> None:
    (site / "content" / "projects" / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ei etutietoja.\n", "content/projects/x.md:1:1: virhe: tiedostosta puuttuvat etutiedot"),
        ("---\ntitle: X\n", "content/projects/x.md:3:1: virhe: etutietojen päättävä '---'-rivi puuttuu"),
        ("---\ntheme: asuminen\n---\n", "content/projects/x.md:2:1: virhe: title: pakollinen kenttä puuttuu"),
        ("---\ntitle: X\ntitel: Y\n---\n",
         "content/projects/x.md:3:1: virhe: titel: tuntematon kenttä 'titel' - tarkoititko 'title'?"),
        ("---\ntitle:\n  - X\n---\n",
         "content/projects/x.md:3:3: virhe: title: kentän pitäisi olla tekstiä, mutta se on lista"),
        ("---\ntitle: X\npartners: Y\n---\n",
         "content/projects/x.md:3:11: virhe: partners: kentän pitäisi olla lista, mutta se on tekstiä"),
        ("---\ntitle: X\nend: 2021-11-31\n---\n",
         "content/projects/x.md:3:6: virhe: end: päivämäärää 2021-11-31 ei ole olemassa"),
        ("---\ntitle: X\nstart: 2022\nend: 2021-06\n---\n",
         "content/projects/x.md:4:6: virhe: end: päättymispäivä 2021-06 on ennen alkamispäivää 2022"),
        ("---\ntitle: X\ntheme: asumnen\n---\n",
         "content/projects/x.md:3:8: virhe: theme: teemaa 'asumnen' ei ole tiedostossa site.yaml"
         " - tarkoititko 'asuminen'?"),
        ("---\ntitle: X\ncontacts:\n  - name: A\n    email: a.b(at)example.fi\n---\n",
         "content/projects/x.md:5:12: virhe: contacts[0].email: sähköpostiosoite on kirjoitettu peitettynä"
         " ('a.b(at)example.fi') - kirjoita oikea osoite @-merkillä, esim. a.b@example.fi"),
        ("---\ntitle: X\ncontacts:\n  - name: A\n    email: a.b@example\n---\n",
         "content/projects/x.md:5:12: virhe: contacts[0].email: sähköpostiosoite 'a.b@example' ei kelpaa"),
        ("---\ntitle: X\n: Y\n---\n", "content/projects/x.md:3:"),
    ],
)
def test_each_problem_is_named_at_its_line(fixture_site: Path, text: str, expected: str) -> None:
    _write(fixture_site, "x.md", text)
    problems = _problems(fixture_site)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_in_every_file_is_reported_at_once(fixture_site: Path) -> None:
    _write(fixture_site, "yksi.md", "---\ntitle: X\nend: 2021-11-31\ntheme: ei-ole\n---\n")
    _write(fixture_site, "kaksi.md", "---\ntitel: Y\n---\n")
    problems = _problems(fixture_site)
    assert len([p for p in problems if "yksi.md" in p]) == 2
    # One mistake, one message: the misspelt key's hint already names the missing title.
    assert [p for p in problems if "kaksi.md" in p] == [
        "content/projects/kaksi.md:2:1: virhe: titel: tuntematon kenttä 'titel' - tarkoititko 'title'?"
    ]


def test_two_records_with_the_same_slug(fixture_site: Path) -> None:
    sub = fixture_site / "content" / "projects" / "vanhat"
    sub.mkdir()
    (sub / "beeta.md").write_text("---\ntitle: Toinen beeta\n---\n")
    problems = _problems(fixture_site)
    assert any("vanhat/beeta.md:1:1: virhe: tunniste 'beeta' on jo käytössä tiedostossa content/projects/beeta.md" in p
               for p in problems), problems
