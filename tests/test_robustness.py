"""Broken and hostile inputs never crash gu1lint: each ends in coded findings or one stderr line
with status 2, within a memory bound, without touching the file, and the other files of the
same call are still linted. The corpus is tests/corpus_bad/ plus the large files of
tests/make_bad_corpus.py, written at test time."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_json
from make_bad_corpus import CORPUS, TX, small_files, write_large

#: the most memory (max RSS) one gu1lint process may use on any corpus input; an idle run
#: takes about 40 MB, the 50 MB line about 70 MB
MEMORY_BOUND_MB = 160
ARGS = ("--kind", "transactions", "--plan", "growth")
UNREADABLE = "UNREADABLE_FILE unreadable-file"

#: corpus file -> the findings expected, as "row:line CODE rule" in report order
EXPECTED: dict[str, list[str]] = {
    "empty.csv": [f"None:1 {UNREADABLE}"],
    "header-only.csv": [],
    "header-duplicate-blank.csv": ["None:None MISSING_COLUMN duplicate-header"],
    "rows-ragged.csv": [
        "2:2 VALIDATION_ERROR row-cell-count-mismatch",
        "2:2 VALIDATION_ERROR required-value-missing",
        "3:3 VALIDATION_ERROR row-cell-count-mismatch",
        "4:4 CONSTRAINT_VIOLATION transaction-external-id-duplicate",
    ],
    "rows-short-key-last.csv": [
        "2:2 VALIDATION_ERROR row-cell-count-mismatch",
        "2:2 VALIDATION_ERROR required-value-missing",
        "2:2 VALIDATION_ERROR required-value-missing",
    ],
    "quote-unbalanced.csv": [f"None:3 {UNREADABLE}"],
    "nul-byte.csv": [f"None:3 {UNREADABLE}"],
    "binary.csv": [f"None:1 {UNREADABLE}"],
    "zip-named.csv": [f"None:1 {UNREADABLE}"],
    "utf16-bom.csv": ["None:None ENCODING_NOT_UTF8 encoding-not-utf8"],
    "utf16le-no-bom.csv": ["None:None ENCODING_NOT_UTF8 encoding-not-utf8"],
    "utf16be-no-bom.csv": ["None:None ENCODING_NOT_UTF8 encoding-not-utf8"],
    "mixed-utf8-then-cp1252.csv": [f"None:3 {UNREADABLE}"],
    "mixed-cp1252-then-utf8.csv": [f"None:3 {UNREADABLE}"],
    "header-too-wide.csv": [f"None:1 {UNREADABLE}"],
    "not-a-zip.xlsx": [f"None:None {UNREADABLE}"],
    "truncated.xlsx": [f"None:None {UNREADABLE}"],
    "xxe.xlsx": [f"None:None {UNREADABLE}"],
    "entity-expansion.xlsx": [f"None:None {UNREADABLE}"],
    "zip-lying-sizes.xlsx": [f"None:None {UNREADABLE}"],
    "sheets-several.xlsx": [],
    "merged-cells.xlsx": ["3:3 VALIDATION_ERROR required-value-missing"],
    "formulas-uncached.xlsx": [
        "2:2 SUSPICIOUS_VALUE formula-without-cached-value",
        "2:2 VALIDATION_ERROR required-value-missing",
        "3:3 SUSPICIOUS_VALUE formula-without-cached-value",
        "3:3 VALIDATION_ERROR required-value-missing",
    ],
    "header-too-wide.xlsx": [f"None:1 {UNREADABLE}"],
    "sparse-far-cells.xlsx": [],
    "invalid.json": [f"None:3 {UNREADABLE}"],
    "top-level-scalar.json": [f"None:1 {UNREADABLE}"],
    "empty.json": [f"None:1 {UNREADABLE}"],
    "non-string-values.json": [
        "1:2 VALIDATION_ERROR enum-value-invalid",
        "1:2 VALIDATION_ERROR currency-code-invalid",
    ],
    "huge-integer.json": [f"None:None {UNREADABLE}"],
    "lone-surrogate.json": [f"None:1 {UNREADABLE}"],
    "not-utf8.json": [f"None:None {UNREADABLE}"],
    "invalid.jsonl": [f"None:2 {UNREADABLE}"],
    "scalar-line.jsonl": [f"None:2 {UNREADABLE}"],
}

#: words each file's unreadable-file message must hold: the finding names the real cause
REASONS = {
    "empty.csv": "empty",
    "quote-unbalanced.csv": "unbalanced quote",
    "nul-byte.csv": "NUL byte at line 3",
    "binary.csv": "binary data",
    "zip-named.csv": "zip archive",
    "mixed-utf8-then-cp1252.csv": "mixed encodings",
    "mixed-cp1252-then-utf8.csv": "mixed encodings",
    "header-too-wide.csv": "wider than 1,024 columns",
    "not-a-zip.xlsx": "not a zip archive",
    "truncated.xlsx": "truncated",
    "xxe.xlsx": "declares a DTD",
    "entity-expansion.xlsx": "declares a DTD",
    "zip-lying-sizes.xlsx": "damaged",
    "header-too-wide.xlsx": "wider than 1,024 columns",
    "invalid.json": "invalid JSON",
    "top-level-scalar.json": "is a number, not an array",
    "huge-integer.json": "4,300 digits",
    "lone-surrogate.json": "surrogate",
    "not-utf8.json": "UTF-8",
    "invalid.jsonl": "invalid JSON",
    "scalar-line.jsonl": "is a string, not an object",
    "line-50mb.csv": "longer than 16,777,216 characters",
    "string-100mb.json": "gu1lint loads at most 67,108,864",
    "string-100mb.jsonl": "longer than 16,777,216 characters",
    "nested-100k.json": "nested too deeply",
    "nested-100k.jsonl": "nested too deeply",
    "zip-bomb.xlsx": "zip bomb",
}

LARGE_EXPECTED = {
    "line-50mb.csv": [f"None:3 {UNREADABLE}"],
    "string-100mb.json": [f"None:None {UNREADABLE}"],
    "string-100mb.jsonl": [f"None:2 {UNREADABLE}"],
    "nested-100k.json": [f"None:1 {UNREADABLE}"],
    "nested-100k.jsonl": [f"None:2 {UNREADABLE}"],
    "zip-bomb.xlsx": [f"None:None {UNREADABLE}"],
}


def found(report: dict, path: str) -> list[str]:
    """One file's findings as 'row:line CODE rule'."""
    return [f"{f['row']}:{f['line']} {f['code']} {f['rule']}" for f in report["findings"]
            if f["path"] == path]


