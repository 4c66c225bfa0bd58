"""Reliability benchmark: hostile single-file inputs, SIGKILL trials and disk-full trials.

1. **Bombs.** Each case is one hostile file (a decompression bomb, a 300 MB CSV field, ...)
   next to nothing else, run with the real CLI (``--workers 1``) in a fresh process. Recorded:
   exit code, rejects by reason and lost records (``records_in`` minus the article, duplicate
   and reject rows read back from Parquet; must be 0), the good records found, wall time and
   the peak RSS of the run (VmHWM, polled).
2. **SIGKILL trials.** A run over ~1,200 articles (6 files, 2 workers) is killed at a random
   moment after each stage starts (4 trials per stage) and at each publish failpoint; the next
   run must leave exactly the bytes of an uninterrupted run.
3. **Disk-full trials.** The same run on a real tmpfs too small for it (several sizes, so it
   fails at different points), then the file system is enlarged and the job rerun: the output
   must again equal the uninterrupted run's bytes. Needs root (``mount``); skipped otherwise.

Usage::

    PYTHONPATH=src:tests python benchmarks/reliability.py [--quick] [--skip-bombs] ...

Results go to ``benchmarks/results/reliability.json`` and ``reliability.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.dataset as pds
import zstandard

from helpers import PUBLISH_POINTS, STAGES, near_copy, story_text

RESULTS = Path(__file__).parent / "results"
DAY = "2026-11-24"
GOOD = 5
MIB = 1 << 20


# --- running the CLI ------------------------------------------------------------------------


def _cli(
    inp: Path, out: Path, *extra: str, workers: int = 1, env: dict[str, str] | None = None
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "normnews",
        "run",
        str(inp),
        "--out",
        str(out),
        "--run-date",
        DAY,
        "--workers",
        str(workers),
        "--log-format",
        "json",
        *extra,
    ]


def _hwm_kb(pid: int) -> int:
    """VmHWM of a live process (its own peak RSS; unlike ``ru_maxrss``, not inherited from
    the forking parent over exec)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _run_measured(cmd: list[str], timeout: float = 1800) -> tuple[int, str, float, float]:
    """Run ``cmd``; return exit code, stdout, wall seconds and peak RSS in MB (VmHWM, polled
    every 20 ms until the process exits)."""
    started = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f)
        while proc.poll() is None:
            peak = max(peak, _hwm_kb(proc.pid))
            if time.perf_counter() > started + timeout:
                proc.kill()
            time.sleep(0.02)
        out_f.seek(0)
        stdout = out_f.read().decode()
    return proc.returncode, stdout, time.perf_counter() - started, peak / 1024


def _count(out: Path, dataset: str) -> int:
    folder = out / dataset
    if not folder.exists():
        return 0
    return int(pds.dataset(folder, format="parquet", partitioning="hive").count_rows())


def _reasons(out: Path) -> dict[str, int]:
    folder = out / "rejects"
    if not folder.exists():
        return {}
    table = pds.dataset(folder, format="parquet", partitioning="hive").to_table(columns=["reason"])
    return dict(Counter(table.column("reason").to_pylist()))


def _snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*.parquet"))
        if not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


# --- 1. bombs -------------------------------------------------------------------------------


def _good_lines() -> bytes:
    return b"".join(
        json.dumps({"title": f"Story {i}", "text": story_text(i)}).encode() + b"\n"
        for i in range(GOOD)
    )


