"""The accessibility statement: generated from site.yaml and the documents, honest about what it claims."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURE_AS_OF, REPO, run_cli
from projcat.engine import pipeline
from projcat.problems import ContentError
from projcat.render.statement import derived_compliance


def _text(html: str) -> str:
    """The page's main content as a reader sees it: tags dropped, spaces collapsed."""
    main = html[html.index("<main"):html.index("</main>")]
    inline = re.sub(r"</?(a|time|span|strong|em)\b[^>]*>", "", main)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def _statement(root: Path, out: Path) -> str:
    pipeline.build(root, out, FIXTURE_AS_OF)
    return (out / "saavutettavuusseloste" / "index.html").read_text()


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new))


def test_shipped_statement_is_partial_and_lists_every_document_not_accessible(built_shipped: Path) -> None:
    html = (built_shipped / "saavutettavuusseloste" / "index.html").read_text()
    text = _text(html)
    assert "Tämä sivusto on osittain vaatimusten mukainen" in text
    assert "Kehittämishankkeet 2021 (PDF) Sivu: Etusivu" in text
    assert ("Kansainvälisten asiakkaiden työllistämisen mallinnus (PDF) Sivu: International talents in Kanta-Häme"
            in text)
    assert text.count("Syy: Asiakirja ei täytä saavutettavuusvaatimuksia") == 2
    assert "Tämä seloste on laadittu 27.11.2026. Seloste on tarkistettu viimeksi 27.11.2026." in text
    assert "Arvio perustuu itsearviointiin." in text
    # No address is known for the city's accessibility feedback, and none is invented.
    assert "Anna palaute tai pyydä saavutettava versio hankkeen sivulla mainitulta yhteyshenkilöltä." in text
    feedback = html[html.index('id="palaute"'):html.index("Valvontaviranomainen</h2>")]
    assert "mailto:" not in feedback and "tel:" not in feedback
    assert "Saavutettavuusvaatimusten noudattamista valvoo Lupa- ja valvontavirasto." in text
    assert '<a href="https://www.saavutettavuusvaatimukset.fi/">Valvontaviranomaisen verkkosivut</a>' in html
    assert '<a href="/hankkeet/international-talents/" lang="en">' in html


def test_shipped_check_warns_that_the_feedback_address_is_missing() -> None:
    result = run_cli("check", "--as-of", "2021-10-26")
    assert result.returncode == 0, result.stderr
    line = next(n for n, text in enumerate((REPO / "site.yaml").read_text().splitlines(), 1)
                if text.startswith("accessibility:"))
    assert (f"site.yaml:{line}:1: varoitus: accessibility: saavutettavuuspalautteen osoitetta ei ole annettu"
            in result.stdout + result.stderr)
    assert "lisää kenttä feedback_email, feedback_phone tai feedback_url" in result.stdout + result.stderr


def test_fixture_statement_uses_the_configured_facts(fixture_site: Path, tmp_path: Path) -> None:
    html = _statement(fixture_site, tmp_path / "out")
    text = _text(html)
    assert "Tämä seloste on laadittu 15.1.2025. Seloste on tarkistettu viimeksi 1.6.2025." in text
    assert "Arvio perustuu ulkopuoliseen arviointiin. Arvioija: Testilän saavutettavuustarkastajat." in text
    assert "Sähköposti: saavutettavuus@example.fi" in text
    assert "Saavutettavuuspalautteen käsittelee Testilän kaupungin viestintä." in text
    # The reason given on the record, else the default one.
    assert "Hankesuunnitelma (PDF, 738 t) Sivu: Alfa – asumisen kokeiluhanke Syy: Taulukot ovat kuvina." in text
    assert "Loppuraportti (PDF, 350 kt) Sivu: Zeta Syy: Asiakirja ei täytä saavutettavuusvaatimuksia" in text
    # Each says how to ask: the project's contact, else the site's feedback address.
    assert "Saavutettavan version voi pyytää: Maija Meikäläinen, maija.meikalainen@example.fi." in text
    assert "Saavutettavan version voi pyytää: Testilän kaupungin viestintä, saavutettavuus@example.fi." in text


def test_a_document_newly_marked_not_accessible_appears_in_the_statement(fixture_site: Path, tmp_path: Path) -> None:
    _edit(fixture_site / "content" / "projects" / "epsilon.md", "    size: 85 kt\n",
          "    size: 85 kt\n    accessible: false\n    accessibility_note: Asiakirja on skannattu kuvaksi.\n")
    text = _text(_statement(fixture_site, tmp_path / "out"))
    assert ("Kaupunkiympäristötoimialan asuntotuotantokehittämisohjelmaluonnos (DOCX, 85 kt) Sivu: Epsilon"
            in text)
    assert "Syy: Asiakirja on skannattu kuvaksi." in text


