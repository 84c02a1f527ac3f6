"""A deterministic site of N generated records, for benchmarks.

    python bench/generate_site.py OUT_DIR [--records 1000]

The same N gives byte-identical files: names, dates, themes and text come
from the record's number, never from a clock or a random source.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
THEMES = ("elinvoimainen-asumiskaupunki", "hyvinvointi", "resurssiviisaus")
WORDS = (
    "kaupunki", "asukkaat", "palvelut", "kokeilu", "liikenne", "koulu", "kirjasto", "puisto",
    "energia", "kumppanit", "osallisuus", "kehittäminen", "digitaalinen", "kestävä", "yhteistyö",
)


def record_text(number: int) -> str:
    """One valid record; every field kind appears in some records."""
    theme = THEMES[number % len(THEMES)]
    start_year = 2015 + number % 10
    end_year = start_year + 1 + number % 3
    words = [WORDS[(number * 7 + i) % len(WORDS)] for i in range(40)]
    body = " ".join(words).capitalize() + "."
    lines = [
        "---",
        f"title: Generoitu hanke {number:04d}",
        f"theme: {theme}",
        f"start: {start_year}-{1 + number % 12:02d}-01",
        f"end: {end_year}-{1 + (number * 5) % 12:02d}",
        f"lead: Organisaatio {number % 17}",
        "partners:",
        f"  - Kumppani {number % 5}",
        f"  - Kumppani {5 + number % 7}",
        "funding:",
        f"  - funder: Rahoittaja {number % 4}",
        f"    amount_eur: {10000 + number * 37}",
        "contacts:",
        f"  - name: Henkilö {number}",
        "    role: projektipäällikkö",
        f"    email: henkilo{number}@example.fi",
        "keywords:",
        f"  - {WORDS[number % len(WORDS)]}",
        "---",
        "",
        body,
        "",
        "## Tavoitteet",
        "",
        f"- Ensimmäinen tavoite {number}",
        "- Toinen tavoite, katso [sivut](https://example.fi/).",
        "",
    ]
    return "\n".join(lines)


def generate(out: Path, records: int) -> Path:
    """Write `site.yaml` (the shipped one) and `records` project files into `out`."""
    if out.exists():
        shutil.rmtree(out)
    projects = out / "content" / "projects"
    projects.mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", out / "site.yaml")
    for number in range(records):
        (projects / f"generoitu-{number:04d}.md").write_text(record_text(number), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    generate(args.out, args.records)


if __name__ == "__main__":
    main()
