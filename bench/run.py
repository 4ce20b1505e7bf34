"""Benchmark gu1lint against a plain csv loop and `frictionless validate`; writes RESULTS.md.

Usage: python bench/run.py [--quick] [--runs N]

Every program runs as a child process, in turn, several rounds (so that machine noise hits
all alike); the tables give medians and the largest peak RSS of each program.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import generate
import measure
from report import Results, write_results

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def tool(name: str) -> list[str]:
    """A console script beside this Python, else `python -m name`."""
    script = BIN / name
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


def gu1lint(*args: str) -> list[str]:
    """argv of a gu1lint command."""
    return [*tool("gu1lint"), *args]


def check_argv(paths: list[Path], out: Path, *extra: str) -> list[str]:
    """`gu1lint check` with all rules and the JSON report written to a file."""
    return gu1lint("check", *map(str, paths), "--format", "json", "--output", str(out), *extra)


def csv_loop(path: Path) -> list[str]:
    """The plain csv.reader baseline."""
    return [sys.executable, str(HERE / "csv_loop.py"), str(path)]


def frictionless_schema(kind: str, header: list[str], tmp: Path) -> Path:
    """`gu1lint schema` renamed to the file's headers (through a mapping), in header order."""
    from gu1lint.fields import kind_spec

    spec = kind_spec(kind)
    mapping = tmp / f"{kind}-mapping.json"
    mapping.write_text(json.dumps({"columnMapping": {h: spec.field_for_header(h) for h in header}}))
    text = subprocess.run(gu1lint("schema", "--kind", kind, "--mapping", str(mapping)),
                          check=True, capture_output=True, text=True).stdout
    schema = json.loads(text)
    by_name = {f["name"]: f for f in schema["fields"]}
    schema["fields"] = [by_name[h] for h in header if h in by_name]
    path = tmp / f"{kind}-schema.json"
    path.write_text(json.dumps(schema))
    return path


def frictionless(path: Path, schema: Path) -> list[str]:
    """`frictionless validate --schema` on one file."""
    return [*tool("frictionless"), "validate", "--trusted", "--schema", str(schema), str(path)]


def compare_three(results: Results, name: str, path: Path, kind: str, schema: Path | None,
                  runs: int, tmp: Path) -> None:
    """gu1lint vs csv loop (vs frictionless) on one file, alternating."""
    programs = {"gu1lint check": check_argv([path], tmp / "out.json"), "csv loop": csv_loop(path)}
    if schema is not None:
        programs["frictionless validate"] = frictionless(path, schema)
    print(f"timing {name} ({runs} rounds)", flush=True)
    results.files[name] = (kind, _rows(path), measure.alternate(programs, runs))


def _rows(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


def small_file(results: Results, path: Path, runs: int, tmp: Path) -> None:
    """The pre-commit case: wall time of a 10-row file and the heavy modules it imports."""
    print("timing the 10-row file", flush=True)
    argv = ["check", str(path), "--format", "json", "--output", str(tmp / "small.json")]
    results.small = measure.alternate({"gu1lint check": gu1lint(*argv)}, runs)["gu1lint check"]
    probe = subprocess.run([sys.executable, str(HERE / "imports_probe.py"), *argv],
                           capture_output=True, text=True, check=True)
    results.small_modules = probe.stdout.split()
    timing = subprocess.run([sys.executable, "-X", "importtime", "-m", "gu1lint", *argv],
                            capture_output=True, text=True)
    results.import_times = _top_imports(timing.stderr)


def _top_imports(stderr: str, count: int = 10) -> list[tuple[str, float]]:
    """The costliest packages of an -X importtime log: cumulative ms of each first import."""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)$", line)
        if m and "." not in m.group(3) and m.group(3) not in ("gu1lint", "site", "encodings"):
            found.setdefault(m.group(3), int(m.group(1)) / 1000)
    return sorted(found.items(), key=lambda t: -t[1])[:count]


def excel(results: Results, path: Path, runs: int, tmp: Path) -> None:
    """openpyxl read-only against python-calamine on the same workbook, and gu1lint on it."""
    print("timing the workbook", flush=True)
    reader = [sys.executable, str(HERE / "xlsx_read.py")]
    programs = {"openpyxl read-only": [*reader, "openpyxl", str(path)],
                "python-calamine": [*reader, "calamine", str(path)],
                "gu1lint check": check_argv([path], tmp / "xlsx.json")}
    results.excel = measure.alternate(programs, max(1, runs // 2 + 1))


def parallel(results: Results, paths: list[Path], runs: int, tmp: Path) -> None:
    """Five transaction files with -j 1 and -j 2: time, and whether the reports are equal."""
    print("timing five files with -j 1 and -j 2", flush=True)
    one, two = tmp / "j1.json", tmp / "j2.json"
    programs = {"-j 1": check_argv(paths, one, "-j", "1"),
                "-j 2": check_argv(paths, two, "-j", "2")}
    results.parallel = measure.alternate(programs, runs)
    results.parallel_same = one.read_bytes() == two.read_bytes()


def main(argv: list[str] | None = None) -> int:
    """Generate the data (once), time everything, write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, 200k instead of 1M")
    parser.add_argument("--runs", type=int, help="rounds per comparison (default 5, quick 3)")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    files = generate.generate(args.data, args.quick)
    big = "200k" if args.quick else "1000k"
    results = Results(quick=args.quick, runs=runs, big=big,
                      when=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                      machine=measure.machine(), versions=measure.versions())
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        schemas = {kind: frictionless_schema(kind, header, tmp) for kind, header in
                   (("entities", generate.ENTITY_HEADER),
                    ("transactions", generate.TRANSACTION_HEADER))}
        # one run first, so that every timed run finds gu1lint's bytecode written
        measure.run_once(check_argv([files["entities-10.csv"]], tmp / "warm-up.json"))
        small_file(results, files["entities-10.csv"], max(runs, 7), tmp)
        for name in ("entities-100k.csv", "entities-100k-bad.csv", "transactions-100k.csv"):
            kind = name.split("-")[0]
            compare_three(results, name, files[name], kind, schemas[kind], runs, tmp)
        for kind in ("entities", "transactions"):
            name = f"{kind}-{big}.csv"
            compare_three(results, name, files[name], kind, None, max(1, runs // 2 + 1), tmp)
        excel(results, files["transactions-100k.xlsx"], runs, tmp)
        parallel(results, [files[f"batch/transactions-{k}.csv"] for k in range(1, 6)], runs, tmp)
    write_results(results, args.output)
    print(f"wrote {os.path.relpath(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
