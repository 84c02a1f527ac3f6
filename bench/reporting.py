"""The benchmark's printed report: per size a table of medians and paired ratios, then growth."""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field

from measuring import Measured, in_sequence
from outputs import TEXT_NOT_COMPARED, Equivalence

MIB = 1024 * 1024
# Issue 13: the cold build at 4x the records may take at most 1.1x four times as long.
GROWTH_GOAL = 4.4


@dataclass(frozen=True)
class Identity:
    """Which outputs of ours differ where they must not (paths; empty: byte-identical)."""

    cold_vs_primed: list[str]  # --no-cache cold build vs a cold build that fills ROOT/.cache
    cold_vs_cached: list[str]  # vs a build into a new folder with ROOT/.cache filled
    rebuilt_vs_cold: list[str]  # the rebuild after one edit vs a --no-cache build of the edited input
    edit_changed: int  # files the edit changed between the two --no-cache builds: the check can see a change


@dataclass
class SizeResult:
    records: int
    ours_cold: list[Measured] = field(default_factory=list)  # search on, --no-cache
    ours_cold_no_search: list[Measured] = field(default_factory=list)
    hugo_cold: list[Measured] = field(default_factory=list)  # Hugo alone
    hugo_pagefind: list[Measured] = field(default_factory=list)  # Pagefind on Hugo's output, per round
    no_change: list[float] = field(default_factory=list)
    one_change: list[float] = field(default_factory=list)
    hugo_one_file: list[list[float]] = field(default_factory=list)  # per round, per edit; Hugo's default
    hugo_one_file_full: list[list[float]] = field(default_factory=list)  # the same with --disableFastRender
    search_index: bool = False
    identity: Identity | None = None
    equivalence: Equivalence | None = None

    @property
    def hugo_search(self) -> list[Measured]:
        """Hugo and then Pagefind, as one build, per round."""
        if not self.hugo_pagefind:
            return self.hugo_cold
        return [in_sequence(h, p) for h, p in zip(self.hugo_cold, self.hugo_pagefind, strict=True)]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def paired(top: list[float], bottom: list[float]) -> float:
    """The median of per-round ratios: each pair ran back to back, so it shares the machine's mood."""
    return median([a / b for a, b in zip(top, bottom, strict=False) if b > 0])


def verdict(ratio: float, goal: float, strict: bool = False) -> str:
    met = ratio < goal if strict else ratio <= goal
    return "meets" if met else f"misses ({ratio / goal:.2f}x the goal)"


def _differences(paths: list[str]) -> str:
    if not paths:
        return "OK"
    more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
    return "DIFFERS: " + ", ".join(paths[:5]) + more