def _gzip_member(chunk: bytes, total: int) -> bytes:
    """One gzip member of ``total`` bytes of repeated ``chunk`` (built in steps, never held)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = []
    for _ in range(total // len(chunk)):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    return b"".join(parts)


def _zstd_frame(prefix: bytes, chunk: bytes, total: int) -> bytes:
    cctx = zstandard.ZstdCompressor(level=19)
    comp = cctx.compressobj()
    parts = [comp.compress(prefix)]
    for _ in range(total // len(chunk)):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    return b"".join(parts)


def _case_jsonl_gz(folder: Path, size_gb: int) -> int:
    """GOOD JSON lines, then one line of ``size_gb`` GB of 'a' (a multi-member gzip)."""
    member = _gzip_member(b"a" * MIB, 1024 * MIB)
    with (folder / "bomb.jsonl.gz").open("wb") as fh:
        fh.write(gzip.compress(_good_lines(), mtime=0))
        for _ in range(size_gb):
            fh.write(member)
    return GOOD


def _case_whole(folder: Path, name: str, size_gb: int) -> int:
    """A whole-file document (.txt/.json) that unpacks to ``size_gb`` GB."""
    member = _gzip_member(b"word " * (MIB // 5), 1024 * MIB)
    with (folder / name).open("wb") as fh:
        fh.write(
            gzip.compress(b"Title\n\n" if name.startswith("bomb.txt") else b'{"text": "', mtime=0)
        )
        for _ in range(size_gb):
            fh.write(member)
    return 0


def _case_parquet_gz(folder: Path, size_gb: int) -> int:
    member = _gzip_member(b"\0" * MIB, 1024 * MIB)
    with (folder / "bomb.parquet.gz").open("wb") as fh:
        for _ in range(size_gb):
            fh.write(member)
    return 0


def _case_jsonl_zst(folder: Path, size_gb: int) -> int:
    frame = _zstd_frame(b"", b"a" * MIB, 1024 * MIB)
    with (folder / "bomb.jsonl.zst").open("wb") as fh:
        fh.write(zstandard.ZstdCompressor().compress(_good_lines()))
        for _ in range(size_gb):
            fh.write(frame)
    return GOOD


def _case_csv_field(folder: Path, size_mb: int) -> int:
    """A plain CSV: GOOD rows, one row with a ``size_mb`` MB quoted field (with line breaks),
    then GOOD more rows."""
    with (folder / "field.csv").open("w", encoding="utf-8") as fh:
        fh.write("title,text\n")
        for i in range(GOOD):
            fh.write(f'Story {i},"{story_text(i)}"\n')
        fh.write('Huge,"')
        line = ("lorem ipsum dolor sit amet " * 37)[:999] + "\n"
        for _ in range(size_mb * 1000):
            fh.write(line)
        fh.write('"\n')
        for i in range(GOOD, 2 * GOOD):
            fh.write(f'Story {i},"{story_text(i)}"\n')
    return 2 * GOOD


def _case_csv_field_accepted(folder: Path, size_mb: int) -> int:
    """A CSV whose one row holds a ``size_mb`` MB field (lines of prose): at most the default
    ``max_record_bytes``, so it is read, cleaned, signed and published as one article (the
    largest record the defaults let through the per-article stages)."""
    line = ("lorem ipsum dolor sit amet " * 37)[:999] + "\n"
    with (folder / "field.csv").open("w", encoding="utf-8") as fh:
        fh.write('title,text\nLargest,"')
        fh.write(line * (size_mb * 1000 - 1))
        fh.write('"\n')
    return 1


def _case_blank_lines(folder: Path, size_gb: int) -> int:
    """A .jsonl.gz of nothing but line breaks (``size_gb`` GB unpacked)."""
    member = _gzip_member(b"\n" * MIB, 1024 * MIB)
    with (folder / "blank.jsonl.gz").open("wb") as fh:
        fh.write(gzip.compress(_good_lines(), mtime=0))
        for _ in range(size_gb):
            fh.write(member)
    return GOOD


def _case_unterminated_csv(folder: Path, size_mb: int) -> int:
    """A CSV whose quote opens and never closes, followed by ``size_mb`` MB of plain rows
    (``max_record_bytes`` = 1 MiB, so the open quote runs past it)."""
    (folder.parent / "limits.toml").write_text("[limits]\nmax_record_bytes = 1048576\n")
    with (folder / "open-quote.csv").open("w", encoding="utf-8") as fh:
        fh.write('title,text\nBroken,"this quote never closes\n')
        n = 0
        while fh.tell() < size_mb * MIB:
            fh.write(f"Row {n},plain text of row {n} with a few words in it\n")
            n += 1
    return n


def _case_many_records(folder: Path, _size: int) -> int:
    """A .jsonl.gz of 2,000,000 tiny records against ``max_records_per_file = 1000``."""
    lines = b"".join(b'{"text": "tiny record %d"}\n' % i for i in range(2_000_000))
    (folder / "many.jsonl.gz").write_bytes(gzip.compress(lines, mtime=0))
    (folder.parent / "limits.toml").write_text("[limits]\nmax_records_per_file = 1000\n")
    return 1000


BOMBS: list[tuple[str, Callable[[Path, int], int], int, str]] = [
    (".jsonl.gz, 5 good lines + one 10 GB line", _case_jsonl_gz, 10, "GB"),
    (".txt.gz, 10 GB article", lambda f, n: _case_whole(f, "bomb.txt.gz", n), 10, "GB"),
    (".json.gz, 10 GB document", lambda f, n: _case_whole(f, "bomb.json.gz", n), 10, "GB"),
    (".parquet.gz, 10 GB of zeros", _case_parquet_gz, 10, "GB"),
    (".jsonl.zst, 5 good lines + 10 GB line (1 GB frames)", _case_jsonl_zst, 10, "GB"),
    (".csv, 300 MB quoted field between 10 good rows", _case_csv_field, 300, "MB"),
    (
        ".csv, unterminated quote then 5 MB of rows, max_record_bytes=1 MiB",
        _case_unterminated_csv,
        5,
        "MB",
    ),
    (".jsonl.gz, 2M records, max_records_per_file=1000", _case_many_records, 0, ""),
    (".jsonl.gz, 5 good lines + 10 GB of line breaks", _case_blank_lines, 10, "GB"),
    (
        ".csv, one 8 MB field accepted (the largest default record)",
        _case_csv_field_accepted,
        8,
        "MB",
    ),
]


def run_bombs(work: Path, quick: bool, only: str | None = None) -> list[dict[str, Any]]:
    results = []
    for label, build, size, unit in BOMBS:
        if only and only not in label:
            continue
        if quick and unit == "GB":
            size = 1
        case = work / f"case-{len(results)}"
        inp = case / "in"
        inp.mkdir(parents=True)
        good = build(inp, size)
        extra = ["--config", str(case / "limits.toml")] if (case / "limits.toml").exists() else []
        # --max-error-rate 1: a file that is all rejects is still published, so it is counted.
        cmd = _cli(inp, case / "out", "--max-error-rate", "1", *extra)
        code, stdout, wall, rss = _run_measured(cmd)
        summary = json.loads(stdout.strip().splitlines()[-1])
        out = case / "out"
        arts, dups, rejs = (_count(out, d) for d in ("articles", "duplicates", "rejects"))
        records_in = int(summary.get("records_in", 0))
        results.append(
            {
                "case": label,
                "input_bytes": sum(p.stat().st_size for p in inp.iterdir()),
                "exit": code,
                "records_in": records_in,
                "articles": arts,
                "good_expected": good,
                "rejects": _reasons(out),
                "lost": records_in - arts - dups - rejs,
                "wall_s": round(wall, 1),
                "peak_rss_mb": round(rss),
            }
        )
        print(json.dumps(results[-1]), flush=True)
        shutil.rmtree(case)
    return results


# --- 2. SIGKILL trials ----------------------------------------------------------------------


def _big_input(src: Path) -> None:
    n = 0
    src.mkdir(parents=True)
    for f in range(6):
        with (src / f"feed-{f:02d}.jsonl").open("w", encoding="utf-8") as fh:
            for _ in range(200):
                story = n if n % 7 else n - 3
                text = story_text(story) if n % 7 else near_copy(story_text(story), n)
                fh.write(json.dumps({"title": f"Story {n}", "text": text}) + "\n")
                n += 1


def _kill_in_stage(src: Path, out: Path, stage: str, rng: random.Random) -> tuple[float, int]:
    """Kill a run a random moment after ``stage`` starts; return the delay and its exit code
    (-9 when the kill landed, 0 when the run had finished first)."""
    proc = subprocess.Popen(
        _cli(src, out, workers=2), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    delay = 0.0
    # The first stages take seconds, the last ones tens of milliseconds.
    span = 0.25 if stage in ("census", "process") else 0.03
    for line in proc.stderr:
        if json.loads(line).get("msg") == f"stage {stage}":
            delay = rng.uniform(0.0, span)
            time.sleep(delay)
            break
    proc.send_signal(signal.SIGKILL)
    return delay, proc.wait(timeout=60)


def run_kills(work: Path, trials_per_stage: int) -> dict[str, Any]:
    src = work / "kill-in"
    _big_input(src)
    ref = work / "kill-ref"
    subprocess.run(_cli(src, ref, workers=2), check=True, capture_output=True)
    reference = _snapshot(ref)
    rng = random.Random(12)
    trials = []
    for stage in STAGES:
        for t in range(trials_per_stage):
            out = work / f"kill-{stage}-{t}"
            delay, code = _kill_in_stage(src, out, stage, rng)
            again = subprocess.run(_cli(src, out, workers=2), capture_output=True, check=False)
            trials.append(
                {
                    "where": f"stage {stage} +{delay:.3f}s",
                    "killed_exit": code,
                    "rerun_exit": again.returncode,
                    "identical": _snapshot(out) == reference,
                }
            )
            shutil.rmtree(out)
    for point in PUBLISH_POINTS:
        out = work / f"kill-{point}"
        env = {**os.environ, "NORMNEWS_FAILPOINTS": point}
        crashed = subprocess.run(
            _cli(src, out, workers=2), env=env, capture_output=True, check=False
        )
        again = subprocess.run(_cli(src, out, workers=2), capture_output=True, check=False)
        trials.append(
            {
                "where": f"failpoint {point}",
                "killed_exit": crashed.returncode,
                "rerun_exit": again.returncode,
                "identical": _snapshot(out) == reference,
            }
        )
        shutil.rmtree(out)
    for trial in trials:
        print(json.dumps(trial), flush=True)
    return {
        "trials": trials,
        "identical": sum(t["identical"] for t in trials),
        "killed": sum(t["killed_exit"] == -signal.SIGKILL for t in trials),
    }


# --- 3. disk-full trials --------------------------------------------------------------------


def _mount(path: Path, size: str, remount: bool = False) -> bool:
    opts = f"remount,size={size}" if remount else f"size={size}"
    cmd = (
        ["mount", "-o", opts, str(path)]
        if remount
        else ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)]
    )
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


def run_disk_full(work: Path, sizes_kb: list[int]) -> dict[str, Any]:
    src = work / "kill-in"
    if not src.exists():
        _big_input(src)
    ref = work / "disk-ref"
    subprocess.run(_cli(src, ref, workers=2), check=True, capture_output=True)
    reference = _snapshot(ref)
    needed = sum(p.stat().st_size for p in ref.rglob("*") if p.is_file())
    trials = []
    for kb in sizes_kb:
        disk = work / f"disk-{kb}"
        disk.mkdir()
        if not _mount(disk, f"{kb}k"):
            return {"skipped": "cannot mount a tmpfs (not root?)", "trials": []}
        try:
            first = subprocess.run(
                _cli(src, disk / "out", workers=2), capture_output=True, text=True, check=False
            )
            message = json.loads(first.stdout.strip().splitlines()[-1]).get("message", "")
            _mount(disk, "64m", remount=True)
            again = subprocess.run(
                _cli(src, disk / "out", workers=2), capture_output=True, check=False
            )
            trials.append(
                {
                    "tmpfs_kb": kb,
                    "first_exit": first.returncode,
                    "message": message[:140],
                    "rerun_exit": again.returncode,
                    "identical": _snapshot(disk / "out") == reference,
                }
            )
        finally:
            subprocess.run(["umount", "-l", str(disk)], capture_output=True, check=False)
        print(json.dumps(trials[-1]), flush=True)
    return {
        "output_bytes": needed,
        "trials": trials,
        "identical": sum(t["identical"] for t in trials),
    }


# --- 4. fuzz campaign -----------------------------------------------------------------------


def run_fuzz(examples: int) -> dict[str, Any]:
    """The fuzz tests of ``tests/hostile/test_fuzz.py`` with ``examples`` examples for the
    reader test (a tenth of that through whole runs)."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/hostile/test_fuzz.py",
            "-q",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            "--hypothesis-seed=20261129",
        ],
        env={**os.environ, "NORMNEWS_FUZZ_EXAMPLES": str(examples)},
        capture_output=True,
        text=True,
        check=False,
    )
    stats = [
        line.strip() for line in done.stdout.splitlines() if "passing" in line or "failing" in line
    ]
    failures = [line for line in done.stdout.splitlines() if line.startswith(("E ", "FAILED"))]
    return {
        "examples": examples,
        "exit": done.returncode,
        "seconds": round(time.perf_counter() - started),
        "stats": stats,
        "failures": failures[:20],
    }


