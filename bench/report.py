"""RESULTS.md: the issue's targets with the measured figures, then the details."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from measure import Sample

NOT_IMPORTED = ("frictionless", "openpyxl", "python_calamine", "httpx", "starlette",
                "numpy")


@dataclass
class Results:
    """Everything one run of the benchmark measured."""

    quick: bool
    runs: int
    big: str
    when: str
    machine: str
    versions: dict[str, str]
    files: dict[str, tuple[str, int, dict[str, Sample]]] = field(default_factory=dict)
    small: Sample | None = None
    small_modules: list[str] = field(default_factory=list)
    import_times: list[tuple[str, float]] = field(default_factory=list)
    excel: dict[str, Sample] = field(default_factory=dict)
    parallel: dict[str, Sample] = field(default_factory=dict)
    parallel_same: bool = False


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def paired(a: Sample, b: Sample) -> tuple[float, float, float]:
    """Median, lowest and highest of a's time over b's within each round.

    The two programs ran back to back in every round, so a round's ratio is taken under one
    state of the machine; on a shared machine whose speed drifts by a third between minutes this
    is steadier than the ratio of the two medians.
    """
    ratios = [x / y for x, y in zip(a.seconds, b.seconds, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


def _range(lo: float, hi: float) -> str:
    return f"rounds {lo:.2f}-{hi:.2f}"


def targets(r: Results) -> list[str]:
    """The issue's table with the measured figure and whether it is met."""
    _, _, ent = r.files["entities-100k.csv"]
    g, c, f = (ent[n].median for n in ("gu1lint check", "csv loop", "frictionless validate"))
    vs_csv, lo, hi = paired(ent["gu1lint check"], ent["csv loop"])
    vs_fl, flo, fhi = paired(ent["frictionless validate"], ent["gu1lint check"])
    lines = ["| measure | target | measured | |", "|---|---|---|---|",
             f"| `gu1lint check` / csv loop, 100,000 entity rows | <= 3x (stretch 2x) | "
             f"{vs_csv:.2f}x ({_range(lo, hi)}; medians {g:.3f} s / {c:.3f} s) | "
             f"{_met(vs_csv <= 3)} |",
             f"| `frictionless validate` / `gu1lint check`, same file | >= 6x | "
             f"{vs_fl:.1f}x ({_range(flo, fhi)}; medians {f:.2f} s / {g:.3f} s) | "
             f"{_met(vs_fl >= 6)} |"]
    for kind in ("entities", "transactions"):
        _, rows, big = r.files[f"{kind}-{r.big}.csv"]
        small_rows, small = r.files[f"{kind}-100k.csv"][1], r.files[f"{kind}-100k.csv"][2]
        # time a row: the whole run less the start-up (the 10-row file's median), per row
        assert r.small is not None
        start = r.small.median
        per_big = (big["gu1lint check"].median - start) / rows
        per_small = (small["gu1lint check"].median - start) / small_rows
        scale = per_big / per_small
        raw = (big["gu1lint check"].median / small["gu1lint check"].median) / (rows / small_rows)
        lines.append(f"| {r.big} {kind} rows: time per row relative to 100k | linear (<= 1.1) | "
                     f"{scale:.2f} (start-up of {start:.2f} s taken off both; whole runs "
                     f"{raw:.2f}) | {_met(scale <= 1.1)} |")
        lines.append(f"| {r.big} {kind} rows: peak RSS | <= 200 MB | "
                     f"{big['gu1lint check'].peak_mb:.0f} MB | "
                     f"{_met(big['gu1lint check'].peak_mb <= 200)} |")
    assert r.small is not None
    heavy = [m for m in r.small_modules if m in NOT_IMPORTED]
    lines.append(f"| 10-row CSV, wall time | <= 0.25 s | {r.small.median:.3f} s | "
                 f"{_met(r.small.median <= 0.25)} |")
    lines.append(f"| 10-row CSV, heavy modules imported | none of {', '.join(NOT_IMPORTED)} | "
                 f"{', '.join(heavy) or 'none'} | {_met(not heavy)} |")
    o, k = r.excel["openpyxl read-only"].median, r.excel["python-calamine"].median
    faster = "python-calamine" if k < o else "openpyxl"
    lines.append(f"| 100,000-row .xlsx: openpyxl read-only vs python-calamine | use the faster | "
                 f"openpyxl {o:.2f} s, calamine {k:.2f} s: {faster} is "
                 f"{max(o, k) / min(o, k):.1f}x faster | see below |")
    one, two = r.parallel["-j 1"].median, r.parallel["-j 2"].median
    speedup, jlo, jhi = paired(r.parallel["-j 1"], r.parallel["-j 2"])
    lines.append(f"| five 100,000-row files, `-j 2` vs `-j 1` | >= 1.6x, same output | "
                 f"{speedup:.2f}x ({_range(jlo, jhi)}; medians {one:.2f} s / {two:.2f} s; the "
                 f"fifth file in two pieces), output "
                 f"{'identical' if r.parallel_same else '**differs**'} | "
                 f"{_met(speedup >= 1.6 and r.parallel_same)} |")
    return lines


