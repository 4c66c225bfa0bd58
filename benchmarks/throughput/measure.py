"""Run a command and measure wall time and peak memory of its whole process tree.

The tree (the process and every descendant: pool workers, executor children) is sampled with
psutil every ``interval`` seconds. Two peaks are recorded: the largest *sum* of RSS over the
tree at one sample (what the machine must hold), and the largest single process RSS. Shared
pages (forked copies of the parent's memory) are counted once per process, so the sum errs
high, which is the safe side for a memory budget.

The machine may be shared: every ~0.5 s the CPU seconds used by processes *outside* the tree
are summed too (``foreign_cpu_s``), so a result measured next to someone else's job says so.
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # type: ignore[import-untyped]


@dataclass
class Measured:
    """What one command did: exit code, wall seconds, peak RSS (MB), its stdout."""

    returncode: int
    wall_s: float
    peak_rss_total_mb: float
    peak_rss_single_mb: float
    max_processes: int
    stdout: str
    stderr_tail: str = ""
    samples: int = 0
    foreign_cpu_s: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)


def _tree_rss(proc: psutil.Process) -> tuple[int, int, int]:
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0, 0
    total = single = n = 0
    for p in procs:
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        single = max(single, rss)
        n += 1
    return total, single, n


def run_measured(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    interval: float = 0.05,
) -> Measured:
    """Run ``cmd`` to completion, sampling its process tree's memory.

    Args:
        cmd: The command line.
        cwd: Working directory.
        env: Environment (``None``: inherit).
        interval: Seconds between samples (~50 ms).

    Returns:
        The measurements.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    ps = psutil.Process(proc.pid)
    peak = {"total": 0, "single": 0, "n": 0, "samples": 0}
    done = threading.Event()
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    me = psutil.Process()

    def foreign() -> None:
        try:
            mine = {proc.pid, me.pid, *(c.pid for c in ps.children(recursive=True))}
        except psutil.Error:
            mine = {proc.pid, me.pid}
        for p in psutil.process_iter(["pid", "cpu_times"]):
            if p.info["pid"] in mine or p.info["cpu_times"] is None:
                continue
            used = p.info["cpu_times"].user + p.info["cpu_times"].system
            first.setdefault(p.info["pid"], used)
            last[p.info["pid"]] = used

    def sample() -> None:
        while not done.is_set():
            if peak["samples"] % 10 == 0:
                foreign()
            total, single, n = _tree_rss(ps)
            peak["total"] = max(peak["total"], total)
            peak["single"] = max(peak["single"], single)
            peak["n"] = max(peak["n"], n)
            peak["samples"] += 1
            done.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    thread.join()
    mb = 1024 * 1024
    return Measured(
        returncode=proc.returncode,
        wall_s=round(wall, 3),
        peak_rss_total_mb=round(peak["total"] / mb, 1),
        peak_rss_single_mb=round(peak["single"] / mb, 1),
        max_processes=peak["n"],
        stdout=out,
        stderr_tail=err[-2000:],
        samples=peak["samples"],
        foreign_cpu_s=round(sum(last[p] - first[p] for p in last), 1),
    )