def fingerprint(paths: list[Path]) -> dict[str, tuple[str, int, int]]:
    """sha256, mode and mtime of each file: what 'nothing modified' compares."""
    out = {}
    for path in paths:
        st = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        out[str(path)] = (digest, st.st_mode, st.st_mtime_ns)
    return out


def check_reason(report: dict, name: str) -> None:
    """The unreadable-file finding of a file says why."""
    messages = [f["message"] for f in report["findings"] if f["rule"] == "unreadable-file"]
    if name in REASONS:
        assert messages and REASONS[name] in messages[0], (name, messages)


def good_file(folder: Path, name: str) -> Path:
    """A clean transactions file whose id no corpus file uses."""
    path = folder / name
    path.write_text(f"{TX}\n{name}-1,PAYMENT,10.5,USD\n", encoding="utf-8")
    return path


#: Linux counts the memory of the process that forked a child into the child's ru_maxrss
#: (exec records the old address space's peak), and pytest's process is large; so a small
#: Python process starts gu1lint and reports the ru_maxrss of that grandchild
MEASURE = """import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_subprocess(args: list[str], cwd: Path) -> tuple[int, str, str, int]:
    """Run `python -m gu1lint ...`; (status, stdout, stderr, max RSS in MB) of that process."""
    out, err, rss = cwd / "stdout.txt", cwd / "stderr.txt", cwd / "rss.txt"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        status = subprocess.run([sys.executable, "-c", MEASURE, str(rss), sys.executable, "-m",
                                 "gu1lint", *args], stdout=fo, stderr=fe, cwd=cwd).returncode
    # ru_maxrss is in kilobytes on Linux
    return (status, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"),
            int(rss.read_text()) // 1024)


# ---- the committed corpus is what the script builds -------------------------------------------


def test_corpus_matches_its_script() -> None:
    files = small_files()
    on_disk = {p.name for p in CORPUS.iterdir()}
    assert on_disk == set(files), "run: python tests/make_bad_corpus.py"
    for name, data in files.items():
        assert (CORPUS / name).read_bytes() == data, f"{name}: run python tests/make_bad_corpus.py"


def test_every_corpus_file_has_an_expectation() -> None:
    assert set(EXPECTED) == set(small_files())


# ---- each file between two good ones, in-process ------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_between_good_ones(name: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = CORPUS / name
    before_ = good_file(tmp_path, "before.csv")
    after_ = good_file(tmp_path, "after.csv")
    inputs = [before_, bad, after_]
    sums = fingerprint(inputs)
    status, report = run_json(capsys, str(before_), str(bad), str(after_), *ARGS)
    assert fingerprint(inputs) == sums, "an input was modified"
    assert found(report, str(bad)) == EXPECTED[name]
    check_reason(report, name)
    for good in (before_, after_):
        assert found(report, str(good)) == []
    assert [f["rows"] for f in report["files"]][::2] == [1, 1]
    errors = any(f["severity"] == "error" for f in report["findings"])
    assert status == (1 if errors else 0)


# ---- the whole small corpus in one process: stderr, memory, checksums --------------------------


def test_corpus_in_one_process_within_the_memory_bound(tmp_path: Path) -> None:
    paths = sorted(CORPUS.iterdir())
    sums = fingerprint(paths)
    status, out, err, rss = run_subprocess(
        ["check", *map(str, paths), *ARGS, "--format", "json"], tmp_path)
    assert fingerprint(paths) == sums
    assert err == "" and status == 1
    report = json.loads(out)
    assert len(report["files"]) == len(paths)
    # within one call the duplicate check spans files, so compare the codes that are not it
    for path in paths:
        expected = [t for t in EXPECTED[path.name] if "duplicate" not in t]
        got = [t for t in found(report, str(path)) if "duplicate" not in t]
        assert got == expected, path.name
    assert rss < MEMORY_BOUND_MB, f"{rss} MB"


@pytest.fixture(scope="module")
def large_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The large files, written once for this module."""
    return write_large(tmp_path_factory.mktemp("large"))