def file_table(r: Results) -> list[str]:
    """Median, ratio to the csv loop and peak RSS of every program on every CSV file."""
    lines = ["| file | rows | program | median wall s | x csv loop | median CPU s | x csv loop "
             "| peak RSS MB | exit |", "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for name, (_, rows, samples) in r.files.items():
        base, base_cpu = samples["csv loop"].median, samples["csv loop"].cpu_median
        for program, s in samples.items():
            lines.append(f"| {name} | {rows:,} | {program} | {s.median:.3f} | "
                         f"{s.median / base:.2f} | {s.cpu_median:.3f} | "
                         f"{s.cpu_median / base_cpu:.2f} | {s.peak_mb:.0f} | {s.status} |")
    return lines


def simple_table(samples: dict[str, Sample]) -> list[str]:
    """Median and peak RSS of a few programs."""
    lines = ["| program | median wall s | median CPU s | runs | peak RSS MB |",
             "|---|---:|---:|---:|---:|"]
    for program, s in samples.items():
        lines.append(f"| {program} | {s.median:.3f} | {s.cpu_median:.3f} | {len(s.seconds)} | "
                     f"{s.peak_mb:.0f} |")
    return lines


def write_results(r: Results, path: Path) -> None:
    """Write RESULTS.md."""
    assert r.small is not None
    out = ["# Benchmark results", "",
           f"Written by `python bench/run.py{' --quick' if r.quick else ''}` on {r.when}, "
           f"{r.runs} rounds per comparison (programs alternate within each round). A target's "
           "ratio is the median of the ratios within each round (the two programs ran back to "
           "back, under one state of a shared machine), with their range; the tables below give "
           "each program's median.", "",
           f"Machine: {r.machine}.", "",
           "Versions: " + ", ".join(f"{k} {v}" for k, v in r.versions.items()) + ".", "",
           "## Targets (issue 4)", "", *targets(r), "",
           "## Every program on every CSV file", "",
           "Wall and CPU time of the whole process (interpreter start, imports, reading, all "
           "rules, the JSON report written to a file); peak RSS of that process (GNU time). "
           "The targets above use wall time; the CPU columns show how much of a gap is load "
           "from other processes on the machine.", "",
           *file_table(r), "",
           "## The 10-row CSV (the pre-commit case)", "",
           f"Median {r.small.median:.3f} s over {len(r.small.seconds)} runs, peak RSS "
           f"{r.small.peak_mb:.0f} MB. Heavy modules imported: "
           f"{', '.join(r.small_modules) or 'none'}.", "",
           "Slowest top-level imports (`python -X importtime`, cumulative ms):", "",
           "| module | ms |", "|---|---:|",
           *[f"| {m} | {ms:.1f} |" for m, ms in r.import_times], "",
           "## The 100,000-row workbook", "",
           "Each reader turns every cell into text with `gu1lint.readers.cells.cell_to_text`; "
           "`gu1lint check` uses the reader gu1lint picks.", "",
           *simple_table(r.excel), "",
           "## Five 100,000-row transaction files", "", *simple_table(r.parallel), "",
           f"Reports of `-j 1` and `-j 2` byte-identical: {'yes' if r.parallel_same else 'no'}.",
           ""]
    path.write_text("\n".join(out), encoding="utf-8")
