"""Throughput benchmark: normnews vs datatrove, a bare script and the I/O floor, side by side.

Usage (from the repository root)::

    /tmp/nnvenv/bin/python benchmarks/throughput/run.py --sizes 20000 100000 [1000000]

For each size it generates (or reuses) a corpus under ``benchmarks/work/corpora/`` (see
``corpus.py``), then runs, in turn and on the same corpus, each measured as a whole process
tree (wall time, peak RSS summed over all processes and of the largest one, sampled every
50 ms with psutil):

- ``io_floor``: read the shards, write the texts as Parquet, nothing else (``io_floor.py``);
- ``bare_script``: the issue's "100-line multiprocessing script" (``bare_script.py``): a Pool
  over the shards doing ftfy on non-ASCII texts and datasketch MinHash (affine32, xxh32), then
  16x8 LSH in the parent and one Parquet file, all in memory; in the project's Python;
- ``normnews``: ``python -m normnews run CORPUS --out ... --workers N`` (all cores by default),
  with the stage timings from its manifest;
- ``datatrove``: its documented MinHash pipeline with ftfy and Parquet output
  (``dt_minhash.py``), in its own virtualenv ``benchmarks/work/venv-datatrove`` (created on
  first use: ``datatrove[processing]==0.10.1`` and ``spacy`` for the whitespace tokenizer).

Sizes up to ``--repeat-max`` (20,000) are run ``--runs`` times (3) and the median is reported;
larger sizes once. ``--skip-datatrove-above`` (100,000) skips datatrove on larger corpora;
``--skip-datatrove`` and ``--skip-bare-script`` skip those peers.
Results go to ``benchmarks/results/throughput.json`` (merged per size, so a 1M run can be
added later) and ``benchmarks/results/throughput.md``. Exits 0 with a message when the shared
corpora are absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from measure import Measured, run_measured  # noqa: E402

REPO = HERE.parents[1]
WORK = REPO / "benchmarks" / "work"
RESULTS = REPO / "benchmarks" / "results"
DT_VENV = WORK / "venv-datatrove"
DT_REQUIREMENTS = ["datatrove[processing]==0.10.1", "orjson", "spacy", "psutil"]
# Peers measured on this kind of machine (issue text), 20k articles, median of 3.
PEERS = {
    "datatrove 0.10.1, default word tokenizer": 335,
    "datatrove 0.10.1, whitespace tokenizer": 1_100,
    "text-dedup 0.4.1 MinHash": 730,
    "100-line multiprocessing script": 3_660,
}


def corpora_dir() -> Path:
    """``$NORMNEWS_CORPORA`` or ``../shared/corpora`` relative to the repository."""
    env = os.environ.get("NORMNEWS_CORPORA")
    return Path(env) if env else (REPO.parent / "shared" / "corpora").resolve()


def ensure_datatrove() -> Path:
    """The datatrove virtualenv's python, created on first use (never the project's env)."""
    python = DT_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DT_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *DT_REQUIREMENTS], check=True)
    return python


def _last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    return {}


def run_io_floor(corpus: Path) -> dict[str, Any]:
    """The I/O floor on ``corpus``."""
    out = WORK / "out-io-floor.parquet"
    m = run_measured([sys.executable, str(HERE / "io_floor.py"), str(corpus), str(out)])
    out.unlink(missing_ok=True)
    return _record(m)


def run_bare_script(corpus: Path, workers: int) -> dict[str, Any]:
    """The bare multiprocessing script on ``corpus`` (``workers`` 0: one per core)."""
    out = WORK / "out-bare-script.parquet"
    cmd = [sys.executable, str(HERE / "bare_script.py"), str(corpus), str(out)]
    m = run_measured([*cmd, "--workers", str(workers)])
    out.unlink(missing_ok=True)
    rec = _record(m)
    info = _last_json(m.stdout)
    rec["stages_s"] = info.get("timings", {})
    rec["counts"] = {"kept": info.get("kept"), "removed": info.get("removed")}
    return rec


def run_normnews(corpus: Path, workers: int) -> dict[str, Any]:
    """``normnews run`` on ``corpus`` into a fresh output root; stage timings from the manifest."""
    out = WORK / "out-normnews"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [
        sys.executable,
        "-m",
        "normnews",
        "run",
        str(corpus),
        "--out",
        str(out),
        "--run-date",
        "2026-11-24",
        "--workers",
        str(workers),
        "--log-format",
        "json",
    ]
    m = run_measured(cmd, env=env)
    rec = _record(m)
    manifests = sorted((out / "_runs").glob("*.json"))
    if manifests:
        manifest = json.loads(manifests[-1].read_text())
        rec["stages_s"] = manifest.get("timings_s", {})
        rec["counts"] = {
            k: v for k, v in manifest.get("counts", {}).items() if not isinstance(v, dict)
        }
    shutil.rmtree(out, ignore_errors=True)
    return rec


def run_datatrove(corpus: Path, workers: int, tokenizer: str) -> dict[str, Any]:
    """datatrove's documented MinHash pipeline on ``corpus`` (its own virtualenv)."""
    python = ensure_datatrove()
    work = WORK / "out-datatrove"
    cmd = [
        str(python),
        str(HERE / "dt_minhash.py"),
        str(corpus),
        str(work),
        "--workers",
        str(workers),
        "--tokenizer",
        tokenizer,
    ]
    m = run_measured(cmd)
    rec = _record(m)
    info = _last_json(m.stdout)
    rec["stages_s"] = info.get("timings", {})
    rec["counts"] = {"kept": info.get("kept"), "removed": info.get("removed")}
    shutil.rmtree(work, ignore_errors=True)
    return rec


