#!/usr/bin/env python3
"""What publishing costs: a build with and without the search index, for the
shipped site and for a synthetic catalogue of many projects.

    .venv/bin/python scripts/bench_publish.py [--projects 500] [--repeat 3]

Prints the best of `--repeat` runs of each; nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from projcat.engine import pipeline  # noqa: E402

WORDS = ["kehittää", "palveluja", "asukkaiden", "kanssa", "kokeillaan", "uusia", "toimintamalleja", "kaupungin",
         "alueella", "yhteistyössä", "yritysten", "oppilaitosten", "ja", "järjestöjen", "kanssa"]


def synthetic_site(folder: Path, projects: int) -> Path:
    shutil.copy(REPO / "site.yaml", folder / "site.yaml")
    content = folder / "content" / "projects"
    content.mkdir(parents=True)
    themes = ("elinvoimainen-asumiskaupunki", "hyvinvointi", "resurssiviisaus")
    for number in range(projects):
        body = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(120)) + f" tunniste{number}."
        (content / f"hanke-{number}.md").write_text(
            f"---\ntitle: Hanke {number}\ntheme: {themes[number % 3]}\n"
            f"start: {2015 + number % 10}\nend: {2016 + number % 10 + number % 4}\n---\n\n{body}\n",
            encoding="utf-8")
    return folder


def best(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(name: str, root: Path, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "site"
        as_of = date(2021, 10, 26)
        plain = best(repeat, lambda: pipeline.build(root, out, as_of, search=False))
        shutil.rmtree(out)
        searched = best(repeat, lambda: pipeline.build(root, out, as_of, search=True))
        index = sum(p.stat().st_size for p in (out / "pagefind").rglob("*") if p.is_file())
        files = sum(1 for p in (out / "pagefind").rglob("*") if p.is_file())
        print(f"{name}: build {plain:.2f} s, with search {searched:.2f} s "
              f"(index {searched - plain:+.2f} s, {files} files, {index / 1024:.0f} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    measure("shipped site (15 projects)", REPO, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        measure(f"synthetic ({args.projects} projects)", synthetic_site(Path(folder), args.projects), args.repeat)


if __name__ == "__main__":
    main()