NOTES = [
    "- Bombs are built from repeated gzip members / zstd frames of 1 GB each, so a 10 GB bomb "
    "is a ~10 MB file; the reader stops at `max_file_bytes` (4 GiB) or at the first record "
    "over `max_record_bytes`, whichever comes first, so no case unpacks all 10 GB.",
    "- `--max-error-rate 1` is passed in the bomb cases so a file that is all rejects is "
    "still published and its rows can be counted (with the default 0.5 such a run exits 65 "
    "and publishes nothing, which is also no loss).",
    "- Peak RSS is VmHWM of the `normnews` process, polled every 20 ms; `ru_maxrss` would "
    "include the memory of the forking benchmark process (it is inherited over exec).",
    "- SIGKILL trials: 1,200 articles in 6 JSON-lines files, `--workers 2`, killed a random "
    "moment (0-250 ms for census/process, 0-30 ms for the short later stages) after the "
    "stage's log line, plus a SIGKILL at each publish failpoint; the output is compared "
    "byte for byte (every published Parquet file, data and state) with an uninterrupted run.",
    "- One record costs about 60 times its size in the per-article stages (repair, clean, "
    "signature), measured with `/usr/bin/time -v normnews run IN --out OUT --workers 1` on a "
    "CSV whose one field is 16 MB of prose: 0.97 GB maximum RSS, 42 s (a 300 MB field let "
    "through with `max_record_bytes = 512 MiB` passed 10 GB RSS after 5 minutes and was "
    "stopped). Hence the default `max_record_bytes` of 8 MiB: the 8 MB case above peaks at "
    "560 MB. The reader itself holds at most one record (the 300 MB field costs it 188 MB).",
    "- Disk-full trials: a real tmpfs of the given size, so writes fail with ENOSPC wherever "
    "they happen to (scratch, staging, Parquet writers, publish); then `mount -o remount,"
    "size=64m` and the same command again. Every size here failed while staging (pyarrow "
    "reports no file name, so the message names OUT); a failure in the middle of a publish is "
    "covered by the failpoint tests in `tests/e2e/test_crash_safety.py`.",
]