def _record(m: Measured) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "returncode": m.returncode,
        "wall_s": m.wall_s,
        "peak_rss_total_mb": m.peak_rss_total_mb,
        "peak_rss_single_mb": m.peak_rss_single_mb,
        "max_processes": m.max_processes,
        "foreign_cpu_s": m.foreign_cpu_s,
    }
    if m.returncode != 0:
        rec["stderr_tail"] = m.stderr_tail
    return rec


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time (its other numbers belong to the same run)."""
    ok = [r for r in runs if r["returncode"] == 0] or runs
    ordered = sorted(ok, key=lambda r: r["wall_s"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["all_wall_s"] = [r["wall_s"] for r in runs]
    chosen["runs"] = len(runs)
    return chosen


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every pipeline on one corpus size."""
    corpus, meta = generate(corpora_dir(), WORK, n)
    mb = meta["bytes_text"] / 1e6
    runs = args.runs if n <= args.repeat_max else 1
    pipelines: dict[str, list[dict[str, Any]]] = {"io_floor": [], "normnews": []}
    with_dt = not args.skip_datatrove and n <= args.skip_datatrove_above
    if with_dt:
        pipelines["datatrove"] = []
    if not args.skip_bare_script:
        pipelines["bare_script"] = []
    for i in range(runs):
        print(f"[{n}] run {i + 1}/{runs}: io_floor", flush=True)
        pipelines["io_floor"].append(run_io_floor(corpus))
        if not args.skip_bare_script:
            print(f"[{n}] run {i + 1}/{runs}: bare_script", flush=True)
            pipelines["bare_script"].append(run_bare_script(corpus, args.workers))
            print(f"[{n}]   bare_script {pipelines['bare_script'][-1]['wall_s']}s", flush=True)
        print(f"[{n}] run {i + 1}/{runs}: normnews", flush=True)
        pipelines["normnews"].append(run_normnews(corpus, args.workers))
        print(f"[{n}]   normnews {pipelines['normnews'][-1]['wall_s']}s", flush=True)
        if with_dt:
            print(f"[{n}] run {i + 1}/{runs}: datatrove", flush=True)
            pipelines["datatrove"].append(run_datatrove(corpus, args.workers_dt, args.tokenizer))
            print(f"[{n}]   datatrove {pipelines['datatrove'][-1]['wall_s']}s", flush=True)
    result: dict[str, Any] = {"corpus": meta, "pipelines": {}}
    for name, recs in pipelines.items():
        med = _median_run(recs)
        med["articles_per_s"] = round(n / med["wall_s"], 1)
        med["mb_per_s"] = round(mb / med["wall_s"], 2)
        result["pipelines"][name] = med
    p = result["pipelines"]
    ratios: dict[str, float] = {
        "normnews_over_io_floor_time": round(p["normnews"]["wall_s"] / p["io_floor"]["wall_s"], 2)
    }
    if "datatrove" in p:
        ratios["normnews_over_datatrove_throughput"] = round(
            p["normnews"]["articles_per_s"] / p["datatrove"]["articles_per_s"], 2
        )
    if "bare_script" in p:
        ratios["normnews_over_bare_script_throughput"] = round(
            p["normnews"]["articles_per_s"] / p["bare_script"]["articles_per_s"], 2
        )
    ratios["normnews_over_peer_datatrove_whitespace_1100"] = round(
        p["normnews"]["articles_per_s"] / PEERS["datatrove 0.10.1, whitespace tokenizer"], 2
    )
    result["ratios"] = ratios
    paired = paired_ratios(result)
    if paired:
        result["paired_ratios"] = paired
    return result


