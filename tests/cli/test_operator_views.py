"""`show` tells the story by file and title; `explain` says which learned state it used; on a
terminal, log lines go above the progress bar."""

from __future__ import annotations

import os
import pty
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from helpers import SAMPLE, run_cli, story_text
from normnews.statefiles import load_census

DAY = "2026-11-24"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("views") / "out"
    assert run_cli("run", SAMPLE, "--out", out, "--run-date", DAY, "--workers", "1").code == 0
    return out


def test_show_names_the_kept_article_by_file_and_title(sample_out):
    """A duplicate is shown as a copy of the kept article's file#record and title, not of a
    bare hash."""
    done = run_cli("show", sample_out)
    assert done.code == 0
    lines = done.stdout.splitlines()
    exact = next(line for line in lines if "exact copy of" in line)
    assert exact == (
        "- feeds/morning.jsonl.gz#2 (Library extends weekend opening) is an exact copy of "
        "feeds/morning.jsonl.gz#1 (Library extends weekend opening) (similarity 1.00)"
    )
    near = next(line for line in lines if "near copy of" in line)
    assert "near copy of feeds/morning.jsonl.gz#0 (Restored Harbour Bridge open again)" in near
    assert not re.search(r"copy of [0-9a-f]{16}", done.stdout)


def test_show_prints_whole_file_rejects_without_a_record(sample_out):
    """A reject of a whole file shows its path alone (no `#None`)."""
    done = run_cli("show", sample_out)
    assert "#None" not in done.stdout
    assert re.search(r"^- broken/scan\.txt: not_text: ", done.stdout, re.MULTILINE)
    assert done.summary == {
        "status": "ok",
        "out": str(sample_out),
        "run_id": done.summary["run_id"],
        "articles": 10,
        "duplicates": 2,
        "rejects": 4,
    }


def test_explain_without_out_says_it_used_no_learned_state():
    """Without --out the first line says no learned state was used, and why that matters."""
    done = run_cli("explain", SAMPLE / "blog" / "night-bus-routes.txt")
    assert done.code == 0
    first = done.stdout.splitlines()[0]
    assert first.startswith("LEARNED STATE: none.") and "--out OUT" in first
    assert done.summary["learned_state"] is False and done.summary["learned_lines"] == 0


def test_explain_with_out_names_the_state_it_used(sample_out):
    """With --out the first line names the census folder and its run dates."""
    done = run_cli("explain", SAMPLE / "blog" / "night-bus-routes.txt", "--out", sample_out)
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"LEARNED STATE: {sample_out / '_state' / 'lines'}, run dates {DAY}")
    assert done.summary["learned_state"] is True
    assert done.summary["edits_boilerplate"] >= 1


def test_explain_uses_the_lines_the_run_learned(tmp_path):
    """A line repeated across a site's articles is removed by the run; explain with --out
    removes it the same way and counts it as learned, explain without --out keeps it."""
    data = tmp_path / "in" / "kestrel"
    data.mkdir(parents=True)
    # Not sentence-shaped, so no rule of the cleaner removes it on its own: only the census.
    footer = "Kestrel Courier Harbour Edition · Vlissingen Desk"
    for i in range(8):
        (data / f"s{i}.txt").write_text(f"Story {i}\n\n{story_text(i)}\n\n{footer}\n")
    out = tmp_path / "out"
    done = run_cli("run", tmp_path / "in", "--out", out, "--run-date", DAY, "--workers", "1")
    assert done.code == 0, done.stderr
    lines = (out / "_runs" / f"{done.summary['run_id']}.json").read_text()
    assert footer in lines  # the manifest's learned_lines hold the text
    with_state = run_cli("explain", data / "s3.txt", "--out", out)
    without = run_cli("explain", data / "s3.txt")
    after = with_state.stdout.split("\nAFTER\n")[1].split("\n====")[0]
    assert footer not in after
    assert footer in without.stdout.split("\nAFTER\n")[1].split("\n====")[0]
    assert with_state.summary["learned_lines"] >= 1
    # The text is kept in _state beside the census's hashes, under the same key.
    (part,) = (out / "_state" / "line_text").rglob("*.parquet")
    (row,) = pq.read_table(part).to_pylist()
    assert (row["text"], row["site"], row["articles"]) == (footer, "kestrel", 8)
    census = load_census(out / "_state", date.max, include_day=True)
    assert row["key"] % (1 << 64) in census.by_site["kestrel"]
    # ...and the report shows it as text.
    page = run_cli("report", out)
    assert footer in Path(str(page.summary["report"])).read_text(encoding="utf-8")


def _run_on_a_terminal(args: list[str]) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; return what it drew."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes normnews
        os.environ["COLUMNS"] = "100"
        os.execv(sys.executable, [sys.executable, "-m", "normnews", *args])
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    return data.decode("utf-8", "replace")


def test_logs_go_above_the_progress_bar_on_a_terminal(tmp_path):
    """On a terminal the progress bar is drawn, and no log line starts inside the bar's line:
    each begins a line of its own."""
    data = tmp_path / "in"
    shutil.copytree(SAMPLE, data)
    drawn = _run_on_a_terminal(
        ["run", str(data), "--out", str(tmp_path / "out"), "--log-format", "text"]
    )
    plain = ANSI.sub("", drawn)
    segments = re.split(r"[\r\n]", plain)
    assert any(" records " in s for s in segments), "the progress bar was never drawn"
    logs = [s for s in segments if "normnews: INFO" in s]
    assert any("stage process" in s for s in logs)
    for segment in logs:
        assert segment.startswith("normnews: INFO"), segment


def test_run_log_names_a_whole_file_reject_without_a_record(tmp_path):
    """The run's log names a whole-file reject by its path alone, like `show` does."""
    done = run_cli(
        "run", SAMPLE, "--out", tmp_path / "out", "--run-date", DAY, "--log-format", "text"
    )
    assert done.code == 0, done.stderr
    assert "rejected broken/scan.txt: not_text:" in done.stderr
    assert "#None" not in done.stderr
