"""Ctrl-C during a run: one `interrupted` summary line (exit 130), nothing half-published."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from helpers import story_text


def test_sigint_during_a_run_prints_interrupted(tmp_path):
    """SIGINT while articles are being processed ends the run with exit 130 and one summary
    line whose status is `interrupted`; no manifest is published and no staging is left."""
    data = tmp_path / "in"
    data.mkdir()
    with (data / "big.jsonl").open("w") as feed:
        for i in range(4000):
            feed.write(json.dumps({"title": f"Story {i}", "text": story_text(i, 12)}) + "\n")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "normnews", "run", str(data), "--out", str(out), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if '"stage process"' in line:
            proc.send_signal(signal.SIGINT)
            break
    stdout, _ = proc.communicate(timeout=120)
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert len(lines) == 1, stdout
    summary = json.loads(lines[0])
    assert summary["status"] == "interrupted" and summary["exit_code"] == 130
    assert proc.returncode == 130
    assert not list((out / "_runs").glob("*.json")) if (out / "_runs").exists() else True
    assert not list(out.glob(".staging-*"))