# --- report ---------------------------------------------------------------------------------


def _markdown(data: dict[str, Any]) -> str:
    lines = [
        "# Reliability benchmark",
        "",
        f"Run {data['date']} on {data['machine']}, Python {data['python']}.",
        f"Command: `{data['command']}`",
        "",
        "Every case ran the real CLI in a fresh process (`--workers 1` for the bombs); peak RSS "
        "is VmHWM of that process (see the notes). Lost = `records_in` minus the article, "
        "duplicate and reject rows read back from the Parquet output. Default limits "
        "(`max_file_bytes` 4 GiB, `max_record_bytes` 8 MiB) unless the case says otherwise.",
        "",
        "## 1. Hostile single files",
        "",
        "| case | input | exit | records in | good kept / expected | rejects | lost | wall s "
        "| peak RSS MB |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in data.get("bombs", []):
        lines.append(
            f"| {r['case']} | {r['input_bytes'] / MIB:.1f} MB | {r['exit']} | {r['records_in']} "
            f"| {r['articles']} / {r['good_expected']} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(r["rejects"].items()))
            + f" | {r['lost']} | {r['wall_s']} | {r['peak_rss_mb']} |"
        )
    kills = data.get("kills")
    if kills:
        lines += [
            "",
            "## 2. SIGKILL trials",
            "",
            f"{kills['identical']} of {len(kills['trials'])} trials ended byte-identical "
            f"to the uninterrupted run after one rerun. In {kills['killed']} of them the "
            "SIGKILL landed before the run finished (exit -9); exit 0 means the run had "
            "finished first (the rerun is still checked).",
            "",
            "| killed at | exit of the killed run | rerun exit | identical |",
            "|---|---:|---:|---|",
        ]
        lines += [
            f"| {t['where']} | {t['killed_exit']} | {t['rerun_exit']} | {t['identical']} |"
            for t in kills["trials"]
        ]
    disk = data.get("disk_full")
    if disk:
        lines += ["", "## 3. Disk-full trials (real tmpfs)", ""]
        if disk.get("skipped"):
            lines.append(f"Skipped: {disk['skipped']}.")
        else:
            lines += [
                f"The uninterrupted output is {disk['output_bytes']:,} bytes. "
                f"{disk['identical']} of {len(disk['trials'])} trials ended byte-identical "
                "after the file system was enlarged and the job rerun.",
                "",
                "| tmpfs | first exit | message | rerun exit | identical |",
                "|---:|---:|---|---:|---|",
            ]
            lines += [
                f"| {t['tmpfs_kb']} KiB | {t['first_exit']} | {t['message']} | "
                f"{t['rerun_exit']} | {t['identical']} |"
                for t in disk["trials"]
            ]
    fuzz = data.get("fuzz")
    if fuzz:
        lines += [
            "",
            "## 4. Fuzz campaign (hypothesis)",
            "",
            f"`NORMNEWS_FUZZ_EXAMPLES={fuzz['examples']} pytest tests/hostile/test_fuzz.py` "
            f"(seed 20261129), run {fuzz.get('date', data['date'])}: exit {fuzz['exit']} in "
            f"{fuzz['seconds']} s. Strategies: format "
            "(jsonl, json, csv, tsv, txt, md, parquet) × compression (none, gz, bz2, xz, zst) × "
            "damage (none, truncate, flip a byte, insert bytes, append, prepend garbage). In "
            "order: every reader alone (no exception, unique keys, an intact file gives all its "
            "records), whole runs of 1-3 such files (records in = article + duplicate + reject "
            "rows from Parquet), and large `.json` streamed item by item against the same "
            "document read whole.",
            "",
            *[f"- {line.removeprefix('- ')}" for line in fuzz["stats"]],
            "",
            "Failures found: " + ("none." if not fuzz["failures"] else ""),
            *[f"    {line}" for line in fuzz["failures"]],
        ]
    lines += ["", "## Notes", "", *NOTES, *data.get("notes", [])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 GB bombs instead of 10 GB")
    parser.add_argument("--skip-bombs", action="store_true")
    parser.add_argument("--only", help="run only the bomb cases whose label contains this")
    parser.add_argument("--skip-kills", action="store_true")
    parser.add_argument("--skip-disk", action="store_true")
    parser.add_argument("--trials-per-stage", type=int, default=3)
    parser.add_argument("--fuzz", type=int, default=0, help="run a fuzz campaign of N examples")
    parser.add_argument("--report-only", action="store_true", help="rewrite the .md from JSON")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: tmp)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="normnews-reliability-", dir=args.work))
    previous = RESULTS / "reliability.json"
    data: dict[str, Any] = json.loads(previous.read_text()) if previous.exists() else {}
    if args.report_only:
        work.rmdir()
        (RESULTS / "reliability.md").write_text(_markdown(data))
        return
    data.update(
        {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "python": platform.python_version(),
            "command": "PYTHONPATH=src:tests python benchmarks/reliability.py "
            + " ".join(sys.argv[1:]),
        }
    )
    try:
        if not args.skip_bombs:
            found = run_bombs(work, args.quick, args.only)
            if args.only:
                # Replace the selected cases, keep the others from the previous run.
                labels = {r["case"] for r in found}
                found = [r for r in data.get("bombs", []) if r["case"] not in labels] + found
            data["bombs"] = found
        if not args.skip_kills:
            data["kills"] = run_kills(work, args.trials_per_stage)
        if not args.skip_disk:
            data["disk_full"] = run_disk_full(work, [64, 256, 512, 1024, 1536, 2048])
        if args.fuzz:
            data["fuzz"] = {**run_fuzz(args.fuzz), "date": data["date"]}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reliability.json").write_text(json.dumps(data, indent=1) + "\n")
    (RESULTS / "reliability.md").write_text(_markdown(data))


if __name__ == "__main__":
    main()
