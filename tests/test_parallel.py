"""`-j N` gives the output of `-j 1`, cross-file duplicates included; `--exclude`; progress."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gu1lint.cli import main
from gu1lint.parallel import Progress
from gu1lint.report import FileResult

TX = "externalId,type,amount,currency\n"
ENT = "tax_id,type,suggested_name,country_code,external_id\n"
FILES = {
    "a/tx1.csv": TX + "t1,PAYMENT,1,USD\nt2,PAYMENT,x,USD\nt1,PAYMENT,1,USD\n",
    "a/tx2.csv": TX + "t3,PAYMENT,1,USD\nt2,PAYMENT,1,USD\nt2,PAYMENT,1,USD\nt9,PAYMENT,1,USD\n",
    "b/tx3.csv": TX + "t4,PAYMENT,1,USD\n",
    "b/tx4.csv": TX + "t9,PAYMENT,1,USD\nt1,REFUND,1,EUR\nt5,PAYMENT,=1,USD\n",
    "c/ent1.csv": ENT + "20123456786,person,Ana,AR,e1\n27000000006,person,Bea,AR,e2\n",
    "c/ent2.csv": ENT + "20123456786,company,Ana SA,AR,e3\n27000000006,person,Bea,AR,e1\n",
    "c/ent3.csv": ENT + "30500010912,company,Acme,AR,e4\n",
    "d/broken.csv": TX + 't6,PAYMENT,"1,USD\n',
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name, content in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return tmp_path


def output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["check", *args])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_jobs_output_is_identical_to_one_job(tree: Path, capsys: pytest.CaptureFixture[str],
                                             fmt: str) -> None:
    one = output(capsys, "a", "b", "c", "d", "--format", fmt, "-j", "1")
    two = output(capsys, "a", "b", "c", "d", "--format", fmt, "-j", "2")
    assert two == one
    text = one[1]
    assert "'t1' already appears at a/tx1.csv row 2" in text, "a cross-file duplicate"
    # the second t2 of tx2.csv repeats a key of tx1.csv, not only the row above it
    assert text.count("'t2' already appears at a/tx1.csv row 3") == 2
    assert "'t9' already appears at a/tx2.csv row 5" in text and "c/ent1.csv row 2" in text
    assert one[0] == 1


def test_jobs_identical_with_a_cap_and_skip_duplicates(tree: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    args = ("a", "b", "--format", "json", "--max-findings", "1", "--skip-duplicates")
    assert output(capsys, *args, "-j", "3") == output(capsys, *args, "-j", "1")


def test_jobs_keep_the_first_usage_error(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("b/unknown.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    one = output(capsys, "a", "b", "-j", "1")
    assert one[0] == 2 and "b/unknown.csv" in one[1]
    assert output(capsys, "a", "b", "-j", "2") == one


def test_exclude_skips_walked_files(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def paths(*args: str) -> list[str]:
        main(["check", ".", "--format", "json", *args])
        import json

        return [f["path"] for f in json.loads(capsys.readouterr().out)["files"]]

    everything = paths()
    assert everything == sorted(everything) and len(everything) == len(FILES)
    assert paths("--exclude", "c/*") == [p for p in everything if not p.startswith("c/")]
    assert paths("--exclude", "tx*.csv") == [p for p in everything if "/tx" not in p]
    assert paths("--exclude", "a/**", "--exclude", "broken.csv") == [
        p for p in everything if not p.startswith("a/") and "broken" not in p]


def test_exclude_does_not_drop_files_named_explicitly(tree: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "b/tx3.csv", "--exclude", "*.csv", "--format", "json"])
    assert '"path": "b/tx3.csv"' in capsys.readouterr().out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_for_several_files() -> None:
    quiet = io.StringIO()
    progress = Progress(5, quiet, delay=0)
    progress.advance()
    progress.close()
    assert quiet.getvalue() == ""
    single = Terminal()
    progress = Progress(1, single, delay=0)
    progress.advance()
    assert single.getvalue() == ""
    terminal = Terminal()
    progress = Progress(3, terminal, delay=0)
    progress.advance()
    progress.advance()
    progress.close()
    assert terminal.getvalue() == ("\r\x1b[Kgu1lint: 1/3 files\r\x1b[Kgu1lint: 2/3 files"
                                   "\r\x1b[K")


def test_progress_waits_before_showing() -> None:
    terminal = Terminal()
    progress = Progress(3, terminal, delay=3600)
    progress.advance()
    progress.close()
    assert terminal.getvalue() == ""


def test_a_lookup_without_insert_counts_as_a_dependency() -> None:
    from gu1lint.engine import RunState
    from gu1lint.parallel import RecordingState, WorkerResult, depends_on_earlier
    from gu1lint.report import FileResult

    worker = RecordingState()
    index = worker.index("transactions.externalId")
    assert "k1" not in index
    index.setdefault("k2", ("b.csv", 2))
    looked_up = {"transactions.externalId": index.looked_up - index.keys()}
    done = WorkerResult.of(FileResult("b.csv", "transactions", "csv"), [],
                           {"transactions.externalId": dict(index)}, looked_up)
    earlier = RunState()
    earlier.index("transactions.externalId")["k0"] = ("a.csv", 2)
    assert not depends_on_earlier(earlier, done)
    earlier.index("transactions.externalId")["k1"] = ("a.csv", 3)
    assert depends_on_earlier(earlier, done)


# ---- files split into pieces across workers -------------------------------------------------


def _damaged(path: Path, kind: str, rows: int, seed: int) -> Path:
    from test_block_engine import ENTITY_HEADER, TRANSACTION_HEADER, _entity, _transaction, _write

    if kind == "entities":
        return _write(path, ENTITY_HEADER, _entity, rows, seed)
    return _write(path, TRANSACTION_HEADER, _transaction, rows, seed)


def test_pieces_cover_the_last_round_of_files(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from gu1lint import parallel

    monkeypatch.setattr(parallel, "MIN_PIECE_ROWS", 10)
    paths = []
    for k in range(5):
        path = tmp_path / f"t{k}.csv"
        path.write_text(TX + "".join(f"t{k}-{i},PAYMENT,1,USD\n" for i in range(100)))
        paths.append(str(path))
    assert parallel.plan_pieces(paths, 2) == [
        (0, None), (1, None), (2, None), (3, None), (4, (0, 57)), (4, (57, None))]
    assert parallel.plan_pieces(paths[:4], 2) == [(k, None) for k in range(4)]
    # a later piece also reads the rows before it: it checks fewer
    assert parallel.plan_pieces(paths[:1], 3) == [(0, (0, 43)), (0, (43, 33)), (0, (76, None))]
    (tmp_path / "x.xlsx").write_bytes(b"")
    assert parallel.plan_pieces([str(tmp_path / "x.xlsx")], 2) == [(0, None)]  # CSV only
    monkeypatch.setattr(parallel, "MIN_PIECE_ROWS", 60)
    assert parallel.plan_pieces(paths[:1], 2) == [(0, None)]  # pieces would be too small


@pytest.mark.parametrize("kind", ["entities", "transactions"])
def test_a_file_split_across_workers_reports_as_one_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        kind: str) -> None:
    """Damaged rows, duplicates within the file and across its pieces, caps of findings that
    fall in either piece: pieces joined give the report of one pass."""
    from gu1lint import engine, parallel

    monkeypatch.setattr(parallel, "MIN_PIECE_ROWS", 100)
    monkeypatch.setattr(engine, "BLOCK_ROWS", 64)
    first = _damaged(tmp_path / f"{kind}-1.csv", kind, 1200, seed=3)
    second = _damaged(tmp_path / f"{kind}-2.csv", kind, 1500, seed=4)
    third = _damaged(tmp_path / f"{kind}-3.csv", kind, 900, seed=5)
    args = (str(first), str(second), str(third), "--kind", kind, "--format", "json")
    joins: list[bool] = []
    join = parallel.join_pieces

    def spy(first: FileResult, then: FileResult, cap: int) -> FileResult:
        joins.append(first.cut)
        return join(first, then, cap)

    monkeypatch.setattr(parallel, "join_pieces", spy)
    status, one = output(capsys, *args, "--max-findings", "1000000", "-j", "1")
    total = len(json.loads(one)["findings"])
    assert total > 500 and not joins
    for cap in ("1000000", str(total // 3), str(total * 2 // 3), "5"):
        capped = (*args, "--max-findings", cap)
        expected = output(capsys, *capped, "-j", "1")
        for jobs in ("2", "5"):  # the third file in two pieces; all three in two each
            assert output(capsys, *capped, "-j", jobs) == expected, (cap, jobs)
    assert joins and all(joins)


def test_pieces_with_a_read_error_quoted_line_breaks_and_a_short_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        ) -> None:
    from gu1lint import parallel

    monkeypatch.setattr(parallel, "MIN_PIECE_ROWS", 20)
    rows = [f"t{i},PAYMENT,{i},USD\n" for i in range(300)]
    late = tmp_path / "late-error.csv"  # undecodable bytes in what the second piece checks
    late.write_bytes((TX + "".join(rows[:250])).encode() + b"t\xff,PAYMENT,1,USD\n"
                     + "".join(rows[250:]).encode())
    early = tmp_path / "early-error.csv"  # ... in what the first piece checks
    early.write_bytes((TX + "".join(rows[:30])).encode() + b"t\xff,PAYMENT,1,USD\n"
                      + "".join(rows[30:]).encode())
    quoted = tmp_path / "quoted.csv"  # line breaks inside values: fewer rows than lines
    quoted.write_text(TX + "".join(f't{i},PAYMENT,"{i}\n\n\n",USD\n' for i in range(200)))
    repeated = tmp_path / "repeated.csv"  # every key of the second half is in the first
    repeated.write_text(TX + "".join(rows[:150]) + "".join(rows[:150]))
    for path in (late, early, quoted, repeated):
        assert len(parallel.plan_pieces([str(path)], 2)) == 2, path
        args = (str(path), "--kind", "transactions", "--format", "json")
        one = output(capsys, *args, "-j", "1")
        assert output(capsys, *args, "-j", "2") == one, path.name
    assert "'t0' already appears at row 2" in one[1]  # across the pieces


def test_the_parent_unpickles_keys_only_when_fingerprints_meet() -> None:
    import pickle

    from gu1lint.engine import RunState
    from gu1lint.parallel import Ledger, WorkerResult

    name = "transactions.externalId"

    def piece(path: str, keys: dict[str, int], looked_up: set[str] = frozenset()) -> WorkerResult:
        done = WorkerResult.of(FileResult(path, "transactions", "csv"), [f"{path} note"],
                               {name: keys}, {name: set(looked_up)} if looked_up else {})
        return pickle.loads(pickle.dumps(done))  # as it crosses from a worker

    state = RunState()
    ledger = Ledger(state, shared_hash=True)
    first = piece("a.csv", {"t1": 2, "t2": 3})
    assert not ledger.depends(first)
    ledger.take(first, merged=True)
    second = piece("b.csv", {"t3": 2})
    assert not ledger.depends(second)
    assert first._loaded is None and second._loaded is None  # no key was unpickled
    assert state.keys == {}
    ledger.take(second, merged=True)
    third = piece("c.csv", {"t4": 2}, looked_up={"t2"})  # a lookup of an earlier key
    assert ledger.depends(third)
    assert state.keys[name] == {"t1": 2, "t2": 3, "t3": 2}  # earlier keys settled in order
    # equal fingerprints of different keys: the exact test says no
    ledger = Ledger(RunState(), shared_hash=True)
    one, other = piece("a.csv", {"x": 1}), piece("b.csv", {"y": 1})
    other.fingerprints = one.fingerprints
    ledger.take(one, merged=True)
    assert not ledger.depends(other) and other._loaded is not None
    # spawned workers do not share the salt: the keys always decide
    ledger = Ledger(RunState(), shared_hash=False)
    lone = piece("a.csv", {"x": 1})
    assert not ledger.depends(lone) and lone._loaded is not None
