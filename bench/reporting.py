"""The benchmark's report: every figure of issue 23's table beside its goal, per size,
then growth and what one machine builds within an hour and within 2 GiB.

Figures are values first (`Figure`), so the printed table and the JSON file
(`--json`) say the same thing.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass, field

from measuring import Measured, in_sequence
from outputs import TEXT_NOT_COMPARED, Equivalence

MIB = 1024 * 1024
GIB = 1024 * MIB
# Issue 13: the cold build at 4x the records may take at most 1.1x four times as long.
GROWTH_GOAL = 4.4
# Issue 23's register bounds: a cold build with search within an hour and under 2 GiB.
HOUR = 3600.0
MEMORY_BOUND = 2 * GIB


@dataclass(frozen=True)
class Identity:
    """Which outputs of ours differ where they must not (paths; empty: byte-identical)."""

    cold_vs_primed: list[str]  # --no-cache cold build vs a cold build that fills ROOT/.cache
    cold_vs_cached: list[str]  # vs a build into a new folder with ROOT/.cache filled
    rebuilt_vs_cold: list[str]  # the rebuild after one edit vs a --no-cache build of the edited input
    edit_changed: int  # files the edit changed between the two --no-cache builds: the check can see a change
    search: bool = False  # built with the search index (the production configuration)


@dataclass(frozen=True)
class Preview:
    """`bench/preview_latency.py` on this size's corpus: milliseconds."""

    median: float
    runs: list[float]
    detail: str  # where the time goes, as preview_latency prints it


@dataclass
class SizeResult:
    records: int
    ours_cold: list[Measured] = field(default_factory=list)  # search on, from an empty ROOT/.cache
    ours_cold_no_search: list[Measured] = field(default_factory=list)
    hugo_cold: list[Measured] = field(default_factory=list)  # Hugo alone
    hugo_pagefind: list[Measured] = field(default_factory=list)  # Pagefind on Hugo's output, per round
    no_change_search: list[float] = field(default_factory=list)
    one_change_search: list[float] = field(default_factory=list)
    no_change: list[float] = field(default_factory=list)  # --no-search
    one_change: list[float] = field(default_factory=list)  # --no-search
    hugo_one_file: list[list[float]] = field(default_factory=list)  # per round, per edit; Hugo's default
    hugo_one_file_full: list[list[float]] = field(default_factory=list)  # the same with --disableFastRender
    search_index: bool = False
    identity: Identity | None = None
    equivalence: Equivalence | None = None
    preview: Preview | None = None
    # Series that could not be measured at this size: series name -> why (memory limit, not asked for).
    stopped: dict[str, str] = field(default_factory=dict)

    @property
    def hugo_search(self) -> list[Measured]:
        """Hugo and then Pagefind, as one build, per round."""
        if not self.hugo_pagefind:
            return self.hugo_cold
        return [in_sequence(h, p) for h, p in zip(self.hugo_cold, self.hugo_pagefind, strict=False)]


