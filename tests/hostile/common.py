"""Shared pieces of the hostile-input suite: a small feed, an in-process run, Parquet counts.

Runs go through the library (``normnews.pipeline.run``, one worker) where only the outcome
matters, and through the real CLI in a subprocess where the exit code is the point.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.dataset as pds
import pytest

from helpers import story_text
from normnews.config import load_config
from normnews.pipeline import RunResult, run

DAY = "2026-01-01"


def feed_lines(n: int, start: int = 0) -> str:
    """``n`` distinct JSON-lines articles (stories ``start`` … ``start + n - 1``)."""
    return "".join(
        json.dumps({"title": f"Story {i}", "text": story_text(i)}) + "\n"
        for i in range(start, start + n)
    )


def run_job(inp: Path, out: Path, *, day: str = DAY, **overrides: Any) -> RunResult:
    """One run in this process (one worker), as ``normnews run`` would do it."""
    cfg = load_config(None, input_dir=inp, out_dir=out, run_date=day, workers=1, **overrides)
    return run(cfg)


def rows(out: Path, dataset: str) -> list[dict[str, Any]]:
    """Every row of a published dataset (hive partitions read by pyarrow)."""
    folder = out / dataset
    if not folder.exists():
        return []
    table = pds.dataset(folder, format="parquet", partitioning="hive").to_table()
    return table.to_pylist()


def counts(out: Path) -> dict[str, int]:
    """Rows per dataset, read back from the Parquet files."""
    return {name: len(rows(out, name)) for name in ("articles", "duplicates", "rejects")}


def published_bytes(out: Path) -> dict[str, bytes]:
    """Every published Parquet file with its bytes (hidden folders left out)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*.parquet"))
        if not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


@contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real, small tmpfs at ``path`` (root only); skips the test where mounting is denied."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)