def test_claiming_full_compliance_with_documents_not_accessible_is_an_error(fixture_site: Path) -> None:
    site_yaml = fixture_site / "site.yaml"
    _edit(site_yaml, "accessibility:\n", "accessibility:\n  compliance: full\n")
    with pytest.raises(ContentError) as caught:
        pipeline.build(fixture_site, fixture_site / "site", FIXTURE_AS_OF)
    problem = next(p for p in caught.value.problems if p.code == "statement.compliance_too_high")
    line = site_yaml.read_text().splitlines().index("  compliance: full") + 1
    assert problem.format("fi") == (
        f"site.yaml:{line}:3: virhe: accessibility.compliance: sivusto on merkitty täysin vaatimusten mukaiseksi, "
        "mutta 2 asiakirjaa tai puutetta on merkitty ei-saavutettavaksi - kirjoita compliance: partial, "
        "tai tee asiakirjoista saavutettavia ja poista niiltä accessible: false"
    )
    result = run_cli("build", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not (fixture_site / "site").exists()


def test_full_compliance_when_nothing_is_marked_not_accessible(fixture_site: Path, tmp_path: Path) -> None:
    _edit(fixture_site / "site.yaml", "accessibility:\n", "accessibility:\n  compliance: full\n")
    for name in ("alfa.md", "zeta-paattynyt.md"):
        _edit(fixture_site / "content" / "projects" / name, "    accessible: false\n", "")
    text = _text(_statement(fixture_site, tmp_path / "out"))
    assert "Tämä sivusto on täysin vaatimusten mukainen" in text
    assert "Sivustolla ei ole tiedossa olevaa sisältöä, joka ei olisi saavutettavaa." in text


def test_other_shortcomings_are_listed_and_make_the_site_partial(fixture_site: Path, tmp_path: Path) -> None:
    for name in ("alfa.md", "zeta-paattynyt.md"):
        _edit(fixture_site / "content" / "projects" / name, "    accessible: false\n", "")
    _edit(fixture_site / "site.yaml", "accessibility:\n",
          "accessibility:\n  other_issues:\n    - Karttaupotteilla ei ole tekstivastinetta.\n")
    text = _text(_statement(fixture_site, tmp_path / "out"))
    assert "Tämä sivusto on osittain vaatimusten mukainen" in text
    assert "Muut puutteet Karttaupotteilla ei ole tekstivastinetta." in text


def test_a_bad_compliance_value_is_explained_at_its_line(fixture_site: Path) -> None:
    _edit(fixture_site / "site.yaml", "accessibility:\n", "accessibility:\n  compliance: osittain\n")
    result = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert result.returncode == 1
    line = (fixture_site / "site.yaml").read_text().splitlines().index("  compliance: osittain") + 1
    assert (f"site.yaml:{line}:15: virhe: accessibility.compliance: vaatimustenmukaisuus 'osittain' ei kelpaa - "
            "kirjoita jokin näistä: full, partial, none") in result.stderr + result.stdout


def test_without_statement_facts_the_page_says_what_is_missing(fixture_site: Path, tmp_path: Path) -> None:
    site_yaml = fixture_site / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().split("accessibility:\n")[0])
    result = pipeline.check(fixture_site, FIXTURE_AS_OF)
    assert [p.code for p in result.problems if p.field == "accessibility"] == ["statement.missing"]
    assert result.ok
    text = _text(_statement(fixture_site, tmp_path / "out"))
    assert "Selosteen laatimispäivää ei ole ilmoitettu." in text
    assert "Tämä sivusto on osittain vaatimusten mukainen" in text
    assert "Sivustolle ei ole vielä nimetty erillistä saavutettavuuspalautteen osoitetta." in text
    # Documents then point to the statement's feedback section when the project names nobody.
    zeta = (tmp_path / "out" / "hankkeet" / "zeta-paattynyt" / "index.html").read_text()
    assert 'href="/saavutettavuusseloste/#palaute">saavutettavuusselosteessa kerrotulla tavalla</a>' in zeta


def test_the_supervisory_authority_is_one_value_a_site_may_override(fixture_site: Path, tmp_path: Path) -> None:
    _edit(fixture_site / "site.yaml", "accessibility:\n", (
        "accessibility:\n  supervisory_authority:\n    name: Testilän valvontavirasto\n"
        "    url: https://valvonta.example.fi/\n    email: valvonta@example.fi\n    phone: 0295 000 000\n"))
    html = _statement(fixture_site, tmp_path / "out")
    assert "Saavutettavuusvaatimusten noudattamista valvoo Testilän valvontavirasto." in _text(html)
    assert '<a href="https://valvonta.example.fi/">Valvontaviranomaisen verkkosivut</a>' in html
    assert '<a href="mailto:valvonta@example.fi">valvonta@example.fi</a>' in html
    assert '<a href="tel:0295000000">0295 000 000</a>' in html
    assert "Lupa- ja valvontavirasto" not in html


def test_an_absolute_base_url_names_the_site_address(fixture_site: Path, tmp_path: Path) -> None:
    pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF, base_url="https://www.example.fi/hankkeet/")
    text = _text((tmp_path / "out" / "saavutettavuusseloste" / "index.html").read_text())
    assert ("Tämä saavutettavuusseloste koskee sivustoa Testihankkeet osoitteessa https://www.example.fi/hankkeet/."
            in text)


@pytest.mark.parametrize(
    "configured, issues, expected",
    [(None, 0, "full"), (None, 3, "partial"), ("none", 3, "none"), ("partial", 0, "partial")],
)
def test_compliance_is_the_configured_one_or_follows_from_the_content(
    configured: str | None, issues: int, expected: str
) -> None:
    assert derived_compliance(configured, issues) == expected
