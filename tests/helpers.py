"""Helpers shared by the test modules (importable as ``helpers``: pytest puts tests/ on the path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", ROOT.parent / "shared" / "corpora"))


@dataclass
class CliResult:
    """A finished ``normnews`` process."""

    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, object]:
        """The JSON summary: the last stdout line."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        assert lines, f"no summary line on stdout; stderr was:\n{self.stderr}"
        return json.loads(lines[-1])


def run_cli(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
    """Run ``python -m normnews ARGS`` as a real subprocess."""
    proc = subprocess.run(
        [sys.executable, "-m", "normnews", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)
