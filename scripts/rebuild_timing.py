"""Time rebuilds after one title edit, against the code of one or more checkouts.

    python scripts/rebuild_timing.py --site CORPUS --code NAME=CHECKOUT [--code ...] [--rounds 3] [--verify]

Each checkout builds its own copy of the corpus (the cache lives in the site
folder): a cold build without the cache, a cache-filling cold build, a build with
nothing changed, then `--rounds` rebuilds, each after editing one ongoing record's
title so that it moves in the lists (production configuration without search).
The checkouts run in turn within each round, so a noisy machine hits them alike.
With `--verify` the last rebuild's output is compared with a `--no-cache` build
of the same input. The corpus comes from `bench/corpus.py`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

AS_OF = "2025-06-15"
TITLES = ("Aakkosten alkuun siirretty hanke", "Öisen kaupungin hanke", "Maaliskuun hanke")


def run(code: Path, site: Path, out: Path, *flags: str) -> tuple[float, float]:
    """The build's wall time and its CPU time (user + system): on a shared machine the CPU
    time says more about the work done."""
    env = dict(os.environ, PYTHONPATH=str(code))
    command = [sys.executable, str(code / "build.py"), "build", "--root", str(site), "--out", str(out),
               "--as-of", AS_OF, "--no-search", *flags]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def edited_file(site: Path) -> Path:
    """An ongoing record from the middle of the corpus (the benchmark's choice)."""
    files = sorted((site / "content" / "projects").glob("*.md"))
    index = len(files) // 2
    while index % 3 == 0 and index + 1 < len(files):
        index += 1
    return files[index]


def retitle(file: Path, title: str) -> None:
    lines = file.read_text(encoding="utf-8").split("\n")
    lines = [f"title: {title}" if line.startswith("title: ") else line for line in lines]
    file.write_text("\n".join(lines), encoding="utf-8")


def differences(left: Path, right: Path) -> list[str]:
    def files(root: Path) -> dict[str, Path]:
        return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}

    ours, theirs = files(left), files(right)
    return sorted(name for name in ours.keys() | theirs.keys()
                  if name not in ours or name not in theirs or ours[name].read_bytes() != theirs[name].read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--code", action="append", required=True, help="NAME=CHECKOUT")
    parser.add_argument("--work", type=Path, default=Path("/tmp/rebuild-timing"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--skip-cold", action="store_true", help="no --no-cache build timing")
    args = parser.parse_args()
    codes = {name: Path(path).resolve() for name, path in (item.split("=", 1) for item in args.code)}
    sites: dict[str, Path] = {}
    for name in codes:
        sites[name] = args.work / name / "site"
        shutil.rmtree(args.work / name, ignore_errors=True)
        shutil.copytree(args.site, sites[name])
    figures: dict[str, dict[str, list[tuple[float, float]]]] = {name: {} for name in codes}

    def note(name: str, what: str, seconds: tuple[float, float]) -> None:
        figures[name].setdefault(what, []).append(seconds)
        print(f"{name:>8} {what:<14} {seconds[0]:7.2f} s wall {seconds[1]:7.2f} s CPU", flush=True)

    for name, code in codes.items():
        if not args.skip_cold:
            note(name, "cold no-cache", run(code, sites[name], args.work / name / "cold", "--no-cache"))
        note(name, "cold cached", run(code, sites[name], args.work / name / "out"))
        note(name, "nothing", run(code, sites[name], args.work / name / "out"))
    for round_ in range(args.rounds):
        for name, code in codes.items():
            retitle(edited_file(sites[name]), TITLES[round_ % len(TITLES)])
            note(name, "one title", run(code, sites[name], args.work / name / "out"))
    status = 0
    if args.verify:
        for name, code in codes.items():
            run(code, sites[name], args.work / name / "check", "--no-cache")
            diff = differences(args.work / name / "out", args.work / name / "check")
            print(f"{name}: rebuild vs --no-cache of the edited input: {len(diff)} files differ {diff[:5]}")
            status |= bool(diff)
    print("\nmedian (min-max), wall and CPU:")
    for name, whats in figures.items():
        for what, values in whats.items():
            text = []
            for index in (0, 1):
                ordered = sorted(value[index] for value in values)
                text.append(f"{ordered[len(ordered) // 2]:6.2f} s ({ordered[0]:.2f}-{ordered[-1]:.2f})")
            print(f"  {name:>8} {what:<14} wall {text[0]}  CPU {text[1]}  n={len(values)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