@dataclass(frozen=True)
class Figure:
    """One row: our value, the other side's, their ratio, and the goal it is judged by."""

    key: str  # stable name for the JSON file
    label: str
    unit: str
    ours: float | None = None
    other: float | None = None  # Hugo's side, or what the ratio is taken against
    ratio: float | None = None
    goal: str = ""  # as the issue states it; empty: context only
    judged: float | None = None  # the value the goal is about (the ratio or ours)
    limit: float | None = None  # ... and its bound
    strict: bool = False  # the bound itself misses ("< 2 GiB")
    note: str = ""  # why a value is missing

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.judged is None or math.isnan(self.judged):
            return None
        return self.judged < self.limit if self.strict else self.judged <= self.limit

    @property
    def verdict(self) -> str:
        if self.note:
            return self.note
        if self.met is None:
            return "" if self.limit is None else "not measured"
        assert self.judged is not None and self.limit is not None
        return "meets" if self.met else f"misses ({self.judged / self.limit:.2f}x the goal)"

    def as_json(self) -> dict[str, object]:
        def number(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else round(value, 4)

        return {"key": self.key, "figure": self.label, "unit": self.unit, "ours": number(self.ours),
                "other": number(self.other), "ratio": number(self.ratio), "goal": self.goal or None,
                "met": self.met, "verdict": self.verdict or None, "note": self.note or None}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def paired(top: list[float], bottom: list[float]) -> float:
    """The median of per-round ratios: each pair ran back to back, so it shares the machine's mood."""
    return median([a / b for a, b in zip(top, bottom, strict=False) if b > 0])


def verdict(ratio: float, goal: float, strict: bool = False) -> str:
    met = ratio < goal if strict else ratio <= goal
    return "meets" if met else f"misses ({ratio / goal:.2f}x the goal)"


def one_record_goal(records: int) -> float | None:
    """Issue 23: one record edited in at most 1 s at 10,000 records and 5 s at 100,000;
    a smaller register is held to the smaller size's bound, a larger one to none."""
    if records <= 10_000:
        return 1.0
    if records <= 100_000:
        return 5.0
    return None


def _value(values: list[float]) -> float | None:
    return median(values) if values else None


def _ratio(top: list[float], bottom: list[float]) -> float | None:
    value = paired(top, bottom)
    return None if math.isnan(value) else value


def size_figures(r: SizeResult) -> list[Figure]:
    """Issue 23's table for one size, in its order, with context rows below the judged ones."""
    def why(values: list[float] | list[Measured] | list[list[float]] | None, *series: str) -> str:
        """Why a figure has no value: the first of its series (or those it needs) that was stopped."""
        if values:
            return ""
        return next((r.stopped[name] for name in series if name in r.stopped), "not run")

    cold, bare = [m.seconds for m in r.ours_cold], [m.seconds for m in r.ours_cold_no_search]
    hugo_search, hugo_bare = [m.seconds for m in r.hugo_search], [m.seconds for m in r.hugo_cold]
    figures = [
        Figure("cold_search", "cold build with search, s", "s", _value(cold), _value(hugo_search),
               _ratio(cold, hugo_search), "<= 1.0 x Hugo + Pagefind", _ratio(cold, hugo_search), 1.0,
               note=why(r.ours_cold and r.hugo_cold, "cold_search", "hugo")),
        Figure("cold_search_cpu", "  CPU (user+sys), s", "s", _value([m.cpu for m in r.ours_cold]),
               _value([m.cpu for m in r.hugo_search]), _ratio([m.cpu for m in r.ours_cold],
                                                              [m.cpu for m in r.hugo_search]),
               note=why(r.ours_cold, "cold_search")),
        Figure("cold_no_search", "cold build without search, s", "s", _value(bare), _value(hugo_bare),
               _ratio(bare, hugo_bare), note=why(r.ours_cold_no_search and r.hugo_cold, "cold_no_search", "hugo")),
    ]
    # Hugo's side runs Hugo and then Pagefind; the goal allows ours both at once.
    ours_rss = [m.peak / MIB for m in r.ours_cold]
    both = [(h.peak + p.peak) / MIB for h, p in zip(r.hugo_cold, r.hugo_pagefind, strict=False)]
    figures.append(Figure("peak_search", "peak memory with search, MiB", "MiB", _value(ours_rss), _value(both),
                          _ratio(ours_rss, both), "<= 1.0 x Hugo's + Pagefind's", _ratio(ours_rss, both), 1.0,
                          note=why(r.ours_cold and r.hugo_pagefind, "cold_search", "hugo")))
    figures.append(Figure("peak_search_bound", "  the same, GiB", "GiB",
                          _value([m.peak / GIB for m in r.ours_cold]), goal="< 2 GiB (issue: at 100,000)",
                          judged=_value([m.peak / GIB for m in r.ours_cold]), limit=2.0, strict=True,
                          note=why(r.ours_cold, "cold_search")))
    bare_rss, hugo_rss = [m.peak / MIB for m in r.ours_cold_no_search], [m.peak / MIB for m in r.hugo_cold]
    figures.append(Figure("peak_no_search", "peak memory without search, MiB", "MiB", _value(bare_rss),
                          _value(hugo_rss), _ratio(bare_rss, hugo_rss), "<= 0.25 x Hugo's",
                          _ratio(bare_rss, hugo_rss), 0.25,
                          note=why(r.ours_cold_no_search and r.hugo_cold, "cold_no_search", "hugo")))
    figures.append(Figure("peak_search_largest", "  largest process with search, MiB", "MiB",
                          _value([m.max_rss / MIB for m in r.ours_cold]),
                          _value([m.max_rss / MIB for m in r.hugo_search]), note=why(r.ours_cold, "cold_search")))
    bound = one_record_goal(r.records)
    hugo_full = [median(times) for times in r.hugo_one_file_full]
    hugo_fast = [median(times) for times in r.hugo_one_file]
    one = _value(r.one_change_search)
    figures.append(Figure("one_record_search", "one record edited, with search, s", "s", one, _value(hugo_full),
                          _ratio(r.one_change_search, hugo_full),
                          f"<= {bound:g} s" if bound is not None else "", one, bound,
                          note=why(r.one_change_search, "one_change_search", "cold_search")))
    figures.append(Figure("one_record_no_search", "one record edited, without search, s", "s",
                          _value(r.one_change), _value(hugo_full), _ratio(r.one_change, hugo_full),
                          note=why(r.one_change, "one_change", "cold_no_search")))
    figures.append(Figure("hugo_fast_render", "  hugo server in fast-render mode (lists stale), s", "s",
                          None, _value(hugo_fast), note=why(hugo_fast, "hugo_server")))
    figures.append(Figure("no_change_search", "nothing changed, with search, s", "s",
                          _value(r.no_change_search), _value(cold), _ratio(r.no_change_search, cold),
                          "<= 0.05 x our cold", _ratio(r.no_change_search, cold), 0.05,
                          note=why(r.no_change_search, "no_change_search", "cold_search")))
    figures.append(Figure("no_change_no_search", "  nothing changed, without search, s", "s",
                          _value(r.no_change), _value(bare), _ratio(r.no_change, bare),
                          note=why(r.no_change, "no_change", "cold_no_search")))
    if r.preview is not None or "preview" in r.stopped:
        preview = r.preview
        figures.append(Figure("preview", "preview, save to visible (median), ms", "ms",
                              preview.median if preview else None,
                              goal="<= 250 ms (at 1,000)" if r.records <= 1000 else "",
                              judged=preview.median if preview else None,
                              limit=250.0 if r.records <= 1000 else None,
                              note=why(preview.runs if preview else None, "preview")))
    return figures


def _cell(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return ""
    if unit == "MiB":
        return f"{value:,.0f}"
    if unit == "ms":
        return f"{value:.0f}"
    return f"{value:.2f}" if value >= 0.1 or value == 0 else f"{value:.3f}"


def table(figures: list[Figure], head: tuple[str, str, str]) -> list[str]:
    rows = [("", *head, "goal", "")]
    for f in figures:
        ratio = "" if f.ratio is None or math.isnan(f.ratio) else f"{f.ratio:.3f}" if f.ratio < 0.1 else \
            f"{f.ratio:.2f}"
        rows.append((f.label, _cell(f.ours, f.unit), _cell(f.other, f.unit), ratio, f.goal, f.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, 4)] + \
                [row[4].ljust(widths[4]), row[5]]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _differences(paths: list[str]) -> str:
    if not paths:
        return "OK"
    more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
    return "DIFFERS: " + ", ".join(paths[:5]) + more


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
    out += table(size_figures(r), ("ours", "Hugo", "ratio"))
    if r.identity is not None:
        same = r.identity
        how = "with search" if same.search else "--no-search"
        out.append(f"  same bytes ({how}): cold --no-cache = cold filling ROOT/.cache: "
                   f"{_differences(same.cold_vs_primed)}; = cold with ROOT/.cache filled: "
                   f"{_differences(same.cold_vs_cached)}")
        out.append(f"  same bytes: one-record rebuild = cold --no-cache of the edited input: "
                   f"{_differences(same.rebuilt_vs_cold)} (the edit changed {same.edit_changed} files)")
    elif "same_bytes" in r.stopped:
        out.append(f"  same bytes: {r.stopped['same_bytes']}")
    if r.preview is not None:
        out.append(f"  preview: {r.preview.detail}")
    out.append("  samples, s: " + " | ".join(f"{name} " + " ".join(f"{v:.2f}" for v in values)
                                             for name, values in samples(r).items() if values))
    return out


def samples(r: SizeResult) -> dict[str, list[float]]:
    """Every run's seconds, for the reader who distrusts medians (and for the JSON file)."""
    return {
        "ours cold with search": [m.seconds for m in r.ours_cold],
        "Hugo + Pagefind": [m.seconds for m in r.hugo_search],
        "ours without search": [m.seconds for m in r.ours_cold_no_search],
        "Hugo": [m.seconds for m in r.hugo_cold],
        "nothing changed with search": r.no_change_search,
        "one record with search": r.one_change_search,
        "nothing changed without search": r.no_change,
        "one record without search": r.one_change,
        "hugo server": [v for times in r.hugo_one_file for v in times],
        "--disableFastRender": [v for times in r.hugo_one_file_full for v in times],
    }


def growth_pairs(sizes: list[int]) -> list[tuple[int, int]]:
    """Each size with the next, and every pair four times apart (the issue's 2,500 -> 10,000)."""
    ordered = sorted(set(sizes))
    pairs = list(itertools.pairwise(ordered))
    pairs += [(a, b) for a in ordered for b in ordered if b == 4 * a and (a, b) not in pairs]
    return sorted(pairs)


def _grow(a: SizeResult, b: SizeResult, pick: str) -> float:
    top, bottom = median(_series(b, pick)), median(_series(a, pick))
    return top / bottom if bottom > 0 else float("nan")


def growth_figures(results: list[SizeResult]) -> list[Figure]:
    """Cold build time with search at the larger size over the smaller, judged where 4x apart."""
    by_size = {r.records: r for r in results}
    figures = []
    for small, big in growth_pairs(list(by_size)):
        a, b = by_size[small], by_size[big]
        ours = _grow(a, b, "ours")
        judged = big == 4 * small
        figures.append(Figure(f"growth_{small}_{big}", f"cold with search, {small:,} -> {big:,} records", "x",
                              ours, _grow(a, b, "hugo"), goal=f"<= {GROWTH_GOAL} x" if judged else "",
                              judged=ours, limit=GROWTH_GOAL if judged else None))
    return figures


def growth_report(results: list[SizeResult]) -> list[str]:
    """How the medians grow from one size to a larger one; judged where the larger is 4x."""
    by_size = {r.records: r for r in results}
    pairs = growth_pairs(list(by_size))
    if not pairs:
        return []
    out = ["", "Growth: median at the larger size / median at the smaller"]
    for small, big in pairs:
        a, b = by_size[small], by_size[big]
        ours = _grow(a, b, "ours")
        judged = (f"  goal <= {GROWTH_GOAL} x: {verdict(ours, GROWTH_GOAL)}" if big == 4 * small else "")
        out.append(f"  {small:,} -> {big:,} records (x{big / small:g}): cold with search ours {ours:.2f}, "
                   f"Hugo + Pagefind {_grow(a, b, 'hugo'):.2f}; without search ours {_grow(a, b, 'ours_bare'):.2f}, "
                   f"Hugo {_grow(a, b, 'hugo_bare'):.2f}; peak RSS with search ours {_grow(a, b, 'ours_rss'):.2f}, "
                   f"without {_grow(a, b, 'ours_bare_rss'):.2f}{judged}")
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


@dataclass(frozen=True)
class Reach:
    """The largest register whose cold build with search stays within `bound`, from the measured growth."""

    what: str
    bound: str
    records: float | None  # None: the measurements give no estimate
    method: str


# Beyond this many times the largest size measured, an extrapolation says more about noise than growth.
FURTHEST = 100


def reach(points: list[tuple[int, float]], bound: float, what: str, bound_text: str,
          exponent_floor: float | None = None) -> Reach:
    """The size at which `value` reaches `bound`, extended from the two largest sizes measured.

    Two models through those two points, and the smaller (more cautious) answer:
    a straight line (a fixed part, the interpreter and start-up, plus a cost per
    record) and a power law value = a * N^b. `exponent_floor` keeps b from going
    below a minimum: a build's time cannot grow slower than the pages it writes,
    and a smaller b from sizes where start-up dominates would promise too much.
    With one size, the value is taken as proportional to the records."""
    if not points:
        return Reach(what, bound_text, None, "not measured")
    n2, v2 = points[-1]
    if len(points) == 1 or v2 <= 0:
        estimate, how = n2 * bound / v2 if v2 > 0 else None, f"one size measured ({n2:,}): taken as proportional"
    else:
        n1, v1 = points[-2]
        slope = (v2 - v1) / (n2 - n1)
        line = max(0.0, n2 + (bound - v2) / slope) if slope > 0 else None
        exponent = math.log(v2 / v1) / math.log(n2 / n1) if v1 > 0 else float("nan")
        used = exponent if exponent_floor is None or math.isnan(exponent) else max(exponent, exponent_floor)
        power = n2 * (bound / v2) ** (1 / used) if used > 0.1 else None
        estimates = [value for value in (line, power) if value is not None]
        estimate = min(estimates) if estimates else None
        how = (f"from {n1:,} and {n2:,} records: the smaller of a straight line "
               f"({_records(line)}) and a power law with exponent {used:.2f}"
               + (f" (measured {exponent:.2f}, at least {exponent_floor:g} taken)" if used != exponent else "")
               + f" ({_records(power)})")
    if estimate is not None and estimate > FURTHEST * n2:
        return Reach(what, bound_text, None, how + f"; more than {FURTHEST}x the largest size measured: "
                     "measure a larger size")
    return Reach(what, bound_text, estimate, how)


def _records(value: float | None) -> str:
    return "no bound" if value is None else f"{_round(value):,}"


def register_reach(results: list[SizeResult]) -> list[Reach]:
    """How large a register one machine builds within an hour and within 2 GiB (cold, with search)."""
    done = sorted((r for r in results if r.ours_cold), key=lambda r: r.records)
    time_points = [(r.records, median([m.seconds for m in r.ours_cold])) for r in done]
    memory_points = [(r.records, median([float(m.peak) for m in r.ours_cold])) for r in done]
    return [reach(time_points, HOUR, "cold build with search", "within an hour", exponent_floor=1.0),
            reach(memory_points, float(MEMORY_BOUND), "peak memory of all its processes", "within 2 GiB")]


def reach_report(reaches: list[Reach]) -> list[str]:
    out = ["", "What one machine builds (cold, with search; the measured growth extended):"]
    for found in reaches:
        size = f"about {_round(found.records):,} records" if found.records is not None else "no estimate"
        out.append(f"  {found.bound}: {size} ({found.what}; {found.method})")
    known = [found.records for found in reaches if found.records is not None]
    if known:  # a bound without an estimate is not reached within the range estimated
        out.append(f"  both: about {_round(min(known)):,} records")
    return out


def _round(value: float) -> int:
    """Two significant digits: the estimate is no more precise than that."""
    if value < 100:
        return round(value)
    digits = math.floor(math.log10(value)) - 1
    return int(round(value, -digits))
