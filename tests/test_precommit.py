"""The pre-commit hook, run by the real `pre-commit try-repo` in a throwaway git repository.

try-repo builds a virtualenv and pip-installs gu1lint from a snapshot of this working tree, so
it needs git and the package index; the test is marked `slow` and skips, saying why, without
them. Both runs share one PRE_COMMIT_HOME, so the environment is built once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
#: what pip needs to build and install gu1lint (see [tool.hatch.build] in pyproject.toml)
BUILD_INPUTS = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "gu1lint", "rules")
CLEAN = "externalId,type,amount,currency\nt1,PAYMENT,10.50,USD\n"
BAD = "externalId,type,amount,currency\nt1,PAYMENT,10.50,USD\nt1,PAYOUT,ten,USD\n"


def test_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = hooks
    assert hook["id"] == "gu1lint" and hook["entry"] == "gu1lint check"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True and hook["pass_filenames"] is True
    import re

    files = re.compile(hook["files"])
    for name in ("a.csv", "b.XLSX", "c.xls", "d/e.json", "f.JSONL"):
        assert files.search(name), name
    for name in ("a.csv.bak", "b.txt", "README.md", "xlsx"):
        assert not files.search(name), name


def index_url() -> str:
    """The package index pip is configured to use."""
    env = os.environ.get("PIP_INDEX_URL")
    if env:
        return env
    try:
        out = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                             capture_output=True, text=True, timeout=60)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return "https://pypi.org/simple/"


def skip_reason() -> str | None:
    """Why try-repo cannot run here, or None."""
    if shutil.which("git") is None:
        return "git is not installed"
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return "pre-commit is not installed (pip install '.[test]')"
    url = index_url().rstrip("/") + "/pip/"
    try:
        with urllib.request.urlopen(url, timeout=15) as answer:
            if answer.status != 200:
                return f"the package index answered {answer.status} for {url}"
    except OSError as exc:
        return f"the package index {url} cannot be reached: {exc}"
    return None


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=gu1lint", "-c", "user.email=gu1lint@example.com",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed snapshot of this working tree, uncommitted changes included."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, snapshot / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q")
    git(snapshot, "add", ".")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot


def try_repo(hook_repo: Path, work: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
                           "gu1lint", "--ref", "HEAD", "--files", *files],
                          cwd=work, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_pre_commit_try_repo(hook_repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "data-repo"
    work.mkdir()
    (work / "clean.csv").write_text(CLEAN, encoding="utf-8")
    (work / "bad.csv").write_text(BAD, encoding="utf-8")
    (work / "notes.txt").write_text("not an import file\n", encoding="utf-8")
    git(work, "init", "-q")
    git(work, "add", ".")
    home = tmp_path / "pre-commit-home"

    clean = try_repo(hook_repo, work, home, "clean.csv", "notes.txt")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "gu1lint" in clean.stdout and "Passed" in clean.stdout

    bad = try_repo(hook_repo, work, home, "clean.csv", "bad.csv")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "bad.csv:3:externalId: CONSTRAINT_VIOLATION [transaction-external-id-duplicate]" in (
        bad.stdout)
    assert "bad.csv:3:type: VALIDATION_ERROR [enum-value-invalid]" in bad.stdout


def test_action_steps_run_check_with_annotations_and_sarif(tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert set(action["inputs"]) == {"paths", "args", "sarif-file", "python-version"}
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert any('"$ACTION_PATH"' in s.get("run", "") and s["env"]["ACTION_PATH"] ==
               "${{ github.action_path }}" for s in steps), "installs the action's own checkout"
    sarif_step = next(s for s in steps if s.get("id") == "sarif")
    check_step = steps[-1]
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    (tmp_path / "my data").mkdir()
    (tmp_path / "my data" / "tx.csv").write_text(BAD, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GU1LINT_PATHS": "'my data/tx.csv'", "GU1LINT_ARGS": '--select "enum-value-invalid"',
           "GU1LINT_SARIF": "out.sarif", "GITHUB_OUTPUT": str(tmp_path / "outputs")}
    env.pop("GITHUB_ACTIONS", None)

    def step(script: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    sarif = step(sarif_step["run"])
    assert sarif.returncode == 0, sarif.stderr
    assert (tmp_path / "outputs").read_text("utf-8") == "file=out.sarif\n"
    log = json.loads((tmp_path / "out.sarif").read_text("utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["enum-value-invalid"]
    check = step(check_step["run"])
    assert check.returncode == 1
    assert check.stdout.startswith("::error file=my data/tx.csv,line=3,title=VALIDATION_ERROR")
    env["GU1LINT_ARGS"] = "--plan no-such-plan"
    assert step(sarif_step["run"]).returncode != 0, "a usage error fails the SARIF step"