def _table(rows: list[tuple[str, str, str, str, str, str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, 4)] + \
                [row[4].ljust(widths[4]), row[5]]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def size_report(r: SizeResult) -> list[str]:
    out = ["", f"N = {r.records:,} records"]
    eq = r.equivalence
    if eq is not None:
        out.append(f"  pages: ours {eq.ours_pages}, Hugo {eq.hugo_pages}; same addresses: "
                   f"{'yes' if eq.same_addresses else 'NO'}; same visible text: {eq.same_text}/{eq.compared}"
                   + (f" (text of {', '.join(sorted(TEXT_NOT_COMPARED))} not compared)"
                      if eq.compared < eq.ours_pages else ""))
    searched = "built by ours, so also run on Hugo's output" if r.search_index else "not built by ours"
    out.append(f"  search index (Pagefind): {searched}")
    cold, bare = [m.seconds for m in r.ours_cold], [m.seconds for m in r.ours_cold_no_search]
    hugo_search, hugo_bare = [m.seconds for m in r.hugo_search], [m.seconds for m in r.hugo_cold]
    rows: list[tuple[str, str, str, str, str, str]] = [
        ("", "ours", "Hugo", "ratio", "goal", ""),
        ("cold build with search, s", f"{median(cold):.2f}", f"{median(hugo_search):.2f}",
         f"{paired(cold, hugo_search):.2f}", "<= 1.0 x Hugo + Pagefind", verdict(paired(cold, hugo_search), 1.0)),
    ]
    ours_cpu, hugo_cpu = [m.cpu for m in r.ours_cold], [m.cpu for m in r.hugo_search]
    rows.append(("  CPU (user+sys), s", f"{median(ours_cpu):.2f}", f"{median(hugo_cpu):.2f}",
                 f"{paired(ours_cpu, hugo_cpu):.2f}", "(context)", ""))
    rows.append(("cold build without search, s", f"{median(bare):.2f}", f"{median(hugo_bare):.2f}",
                 f"{paired(bare, hugo_bare):.2f}", "(context: Hugo alone)", ""))
    index_cost = [a - b for a, b in zip(cold, bare, strict=False)]
    rows.append(("  search index step, s", f"{median(index_cost):.2f}",
                 f"{median([m.seconds for m in r.hugo_pagefind]):.2f}", "", "(Pagefind's own run)", ""))
    ours_bare_rss, hugo_rss = [m.peak / MIB for m in r.ours_cold_no_search], [m.peak / MIB for m in r.hugo_cold]
    rows.append(("peak RSS without search, MiB", f"{median(ours_bare_rss):.0f}", f"{median(hugo_rss):.0f}",
                 f"{paired(ours_bare_rss, hugo_rss):.2f}", "<= 0.25 x Hugo",
                 verdict(paired(ours_bare_rss, hugo_rss), 0.25)))
    rows.append(("  largest process, MiB", f"{median([m.max_rss / MIB for m in r.ours_cold_no_search]):.0f}",
                 f"{median([m.max_rss / MIB for m in r.hugo_cold]):.0f}", "", "(context)", ""))
    # Hugo's side runs Hugo and then Pagefind; the goal allows ours both at once.
    ours_rss = [m.peak / MIB for m in r.ours_cold]
    both = [(h.peak + p.peak) / MIB for h, p in zip(r.hugo_cold, r.hugo_pagefind, strict=False)] or hugo_rss
    rows.append(("peak RSS with search, MiB", f"{median(ours_rss):.0f}", f"{median(both):.0f}",
                 f"{paired(ours_rss, both):.2f}", "<= 1.0 x Hugo's + Pagefind's", verdict(paired(ours_rss, both), 1.0)))
    rows.append(("  largest process, MiB", f"{median([m.max_rss / MIB for m in r.ours_cold]):.0f}",
                 f"{median([m.max_rss / MIB for m in r.hugo_search]):.0f}", "", "(context)", ""))
    rows.append(("rebuild, no change, s", f"{median(r.no_change):.2f}", "",
                 f"{paired(r.no_change, bare):.3f}", "<= 0.05 x our cold", verdict(paired(r.no_change, bare), 0.05)))
    hugo_rebuild = [median(times) for times in r.hugo_one_file]
    hugo_rebuild_full = [median(times) for times in r.hugo_one_file_full]
    one = median(r.one_change)
    rows.append(("rebuild, one record, s", f"{one:.2f}", f"{median(hugo_rebuild):.3f}",
                 f"{paired(r.one_change, hugo_rebuild):.1f}", "<= 1.0 s (Hugo: hugo server)",
                 verdict(one, 1.0)))
    rows.append(("  vs hugo server --disableFastRender", f"{one:.2f}", f"{median(hugo_rebuild_full):.3f}",
                 f"{paired(r.one_change, hugo_rebuild_full):.1f}", "(context)", ""))
    rows.append(("  vs our cold build without search", f"{one:.2f}", "", f"{paired(r.one_change, bare):.3f}",
                 "(context)", ""))
    out += _table(rows)
    if r.identity is not None:
        same = r.identity
        out.append("  same bytes (--no-search): cold --no-cache = cold filling ROOT/.cache: "
                   f"{_differences(same.cold_vs_primed)}; = cold with ROOT/.cache filled: "
                   f"{_differences(same.cold_vs_cached)}")
        out.append(f"  same bytes: one-record rebuild = cold --no-cache of the edited input: "
                   f"{_differences(same.rebuilt_vs_cold)} (the edit changed {same.edit_changed} files)")
    out.append("  samples, s: ours cold " + " ".join(f"{v:.2f}" for v in cold)
               + " | Hugo + Pagefind " + " ".join(f"{v:.2f}" for v in hugo_search)
               + " | ours no search " + " ".join(f"{v:.2f}" for v in bare)
               + " | no-change " + " ".join(f"{v:.2f}" for v in r.no_change)
               + " | one-change " + " ".join(f"{v:.2f}" for v in r.one_change)
               + " | hugo server " + " ".join(f"{v:.3f}" for times in r.hugo_one_file for v in times)
               + " | --disableFastRender " + " ".join(f"{v:.3f}" for times in r.hugo_one_file_full for v in times))
    return out


def growth_pairs(sizes: list[int]) -> list[tuple[int, int]]:
    """Each size with the next, and every pair four times apart (the issue's 2,500 -> 10,000)."""
    ordered = sorted(set(sizes))
    pairs = list(itertools.pairwise(ordered))
    pairs += [(a, b) for a in ordered for b in ordered if b == 4 * a and (a, b) not in pairs]
    return sorted(pairs)


def growth_report(results: list[SizeResult]) -> list[str]:
    """How the medians grow from one size to a larger one; judged where the larger is 4x."""
    by_size = {r.records: r for r in results}
    pairs = growth_pairs(list(by_size))
    if not pairs:
        return []
    out = ["", "Growth: median at the larger size / median at the smaller"]
    for small, big in pairs:
        a, b = by_size[small], by_size[big]

        def grow(pick: str, a: SizeResult = a, b: SizeResult = b) -> float:
            top, bottom = median(_series(b, pick)), median(_series(a, pick))
            return top / bottom if bottom > 0 else float("nan")

        ours = grow("ours")
        judged = (f"  goal <= {GROWTH_GOAL} x: {verdict(ours, GROWTH_GOAL)}" if big == 4 * small else "")
        out.append(f"  {small:,} -> {big:,} records (x{big / small:g}): cold with search ours {ours:.2f}, "
                   f"Hugo + Pagefind {grow('hugo'):.2f}; without search ours {grow('ours_bare'):.2f}, "
                   f"Hugo {grow('hugo_bare'):.2f}; peak RSS with search ours {grow('ours_rss'):.2f}, "
                   f"without {grow('ours_bare_rss'):.2f}{judged}")
    return out


def _series(r: SizeResult, pick: str) -> list[float]:
    series = {
        "ours": [m.seconds for m in r.ours_cold],
        "hugo": [m.seconds for m in r.hugo_search],
        "ours_bare": [m.seconds for m in r.ours_cold_no_search],
        "hugo_bare": [m.seconds for m in r.hugo_cold],
        "ours_rss": [float(m.peak) for m in r.ours_cold],
        "ours_bare_rss": [float(m.peak) for m in r.ours_cold_no_search],
    }
    return series[pick]