def paired_ratios(result: dict[str, Any]) -> dict[str, list[float]]:
    """Ratios within each run (the pipelines ran back to back on the same corpus).

    On a shared machine the load changes between runs; a ratio taken inside one run is less
    exposed to that than a ratio of medians.
    """
    p = result["pipelines"]
    nn = p["normnews"].get("all_wall_s", [])
    io = p["io_floor"].get("all_wall_s", [])
    out: dict[str, list[float]] = {}
    if len(nn) > 1 and len(io) == len(nn):
        out["normnews_over_io_floor_time"] = [round(a / b, 2) for a, b in zip(nn, io, strict=True)]
    dt_ = p.get("datatrove", {}).get("all_wall_s", [])
    if len(nn) > 1 and len(dt_) == len(nn):
        out["normnews_over_datatrove_throughput"] = [
            round(b / a, 2) for a, b in zip(nn, dt_, strict=True)
        ]
    bare = p.get("bare_script", {}).get("all_wall_s", [])
    if len(nn) > 1 and len(bare) == len(nn):
        out["normnews_over_bare_script_throughput"] = [
            round(b / a, 2) for a, b in zip(nn, bare, strict=True)
        ]
    return out


def source_version() -> str:
    """The commit normnews was measured at, with ``+dirty`` when src/ had local changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "src"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"
    return head + ("+dirty" if dirty else "")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import psutil  # type: ignore[import-untyped]

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def write_markdown(data: dict[str, Any], path: Path) -> None:
    """The human-readable results table (the profile section is kept if present)."""
    lines = [
        "# Throughput: normnews vs datatrove vs a bare script vs the I/O floor",
        "",
        f"Last command: `{data['command']}`  ",
        f"Last recorded: {data['recorded_at']}  ",
        f"Machine: {data['machine']['cpus']} cores ({data['machine']['cpu_model']}), "
        f"{data['machine']['memory_gb']} GB RAM, Python {data['machine']['python']}  ",
        f"normnews workers: {data['workers']} (0 = one per core); datatrove: "
        f"{data['workers_dt']} workers, {data['tokenizer']} tokenizer; bare script: the "
        "normnews worker count (`benchmarks/throughput/bare_script.py`).",
        "",
        "Corpus: real BBC + Reuters-21578 articles resampled 50/50, later uses of an original "
        "word-perturbed into distinct articles, ~15% planted near-copies (see "
        "`benchmarks/throughput/corpus.py`). Whole process tree measured; peak RSS sampled every "
        "50 ms. Sizes ≤ 20k: median of 3 runs (by wall time); larger: 1 run.",
        "",
        "Commands per size: "
        + "; ".join(
            f"{int(k):,}: `{v.get('command', data['command'])}` ({v.get('recorded_at', '')}, "
            f"normnews {v.get('normnews_version', '?')})"
            for k, v in sorted(data["sizes"].items(), key=lambda kv: int(kv[0]))
        ),
        "",
        "| articles | pipeline | wall s | articles/s | MB/s | peak RSS sum MB | peak RSS "
        "max proc MB | kept / removed |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for size, res in sorted(data["sizes"].items(), key=lambda kv: int(kv[0])):
        for name, p in res["pipelines"].items():
            c = p.get("counts", {})
            kept = c.get("articles", c.get("kept", ""))
            removed = c.get("duplicates", c.get("removed", ""))
            counts = f"{kept} / {removed}" if kept != "" else ""
            lines.append(
                f"| {int(size):,} | {name} | {p['wall_s']:.2f} | {p['articles_per_s']:,.0f} | "
                f"{p['mb_per_s']:.2f} | {p['peak_rss_total_mb']:.0f} | "
                f"{p['peak_rss_single_mb']:.0f} | {counts} |"
            )
    lines += ["", "Ratios (same run, same corpus):", ""]
    for size, res in sorted(data["sizes"].items(), key=lambda kv: int(kv[0])):
        r = res["ratios"]
        lines.append(f"- {int(size):,}: " + ", ".join(f"{k} = {v}" for k, v in r.items()))
        for k, v in paired_ratios(res).items():
            lines.append(f"  - per run (paired) {k}: {v}, median {statistics.median(v)}")
        foreign = {
            name: p.get("foreign_cpu_s")
            for name, p in res["pipelines"].items()
            if p.get("foreign_cpu_s") is not None
        }
        if foreign:
            lines.append(f"  - CPU seconds used by other processes in the median runs: {foreign}")
    lines += ["", "Stage timings (seconds):", ""]
    for size, res in sorted(data["sizes"].items(), key=lambda kv: int(kv[0])):
        for name in ("normnews", "datatrove", "bare_script"):
            p = res["pipelines"].get(name)
            if p and p.get("stages_s"):
                lines.append(f"- {int(size):,} {name}: {p['stages_s']}")
    marker = "<!-- profile -->"
    tail = ""
    if path.exists() and marker in path.read_text():
        tail = path.read_text().split(marker, 1)[1]
    path.write_text("\n".join(lines) + f"\n\n{marker}{tail}")


def main() -> int:
    """Run the benchmark; write the results files."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat-max", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=0, help="normnews workers (0 = all cores)")
    ap.add_argument("--workers-dt", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--tokenizer", default="whitespace", choices=["whitespace", "english"])
    ap.add_argument("--skip-datatrove", action="store_true")
    ap.add_argument("--skip-bare-script", action="store_true")
    ap.add_argument("--skip-datatrove-above", type=int, default=100_000)
    ap.add_argument("--results", type=Path, default=RESULTS / "throughput.json")
    args = ap.parse_args()
    if not (corpora_dir() / "bbc-news-fulltext").is_dir():
        print(f"skipped: corpora not found at {corpora_dir()} (set NORMNEWS_CORPORA)")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"sizes": {}}
    if args.results.exists():
        data = json.loads(args.results.read_text())
    data.update(
        command="python benchmarks/throughput/run.py " + " ".join(sys.argv[1:]),
        recorded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        machine=machine(),
        workers=args.workers,
        workers_dt=args.workers_dt,
        tokenizer=args.tokenizer,
        peers_articles_per_s=PEERS,
    )
    for n in args.sizes:
        data["sizes"][str(n)] = bench_size(n, args)
        data["sizes"][str(n)]["command"] = data["command"]
        data["sizes"][str(n)]["recorded_at"] = data["recorded_at"]
        data["sizes"][str(n)]["normnews_version"] = source_version()
        args.results.write_text(json.dumps(data, indent=2) + "\n")
        write_markdown(data, args.results.with_suffix(".md"))
        print(json.dumps({n: data["sizes"][str(n)]["ratios"]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
