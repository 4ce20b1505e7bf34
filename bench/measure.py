"""Timing and peak memory of child processes, and facts about the machine."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PACKAGES = ("gu1lint", "click", "pydantic", "python-stdnum", "pycountry", "chardet", "openpyxl",
            "python-calamine", "frictionless")


@dataclass
class Sample:
    """Wall seconds and peak RSS (MB) of each run of one program."""

    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    status: int = 0

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        """Median CPU seconds (user + system): less sensitive than wall time to other load."""
        return statistics.median(self.cpu)

    @property
    def peak_mb(self) -> float:
        """Largest peak RSS over the runs."""
        return max(self.rss_mb)


TIME = "/usr/bin/time"
#: the children's environment: bytecode is written and reused, as it is for an installed package
#: (an environment that sets PYTHONDONTWRITEBYTECODE would make every run compile gu1lint anew)
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: list[str], stdout: Path | None = None) -> tuple[float, float, float, int]:
    """Run a program to completion: (wall s, CPU s, its own peak RSS in MB, exit status).

    The peak comes from GNU time when installed: getrusage of a child started from this
    process would also count this process's own size, which the child inherits at exec.
    """
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [TIME, "-f", "%M", "-o", rss.name, *argv] if os.path.exists(TIME) else argv
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(wrapped, stdout=out, stderr=subprocess.DEVNULL, env=CHILD_ENV)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
        finally:
            if stdout:
                out.close()  # type: ignore[union-attr]
        text = rss.read().strip().splitlines()
    peak_kb = int(text[-1]) if text and text[-1].isdigit() else usage.ru_maxrss  # KiB on Linux
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime  # GNU time's own share is a millisecond or two
    return elapsed, cpu, peak_kb / 1024, proc.returncode


def alternate(programs: dict[str, list[str]], runs: int) -> dict[str, Sample]:
    """Run each program in turn, `runs` rounds, so that drifts in machine load hit all alike."""
    samples = {name: Sample() for name in programs}
    for _ in range(runs):
        for name, argv in programs.items():
            seconds, cpu, rss, status = run_once(argv)
            sample = samples[name]
            sample.seconds.append(seconds)
            sample.cpu.append(cpu)
            sample.rss_mb.append(rss)
            sample.status = status
    return samples


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or the platform's answer)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions() -> dict[str, str]:
    """Installed versions of the packages that matter to the numbers."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def machine() -> str:
    """One line about the machine the numbers come from."""
    return (f"{cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} "
            f"{platform.release()}, {sys.implementation.name} {platform.python_version()}")