@pytest.mark.parametrize("name", sorted(LARGE_EXPECTED))
def test_large_inputs_within_the_memory_bound(name: str, large_corpus: dict[str, Path],
                                              tmp_path: Path) -> None:
    path = large_corpus[name]
    sums = fingerprint([path])
    status, out, err, rss = run_subprocess(["check", str(path), *ARGS, "--format", "json"],
                                           tmp_path)
    assert fingerprint([path]) == sums
    assert (status, err) == (1, "")
    report = json.loads(out)
    assert found(report, str(path)) == LARGE_EXPECTED[name]
    check_reason(report, name)
    assert rss < MEMORY_BOUND_MB, f"{name}: {rss} MB"


# ---- paths that are not files --------------------------------------------------------------------


def special_paths(tmp_path: Path) -> dict[str, Path]:
    """A FIFO, a symlink loop and a dangling link, each named like an import file."""
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    loop_a, loop_b = tmp_path / "loop-a.csv", tmp_path / "loop-b.csv"
    loop_a.symlink_to(loop_b.name)
    loop_b.symlink_to(loop_a.name)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to("nowhere.csv")
    return {"not a regular file": fifo, "symbolic links": loop_a, "No such file": dangling}


def test_fifo_symlink_loop_and_dangling_link_are_unreadable(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    special = special_paths(tmp_path)
    good = good_file(tmp_path, "good.csv")
    status, report = run_json(capsys, *map(str, special.values()), str(good), *ARGS)
    assert status == 1
    for words, path in special.items():
        [finding] = [f for f in report["findings"] if f["path"] == str(path)]
        assert finding["rule"] == "unreadable-file" and words in finding["message"]
    assert found(report, str(good)) == []


def test_a_folder_named_like_a_csv_is_walked(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "x.csv"
    folder.mkdir()
    inner = good_file(folder, "inner.csv")
    (tmp_path / "empty.csv").mkdir()
    status, report = run_json(capsys, str(folder), str(tmp_path / "empty.csv"), *ARGS)
    assert status == 0
    assert [f["path"] for f in report["files"]] == [str(inner)]


def test_a_file_without_read_permission(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    locked = good_file(tmp_path, "locked.csv")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("this user reads files without read permission (root)")
        status, report = run_json(capsys, str(locked), *ARGS)
        [finding] = report["findings"]
        assert finding["rule"] == "unreadable-file" and "Permission denied" in finding["message"]
        assert status == 1
    finally:
        locked.chmod(0o644)


@pytest.mark.parametrize("arg", ["missing.csv", "x" * 5000 + ".csv", "missing-folder/"])
def test_a_bad_path_is_one_line_and_status_2(arg: str, tmp_path: Path) -> None:
    good = good_file(tmp_path, "good.csv")
    status, out, err, _ = run_subprocess(["check", str(good), arg, *ARGS], tmp_path)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("gu1lint: error: ")
    assert "Traceback" not in err and out == ""


def test_control_characters_in_a_path_never_reach_the_terminal(tmp_path: Path) -> None:
    status, _, err, _ = run_subprocess(["check", "evil\x1b[31m\rname.csv", *ARGS], tmp_path)
    assert status == 2
    assert "\x1b" not in err and "\r" not in err and err.count("\n") == 1


# ---- nothing modified: the fixtures -------------------------------------------------------------


def test_checking_the_fixtures_modifies_none(capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = ROOT / "fixtures"
    paths = sorted(p for p in fixtures.rglob("*") if p.is_file()) if fixtures.is_dir() else []
    data = [p for p in paths if p.suffix in (".csv", ".xlsx", ".json", ".jsonl")]
    if not data:
        pytest.skip("no fixtures yet")
    sums = fingerprint(paths)
    for path in data:
        try:
            run_json(capsys, str(path), *ARGS)
        except json.JSONDecodeError:  # status 2 (e.g. a mapping file linted as data): no report
            pass
        assert fingerprint(paths) == sums, path
